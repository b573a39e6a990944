/**
 * Issuing a document inside one write transaction (docs/invoicing.md, "Numbering" and
 * "One payment, one document"):
 * 1. claim what the document is for — `document_claims`, primary key `<profile>:<kind>:<the
 *    provider's transaction id>` — with `ON CONFLICT DO NOTHING`; a claim already taken means
 *    the document exists (a resent IPN, the same payment through a second source of the
 *    profile, two workers at once: on PostgreSQL the second insert waits for the first
 *    transaction and then finds the key taken), and nothing else happens;
 * 2. allocate the number from the series' counter row (numbering.ts) — after the claim, so a
 *    duplicate never takes a number;
 * 3. build the snapshot and insert the document (with whether its PDF is to carry the EN 16931
 *    e-invoice, from the profile as it is now), its e-mails and nothing else.
 * Everything commits together or not at all, so numbers are gapless and each is used once.
 * The PDF is rendered and the mails are sent after the commit (render-job.ts, mail-jobs.ts).
 */
import type { Kysely } from 'kysely';
import type { CanonicalEvent } from '../core/events.js';
import { IpnhubError } from '../core/errors.js';
import { newId } from '../core/ids.js';
import type { Database } from '../db/schema.js';
import type { Clock } from '../lib/clock.js';
import { normalizeEmail } from '../ledger/queries/normalize-email.js';
import { creditNoteSnapshot, invoiceSnapshot } from './build-snapshot.js';
import type { CreditFacts, Numbered } from './build-snapshot.js';
import type { DocumentKind, DocumentSnapshot } from './document-snapshot.js';
import { queueDocumentMails } from './document-mails.js';
import { queuePlatformSaleMails } from './platform-sale-mails.js';
import { allocateNumber, formatNumber, seriesPeriod } from './numbering.js';
import { loadProfileForIssue } from './profiles.js';
import type { ProfileForIssue } from './profile-settings.js';

/** A refund that cannot be credited without a person: the job records it for manual handling. */
export class NeedsManualHandling extends Error {
  override readonly name = 'NeedsManualHandling';
}

/** The year turned between choosing the series and taking the number: the job is tried again. */
class PeriodChanged extends Error {
  override readonly name = 'PeriodChanged';
}

export type IssueOutcome =
  | { kind: 'issued'; documentId: string; number: string }
  | { kind: 'exists'; documentId: string }
  | { kind: 'skipped'; reason: string }
  /** A Digistore24 sale: no document; `mails` mails with Digistore24's links queued (platform-sale-mails.ts). */
  | { kind: 'platform_sale'; mails: number };

interface StoreRequest {
  kind: DocumentKind;
  claimKey: string;
  sourceId: string | null;
  eventId: string | null;
  transactionRef: string | null;
  correctsDocumentId: string | null;
  /** Builds the snapshot once the number is taken; may throw to roll everything back. */
  build(numbered: Numbered): Promise<DocumentSnapshot>;
}

async function storeDocument(
  trx: Kysely<Database>,
  clock: Clock,
  profile: ProfileForIssue,
  request: StoreRequest,
): Promise<IssueOutcome> {
  const documentId = newId('document');
  const startedAt = clock.now();
  const claimed = await trx
    .insertInto('document_claims')
    .values({
      claim_key: request.claimKey,
      document_id: documentId,
      created_at: startedAt.toISOString(),
    })
    .onConflict((oc) => oc.column('claim_key').doNothing())
    .returning('claim_key')
    .execute();
  if (claimed.length === 0) {
    const existing = await trx
      .selectFrom('document_claims')
      .select('document_id')
      .where('claim_key', '=', request.claimKey)
      .executeTakeFirstOrThrow();
    return { kind: 'exists', documentId: existing.document_id };
  }
  const { settings } = profile;
  const series = request.kind === 'invoice' ? settings.invoiceSeries : settings.creditNoteSeries;
  const period = seriesPeriod(profile.id, request.kind, series, startedAt, settings.timeZone);
  const sequenceNo = await allocateNumber(trx, period.key, series.startAt);
  // Read after the counter row is ours, so issue times follow the numbers.
  const issuedAt = clock.now();
  if (
    seriesPeriod(profile.id, request.kind, series, issuedAt, settings.timeZone).key !== period.key
  )
    throw new PeriodChanged(`the year changed while issuing in ${period.key}`);
  const number = formatNumber(series, period.year, sequenceNo);
  const snapshot = await request.build({ number, issuedAt });
  const now = issuedAt.toISOString();
  await trx
    .insertInto('documents')
    .values({
      id: documentId,
      profile_id: profile.id,
      source_id: request.sourceId,
      event_id: request.eventId,
      kind: request.kind,
      number,
      series_key: period.key,
      sequence_no: sequenceNo,
      issued_at: now,
      buyer_email: snapshot.buyer.email === null ? null : normalizeEmail(snapshot.buyer.email),
      buyer_name: snapshot.buyer.name,
      order_ref: snapshot.orderId,
      transaction_ref: request.transactionRef,
      currency: snapshot.currency,
      gross: snapshot.totals.gross,
      net: snapshot.totals.net,
      tax: snapshot.totals.tax,
      corrects_document_id: request.correctsDocumentId,
      snapshot: JSON.stringify(snapshot),
      render_state: 'pending',
      render_attempts: 0,
      render_next_at: now,
      render_lease_until: null,
      render_error: null,
      // Decided now and kept with the document, like the snapshot: a later change to the profile does not change this document's PDF.
      e_invoice: profile.settings.eInvoice ? 1 : 0,
      e_invoice_refused: null,
      created_at: now,
    })
    .execute();
  await queueDocumentMails(trx, { id: documentId, snapshot }, profile, { now, trigger: 'issue' });
  return { kind: 'issued', documentId, number };
}

