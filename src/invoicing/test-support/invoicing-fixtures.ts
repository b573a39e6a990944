/**
 * What the invoicing tests share: a complete profile, PayPal payments and refunds as the
 * provider would have normalised them (test/helpers/commit-notification.ts commits them through
 * the real ingest store), and renderers that stand in for the PDF renderer — one that answers a
 * small PDF naming the document, one that fails until told otherwise.
 */
import type { EventDraft } from '../../core/events.js';
import { emptyOrder } from '../../core/events.js';
import type { DocumentRenderer } from '../document-jobs.js';
import type { ProfileSettingsInput } from '../profile-settings.js';

export function sampleProfileSettings(
  overrides: Partial<ProfileSettingsInput> = {},
): ProfileSettingsInput {
  return {
    legalName: 'Muster Software GmbH',
    addressLines: ['Hauptstraße 1', '10115 Berlin'],
    countryCode: 'DE',
    vatId: 'DE123456789',
    taxNumber: '27/123/45678',
    email: 'billing@muster.example',
    defaultLanguage: 'de',
    timeZone: 'Europe/Berlin',
    taxMode: { kind: 'vat_included', rateBasisPoints: 1900 },
    invoiceSeries: { prefix: 'RE', yearlyReset: true, width: 6 },
    creditNoteSeries: { prefix: 'GS', yearlyReset: true, width: 6 },
    mail: { toBuyer: true, sellerRecipients: ['orders@muster.example'], replyTo: null },
    ...overrides,
  };
}

export interface PaymentFacts {
  txnId: string;
  /** Minor units. */
  amount: number;
  currency?: string;
  email?: string;
  firstName?: string;
  lastName?: string;
  language?: string | null;
  test?: boolean;
}

export function paymentDraft(facts: PaymentFacts): EventDraft {
  const currency = facts.currency ?? 'EUR';
  return {
    type: 'payment',
    occurredAt: '2026-03-01T10:00:00.000Z',
    test: facts.test ?? false,
    order: {
      ...emptyOrder(facts.txnId),
      transactionId: facts.txnId,
      billingType: 'single_payment',
      paySequenceNo: 0,
      currency,
      amount: facts.amount,
      items: [
        {
          productId: 'course-basic',
          name: 'Online-Kurs Basis',
          quantity: 1,
          isAddon: false,
          amount: facts.amount,
        },
      ],
    },
    buyer: {
      email: facts.email ?? 'buyer@example.com',
      firstName: facts.firstName ?? 'Erika',
      lastName: facts.lastName ?? 'Mustermann',
      company: null,
      phone: null,
      address: {
        street: 'Beispielweg 5',
        street2: null,
        zipcode: '80331',
        city: 'München',
        state: null,
        country: 'DE',
      },
      newsletterConsent: null,
      language: facts.language ?? null,
    },
    affiliate: null,
    subscription: null,
    raw: {},
    dedupKey: `payment:${facts.txnId}`,
  };
}

export function refundDraft(facts: {
  txnId: string;
  parentTxnId: string;
  amount: number | null;
  currency?: string;
  type?: 'refund' | 'chargeback';
}): EventDraft {
  const type = facts.type ?? 'refund';
  return {
    type,
    occurredAt: '2026-03-05T10:00:00.000Z',
    test: false,
    order: {
      ...emptyOrder(facts.parentTxnId),
      transactionId: facts.txnId,
      parentTransactionId: facts.parentTxnId,
      currency: facts.currency ?? 'EUR',
      amount: facts.amount,
    },
    buyer: null,
    affiliate: null,
    subscription: null,
    raw: {},
    dedupKey: `${type}:${facts.txnId}`,
  };
}

/** A renderer that answers a tiny PDF naming the document, deterministic per snapshot. */
export const fakePdfRenderer: DocumentRenderer = async (snapshot) =>
  Buffer.from(
    `%PDF-1.4\n% ${snapshot.kind} ${snapshot.number} ${snapshot.seller.name} → ${snapshot.buyer.name} ${snapshot.totals.gross} ${snapshot.currency}\n%%EOF\n`,
  );

/** A renderer that fails while `failing` is true, then renders like `renderer` ({@link fakePdfRenderer} unless given); counts its calls. */
export function switchableRenderer(renderer: DocumentRenderer = fakePdfRenderer): {
  render: DocumentRenderer;
  failing: boolean;
  calls: number;
} {
  const state = {
    failing: true,
    calls: 0,
    render: (async (snapshot) => {
      state.calls += 1;
      if (state.failing) throw new Error('renderer down (test)');
      return renderer(snapshot);
    }) as DocumentRenderer,
  };
  return state;
}
