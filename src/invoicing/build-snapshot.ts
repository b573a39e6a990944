/**
 * Builds the {@link DocumentSnapshot} of a document from the seller profile as it is at issue
 * and the stored event (an invoice-receipt) or the corrected invoice's own snapshot (a credit
 * note). Pure: the issuing transaction supplies the number and the time.
 *
 * Amounts: the payment's gross is what the buyer paid. Tax is derived from it with the
 * profile's rate (`vat_included`, `israel_vat`: gross × rate ÷ (1 + rate), rounded to the minor
 * unit); `small_business` and `reverse_charge` charge none. Lines are the payment's items when
 * their amounts add up to the gross; otherwise one line for the whole payment, so the printed
 * lines always sum to the printed total.
 */
import type { CanonicalEvent, EventAddress, EventBuyer } from '../core/events.js';
import { calendarDay } from '../lib/calendar-day.js';
import { DOCUMENT_LANGUAGES } from './document-snapshot.js';
import type {
  DocumentLanguage,
  DocumentLine,
  DocumentParty,
  DocumentSeller,
  DocumentSnapshot,
  DocumentTaxMode,
  DocumentTotals,
} from './document-snapshot.js';
import type { ProfileForIssue } from './profile-settings.js';

/** Tax included in `gross` under `mode`. */
export function includedTax(gross: number, mode: DocumentTaxMode): number {
  if (mode.kind !== 'vat_included' && mode.kind !== 'israel_vat') return 0;
  return Math.round((gross * mode.rateBasisPoints) / (10_000 + mode.rateBasisPoints));
}

export function totalsOf(gross: number, mode: DocumentTaxMode): DocumentTotals {
  const tax = includedTax(gross, mode);
  return { net: gross - tax, tax, gross };
}

function isDocumentLanguage(value: string | null | undefined): value is DocumentLanguage {
  return (DOCUMENT_LANGUAGES as readonly string[]).includes(value ?? '');
}

/** The buyer's language when it is one documents are written in, else the profile's default. */
export function documentLanguage(
  event: CanonicalEvent,
  fallback: DocumentLanguage,
): DocumentLanguage {
  for (const candidate of [event.buyer?.language, event.order?.language]) {
    const code = candidate?.toLowerCase().slice(0, 2);
    if (isDocumentLanguage(code)) return code;
  }
  return fallback;
}

export function sellerOf(profile: ProfileForIssue): DocumentSeller {
  const s = profile.settings;
  return {
    name: s.legalName,
    company: null,
    addressLines: [...s.addressLines],
    countryCode: s.countryCode,
    vatId: s.vatId,
    email: s.email,
    taxNumber: s.taxNumber,
    contactLines: [...s.contactLines],
    bankLines: [...s.bankLines],
    footer: s.footer,
    logo:
      profile.logo === null
        ? null
        : { mediaType: profile.logo.mediaType, base64: profile.logo.bytes.toString('base64') },
  };
}

function addressLines(address: EventAddress | null): string[] {
  if (address === null) return [];
  const cityLine = [address.zipcode, address.city]
    .filter((part) => part !== null && part.trim() !== '')
    .join(' ');
  return [address.street, address.street2, cityLine, address.state].filter(
    (part): part is string => part !== null && part.trim() !== '',
  );
}

export function buyerOf(buyer: EventBuyer | null): DocumentParty {
  const name = [buyer?.firstName, buyer?.lastName]
    .filter((part) => part && part.trim() !== '')
    .join(' ');
  return {
    name: name !== '' ? name : (buyer?.company ?? buyer?.email ?? ''),
    company: buyer?.company ?? null,
    addressLines: addressLines(buyer?.address ?? null),
    countryCode: buyer?.address?.country ?? null,
    vatId: null,
    email: buyer?.email ?? null,
  };
}