interface InvoiceRow {
  id: string;
  gross: number;
  snapshot: DocumentSnapshot;
}

async function invoiceOf(
  trx: Kysely<Database>,
  where: { profileId: string; transactionRef: string } | { documentId: string },
): Promise<InvoiceRow | null> {
  let query = trx
    .selectFrom('documents')
    .select(['id', 'gross', 'snapshot', 'kind'])
    .where('kind', '=', 'invoice');
  query =
    'documentId' in where
      ? query.where('id', '=', where.documentId)
      : query
          .where('profile_id', '=', where.profileId)
          .where('transaction_ref', '=', where.transactionRef);
  const row = await query.orderBy('id').limit(1).executeTakeFirst();
  return row
    ? {
        id: row.id,
        gross: Number(row.gross),
        snapshot: JSON.parse(row.snapshot) as DocumentSnapshot,
      }
    : null;
}

/** What is left of an invoice to credit. Read after the credit series' counter is locked, so two credits of one invoice see each other. */
export async function creditableAmount(
  trx: Kysely<Database>,
  invoice: { id: string; gross: number },
): Promise<number> {
  const row = await trx
    .selectFrom('documents')
    .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('gross'), eb.lit(0)).as('credited'))
    .where('corrects_document_id', '=', invoice.id)
    .executeTakeFirstOrThrow();
  return invoice.gross - Number(row.credited);
}

/**
 * A credit note for `invoice` of `amount` (null: what is left). What is left is checked after the
 * number is taken: only then does this transaction hold the credit series' counter, so a
 * concurrent credit of the same invoice has committed (and is counted) or waits.
 */
function creditRequest(
  trx: Kysely<Database>,
  profile: ProfileForIssue,
  invoice: InvoiceRow,
  credit: Omit<CreditFacts, 'amount'> & { amount: number | null },
  claimKey: string,
  origin: { sourceId: string | null; eventId: string | null },
  refuse: (reason: string) => Error,
): StoreRequest {
  return {
    kind: 'credit_note',
    claimKey,
    ...origin,
    transactionRef: credit.transactionId,
    correctsDocumentId: invoice.id,
    async build(numbered) {
      const left = await creditableAmount(trx, invoice);
      const amount = credit.amount ?? left;
      if (left <= 0) throw refuse(`invoice ${invoice.snapshot.number} is credited in full already`);
      if (amount <= 0) throw refuse('the amount to credit must be more than 0');
      if (amount > left)
        throw refuse(
          `${amount} is more than the ${left} left to credit on invoice ${invoice.snapshot.number}`,
        );
      return creditNoteSnapshot(profile, invoice.snapshot, { ...credit, amount }, numbered);
    },
  };
}

function skip(reason: string): IssueOutcome {
  return { kind: 'skipped', reason };
}

/**
 * The document a stored event calls for, issued in `trx`: an invoice-receipt for a payment, a
 * credit note for a refund or chargeback of a payment that has one. `NeedsManualHandling` when a
 * refund cannot be credited (ipnhub has no document of its payment, no amount, another currency,
 * more than is left); `skipped` when the profile does not issue this one (invoicing off, a
 * Digistore24 refund, a test payment, nothing paid); `platform_sale` for a Digistore24 payment,
 * whose mails carry Digistore24's own invoice and receipt links instead of a document.
 */