function linesOf(event: CanonicalEvent, gross: number): DocumentLine[] {
  const items = event.order?.items ?? [];
  const priced =
    items.length > 0 && items.every((item) => item.amount !== null && item.quantity > 0);
  if (priced && items.reduce((sum, item) => sum + (item.amount ?? 0), 0) === gross) {
    return items.map((item) => {
      const amount = item.amount ?? 0;
      const exact = amount % item.quantity === 0;
      return {
        description: item.name ?? item.productId,
        quantity: exact ? item.quantity : 1,
        unitAmount: exact ? amount / item.quantity : amount,
        amount,
      };
    });
  }
  const names = items.map((item) =>
    item.quantity > 1
      ? `${item.quantity} × ${item.name ?? item.productId}`
      : (item.name ?? item.productId),
  );
  const description = names.length > 0 ? names.join(', ') : `Order ${event.order?.id ?? event.id}`;
  return [{ description, quantity: 1, unitAmount: gross, amount: gross }];
}

const PAYMENT_METHODS: Readonly<Record<string, string>> = {
  'paypal-ipn': 'PayPal',
  'paypal-webhooks': 'PayPal',
  digistore24: 'Digistore24',
};

export function paymentMethodOf(provider: string): string {
  return PAYMENT_METHODS[provider] ?? provider;
}

export interface Numbered {
  number: string;
  issuedAt: Date;
}

/** An invoice-receipt for a payment event whose gross is `gross` (> 0, in `currency`). */
export function invoiceSnapshot(
  profile: ProfileForIssue,
  event: CanonicalEvent,
  gross: number,
  currency: string,
  numbered: Numbered,
): DocumentSnapshot {
  const { settings } = profile;
  return {
    kind: 'invoice',
    number: numbered.number,
    issuedAt: numbered.issuedAt.toISOString(),
    supplyDate: calendarDay(new Date(event.occurredAt), settings.timeZone),
    language: documentLanguage(event, settings.defaultLanguage),
    timeZone: settings.timeZone,
    currency,
    seller: sellerOf(profile),
    buyer: buyerOf(event.buyer),
    lines: linesOf(event, gross),
    totals: totalsOf(gross, settings.taxMode),
    taxMode: settings.taxMode,
    payment: {
      method: paymentMethodOf(event.source.provider),
      transactionId: event.order?.transactionId ?? null,
      paidAt: event.occurredAt,
    },
    orderId: event.order?.id ?? null,
    corrects: null,
  };
}

const PARTIAL_CREDIT: Readonly<Record<DocumentLanguage, (number: string) => string>> = {
  de: (number) => `Teilgutschrift zu Rechnung ${number}`,
  en: (number) => `Partial credit for invoice ${number}`,
  it: (number) => `Accredito parziale della fattura ${number}`,
  he: (number) => `זיכוי חלקי לחשבונית ${number}`,
};

export interface CreditFacts {
  /** Credited gross, at most what is left of the invoice. */
  amount: number;
  /** When the money went back (the refund's time, or the issue time for a credit by hand). */
  refundedAt: string;
  /** The refund's transaction at the provider, when there is one. */
  transactionId: string | null;
}

/**
 * A credit note for `invoice`: its buyer, language, currency and tax mode; the seller as the
 * profile is now. A credit of the whole invoice repeats its lines; a partial one is one line
 * naming the invoice, with tax at the invoice's rate.
 */
export function creditNoteSnapshot(
  profile: ProfileForIssue,
  invoice: DocumentSnapshot,
  credit: CreditFacts,
  numbered: Numbered,
): DocumentSnapshot {
  const full = credit.amount === invoice.totals.gross;
  return {
    kind: 'credit_note',
    number: numbered.number,
    issuedAt: numbered.issuedAt.toISOString(),
    supplyDate: calendarDay(new Date(credit.refundedAt), invoice.timeZone),
    language: invoice.language,
    timeZone: invoice.timeZone,
    currency: invoice.currency,
    seller: sellerOf(profile),
    buyer: invoice.buyer,
    lines: full
      ? invoice.lines
      : [
          {
            description: PARTIAL_CREDIT[invoice.language](invoice.number),
            quantity: 1,
            unitAmount: credit.amount,
            amount: credit.amount,
          },
        ],
    totals: full ? invoice.totals : totalsOf(credit.amount, invoice.taxMode),
    taxMode: invoice.taxMode,
    payment: {
      method: invoice.payment.method,
      transactionId: credit.transactionId,
      paidAt: credit.refundedAt,
    },
    orderId: invoice.orderId,
    corrects: { number: invoice.number, issuedAt: invoice.issuedAt },
  };
}