export async function issueForEvent(
  trx: Kysely<Database>,
  clock: Clock,
  profile: ProfileForIssue,
  event: CanonicalEvent,
): Promise<IssueOutcome> {
  const { settings } = profile;
  if (!profile.invoicing) return skip('invoicing is switched off in the seller profile');
  if (event.source.provider === 'digistore24' && !settings.issueForPlatformSales) {
    if (event.type !== 'payment')
      return skip('Digistore24 is the merchant of record and credits the buyer itself');
    return {
      kind: 'platform_sale',
      mails: await queuePlatformSaleMails(trx, profile, event, clock.now().toISOString()),
    };
  }
  if (event.source.test && !settings.issueForTestPayments)
    return skip('test payment (the profile does not issue documents for test payments)');
  const order = event.order;
  const origin = { sourceId: event.source.id, eventId: event.id };
  if (event.type === 'payment') {
    if (order === null || order.amount === null || order.amount <= 0 || order.currency === null)
      return skip('the payment names no amount to invoice');
    const { amount, currency } = order;
    return storeDocument(trx, clock, profile, {
      kind: 'invoice',
      claimKey: `${profile.id}:invoice:${order.transactionId ?? `event:${event.id}`}`,
      ...origin,
      transactionRef: order.transactionId,
      correctsDocumentId: null,
      build: async (numbered) => invoiceSnapshot(profile, event, amount, currency, numbered),
    });
  }
  if (event.type !== 'refund' && event.type !== 'chargeback')
    return skip(`no document for ${event.type} events`);
  const paymentRef = event.refund?.paymentTransactionId ?? order?.parentTransactionId ?? null;
  const invoice =
    paymentRef === null
      ? null
      : await invoiceOf(trx, { profileId: profile.id, transactionRef: paymentRef });
  if (invoice === null) {
    throw new NeedsManualHandling(
      paymentRef === null
        ? `the ${event.type} names no payment`
        : `ipnhub has no invoice of the ${event.type}'s payment ${paymentRef}`,
    );
  }
  if (order?.amount === null || order?.amount === undefined)
    throw new NeedsManualHandling(`the ${event.type} names no amount`);
  if (order.currency !== null && order.currency !== invoice.snapshot.currency) {
    throw new NeedsManualHandling(
      `the ${event.type} is in ${order.currency}, invoice ${invoice.snapshot.number} in ${invoice.snapshot.currency}`,
    );
  }
  const credit = {
    amount: order.amount,
    refundedAt: event.occurredAt,
    transactionId: order.transactionId,
  };
  const claimKey = `${profile.id}:credit_note:${order.transactionId ?? `event:${event.id}`}`;
  return storeDocument(
    trx,
    clock,
    profile,
    creditRequest(
      trx,
      profile,
      invoice,
      credit,
      claimKey,
      origin,
      (reason) => new NeedsManualHandling(reason),
    ),
  );
}

/**
 * A credit note issued by a person for an invoice (the whole rest, or `amount` minor units).
 * `NOT_FOUND`, or `CREDIT_NOT_POSSIBLE` for a credit note, a deleted profile or an amount over
 * what is left. Each call issues a new credit note.
 */
export async function issueCreditNoteByHand(
  trx: Kysely<Database>,
  clock: Clock,
  documentId: string,
  amount: number | null,
): Promise<IssueOutcome> {
  const document = await trx
    .selectFrom('documents')
    .select(['id', 'kind', 'profile_id', 'source_id'])
    .where('id', '=', documentId)
    .executeTakeFirst();
  if (!document) throw new IpnhubError('NOT_FOUND', `No document ${documentId}.`);
  if (document.kind !== 'invoice')
    throw new IpnhubError(
      'CREDIT_NOT_POSSIBLE',
      `${documentId} is a credit note; credit its invoice instead.`,
    );
  const invoice = await invoiceOf(trx, { documentId });
  const profile = await loadProfileForIssue(trx, document.profile_id);
  if (invoice === null || profile === null)
    throw new IpnhubError(
      'CREDIT_NOT_POSSIBLE',
      `The seller profile ${document.profile_id} of ${documentId} no longer exists.`,
    );
  const credit = { amount, refundedAt: clock.now().toISOString(), transactionId: null };
  const claimKey = `${profile.id}:credit_note:manual:${newId('document')}`;
  const origin = { sourceId: document.source_id, eventId: null };
  return storeDocument(
    trx,
    clock,
    profile,
    creditRequest(
      trx,
      profile,
      invoice,
      credit,
      claimKey,
      origin,
      (reason) => new IpnhubError('CREDIT_NOT_POSSIBLE', `${reason}.`),
    ),
  );
}
