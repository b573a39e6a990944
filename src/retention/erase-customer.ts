/**
 * Erasure of one buyer's personal data (GDPR Art. 17; docs/retention.md, "Erasure"): in one
 * write transaction, every place ipnhub stores it is emptied, anonymised or redacted, while
 * the amounts, dates, order and transaction ids and document numbers accounting must keep
 * stay. An audit row (`erasures`) records when, by whom and how many rows of each kind were
 * changed, never the e-mail. Afterwards the old row versions are dropped from the database
 * files as far as the engine allows (`dropOldVersions`; SQLite zeroes deleted content).
 *
 * What happens where:
 * - customers: the row stays (orders and access point at it), with the e-mail replaced by
 *   `erased:<customer id>` and names, company, phone and address cleared. A later
 *   notification with the same e-mail finds no customer and makes a new one.
 * - events (the buyer's e-mail, or one of the buyer's orders): `buyer` becomes null,
 *   `customer_email` null, and every personal value elsewhere in the payload (the provider's
 *   raw fields) is replaced by `[erased]`. The dedup key stays, so a resend of an erased
 *   notification is a duplicate and changes nothing.
 * - inbound requests of those events, and any other request whose raw body contains the
 *   e-mail (rejected, held, waiting for verification): body and headers emptied, the URL cut
 *   to its path. A request still waiting for its verification cannot be verified any more:
 *   it is settled as `error` with `PERSONAL_DATA_ERASED`.
 * - deliveries of those events that are pending or being attempted are cancelled: `skipped`
 *   with a reason saying so (a worker holding one loses its lease and its late result is
 *   dropped); every attempt's requests and response are cleared and errors redacted; their
 *   queued error e-mails are dropped.
 * - documents: the buyer's e-mail is removed from the document and its snapshot and the PDF
 *   is made again without it; number, dates, amounts, the buyer's name and address stay
 *   (required on an invoice, § 14 Abs. 4 UStG, kept 8 years). Buyer mails of documents and
 *   of Digistore24 sales: addresses replaced, pending ones cancelled.
 * - refunds for manual handling: the e-mail cleared.
 */
import type { Kysely } from 'kysely';
import type { CanonicalEvent } from '../core/events.js';
import { newId } from '../core/ids.js';
import type { DbAdapter } from '../db/dialect-adapter.js';
import type { Database } from '../db/schema.js';
import type { Clock } from '../lib/clock.js';
import {
  ERASED,
  emailNeedles,
  personalValues,
  redactJson,
  redactNullable,
} from './personal-values.js';
import type { PersonalValues } from './personal-values.js';

export interface ErasureDeps {
  db: Kysely<Database>;
  adapter: DbAdapter;
  clock: Clock;
}

/** Rows changed per kind. */
export interface ErasureCounts {
  customers: number;
  events: number;
  inboundRequests: number;
  verifications: number;
  deliveriesCancelled: number;
  deliveries: number;
  attempts: number;
  alerts: number;
  documents: number;
  documentMails: number;
  saleMails: number;
  manualRefunds: number;
}

export interface Erasure {
  id: string;
  customerId: string;
  actor: string;
  erasedAt: string;
  removed: ErasureCounts;
}

/** Tables an erasure may change: their old row versions are dropped afterwards. */
const TOUCHED_TABLES = [
  'customers',
  'events',
  'inbound_requests',
  'verifications',
  'deliveries',
  'attempts',
  'alert_queue',
  'documents',
  'document_pdfs',
  'document_mails',
  'platform_sale_mails',
  'manual_refunds',
] as const;

export const CANCELLED_BY_ERASURE = "cancelled: the buyer's personal data was erased";
const EMPTY = Buffer.alloc(0);

type Trx = Kysely<Database>;

/** The e-mail of an erased customer row: unique, and not an address anything can match. */
export function erasedEmail(customerId: string): string {
  return `erased:${customerId}`;
}

/** The customer with this e-mail (case-insensitive), if any. */
export async function customerIdByEmail(
  db: Kysely<Database>,
  email: string,
): Promise<string | null> {
  const row = await db
    .selectFrom('customers')
    .select('id')
    .where('email', '=', email.trim().toLowerCase())
    .executeTakeFirst();
  return row?.id ?? null;
}

/** Erases the customer's personal data; null when there is no such customer. */
export async function eraseCustomer(
  deps: ErasureDeps,
  customerId: string,
  actor: string,
): Promise<Erasure | null> {
  const now = deps.clock.now().toISOString();
  // Searching every stored raw body for the e-mail is the slow part: it runs before the write
  // transaction (readers do not block ingest); inside it only requests stored since are searched.
  const before = await deps.db
    .selectFrom('customers')
    .selectAll()
    .where('id', '=', customerId)
    .executeTakeFirst();
  if (!before) return null;
  const top = await deps.db
    .selectFrom('inbound_requests')
    .select((eb) => eb.fn.max('id').as('top'))
    .executeTakeFirst();
  const upTo = top?.top ?? null;
  const earlier =
    upTo === null
      ? []
      : await requestsMentioning(deps.db, deps.adapter, (await findBuyer(deps.db, before)).values, {
          upTo,
        });
  const erasure = await deps.adapter.writeTransaction(deps.db, async (trx) => {
    const customer = await trx
      .selectFrom('customers')
      .selectAll()
      .where('id', '=', customerId)
      .executeTakeFirst();
    if (!customer) return null;
    const buyer = await findBuyer(trx, customer);
    const later = await requestsMentioning(trx, deps.adapter, buyer.values, { after: upTo });
    const removed = await eraseIn(trx, customer, buyer, [...earlier, ...later], now);
    const record: Erasure = { id: newId('erasure'), customerId, actor, erasedAt: now, removed };
    await trx
      .insertInto('erasures')
      .values({
        id: record.id,
        customer_id: customerId,
        actor,
        removed: JSON.stringify(removed),
        erased_at: now,
      })
      .execute();
    return record;
  });
  if (erasure) await deps.adapter.dropOldVersions(deps.db, TOUCHED_TABLES);
  return erasure;
}

interface Buyer {
  events: Array<{ id: string; inbound_request_id: string; payload: CanonicalEvent }>;
  values: PersonalValues;
}

/** The buyer's events (by e-mail and by the customer's orders) and personal values. */
async function findBuyer(db: Trx, customer: Database['customers']): Promise<Buyer> {
  const orders = await db
    .selectFrom('orders')
    .select(['source_id', 'external_id'])
    .where('customer_id', '=', customer.id)
    .execute();
  const rows = await db
    .selectFrom('events')
    .select(['id', 'inbound_request_id', 'payload'])
    .where((eb) =>
      eb.or([
        // Stored lower-cased (EventBuyer.email), so the index on it serves.
        eb('customer_email', '=', customer.email.toLowerCase()),
        ...orders.map((order) =>
          eb.and([eb('source_id', '=', order.source_id), eb('order_ref', '=', order.external_id)]),
        ),
      ]),
    )
    .execute();
  const events = rows.map((row) => ({
    ...row,
    payload: JSON.parse(row.payload) as CanonicalEvent,
  }));
  return {
    events,
    values: personalValues(
      customer,
      events.map((e) => e.payload),
    ),
  };
}

/** Ids of stored requests whose raw body contains one of the e-mails, in an id range. */
async function requestsMentioning(
  db: Trx,
  adapter: DbAdapter,
  values: PersonalValues,
  range: { upTo?: string; after?: string | null },
): Promise<string[]> {
  const needles = emailNeedles(values);
  if (needles.length === 0) return [];
  let query = db
    .selectFrom('inbound_requests')
    .select('id')
    .where((eb) =>
      eb.or(needles.map((needle) => adapter.containsBytes(eb.ref('raw_body'), needle))),
    );
  if (range.upTo !== undefined) query = query.where('id', '<=', range.upTo);
  if (range.after !== undefined && range.after !== null)
    query = query.where('id', '>', range.after);
  return (await query.execute()).map((row) => row.id);
}

async function eraseIn(
  trx: Trx,
  customer: Database['customers'],
  buyer: Buyer,
  mentioning: readonly string[],
  now: string,
): Promise<ErasureCounts> {
  const { events, values } = buyer;
  const email = customer.email.toLowerCase();
  const eventIds = events.map((row) => row.id);

  const counts: ErasureCounts = {
    customers: 0,
    events: 0,
    inboundRequests: 0,
    verifications: 0,
    deliveriesCancelled: 0,
    deliveries: 0,
    attempts: 0,
    alerts: 0,
    documents: 0,
    documentMails: 0,
    saleMails: 0,
    manualRefunds: 0,
  };

  for (const row of events) {
    const redacted = { ...(redactJson(row.payload, values) as CanonicalEvent), buyer: null };
    await trx
      .updateTable('events')
      .set({ payload: JSON.stringify(redacted), customer_email: null })
      .where('id', '=', row.id)
      .execute();
    counts.events++;
  }

  const requestIds = new Set([...events.map((row) => row.inbound_request_id), ...mentioning]);
  counts.inboundRequests = await eraseRequests(trx, [...requestIds], values, counts);

  await eraseDeliveries(trx, eventIds, values, now, counts);
  await eraseDocuments(trx, eventIds, email, values, now, counts);
  counts.manualRefunds = await eraseManualRefunds(trx, eventIds, email);

  await trx
    .updateTable('customers')
    .set({
      email: erasedEmail(customer.id),
      first_name: null,
      last_name: null,
      company: null,
      phone: null,
      address: null,
      updated_at: now,
    })
    .where('id', '=', customer.id)
    .execute();
  counts.customers = 1;
  return counts;
}

async function eraseRequests(
  trx: Trx,
  ids: readonly string[],
  values: PersonalValues,
  counts: ErasureCounts,
): Promise<number> {
  if (ids.length === 0) return 0;
  const rows = await trx
    .selectFrom('inbound_requests')
    .select(['id', 'url', 'verdict', 'verdict_reason'])
    .where('id', 'in', ids)
    .execute();
  const verifying = await trx
    .deleteFrom('verifications')
    .where('inbound_request_id', 'in', ids)
    .returning('inbound_request_id')
    .execute();
  counts.verifications = verifying.length;
  const settled = new Set(verifying.map((row) => row.inbound_request_id));
  for (const row of rows) {
    const wasWaiting = settled.has(row.id) || row.verdict === 'pending';
    await trx
      .updateTable('inbound_requests')
      .set({
        raw_body: EMPTY,
        headers: '{}',
        url: row.url.split('?')[0] ?? row.url,
        ...(wasWaiting
          ? {
              verdict: 'error' as const,
              verdict_code: 'PERSONAL_DATA_ERASED',
              verdict_reason:
                'The buyer’s personal data was erased before the request could be verified.',
            }
          : { verdict_reason: redactNullable(row.verdict_reason, values).text }),
      })
      .where('id', '=', row.id)
      .execute();
  }
  return rows.length;
}

async function eraseDeliveries(
  trx: Trx,
  eventIds: readonly string[],
  values: PersonalValues,
  now: string,
  counts: ErasureCounts,
): Promise<void> {
  if (eventIds.length === 0) return;
  const deliveries = await trx
    .selectFrom('deliveries')
    .select(['id', 'status', 'last_error'])
    .where('event_id', 'in', eventIds)
    .execute();
  for (const delivery of deliveries) {
    const unfinished = delivery.status === 'pending' || delivery.status === 'delivering';
    const error = redactNullable(delivery.last_error, values);
    if (!unfinished && !error.changed) continue;
    await trx
      .updateTable('deliveries')
      .set(
        unfinished
          ? {
              status: 'skipped',
              last_error: CANCELLED_BY_ERASURE,
              lease_owner: null,
              lease_expires_at: null,
              completed_at: now,
              updated_at: now,
            }
          : { last_error: error.text, updated_at: now },
      )
      .where('id', '=', delivery.id)
      .execute();
    if (unfinished) counts.deliveriesCancelled++;
    else counts.deliveries++;
  }
  const deliveryIds = deliveries.map((row) => row.id);
  if (deliveryIds.length === 0) return;
  const attempts = await trx
    .selectFrom('attempts')
    .select(['id', 'error'])
    .where('delivery_id', 'in', deliveryIds)
    .execute();
  for (const attempt of attempts) {
    await trx
      .updateTable('attempts')
      .set({ requests: null, response: null, error: redactNullable(attempt.error, values).text })
      .where('id', '=', attempt.id)
      .execute();
  }
  counts.attempts = attempts.length;
  const alerts = await trx
    .deleteFrom('alert_queue')
    .where('delivery_id', 'in', deliveryIds)
    .executeTakeFirst();
  counts.alerts = Number(alerts.numDeletedRows);
}

/** The e-mail addresses of a mail, the erased ones replaced. */
function redactRecipients(recipients: string, values: PersonalValues): string {
  const list = JSON.parse(recipients) as string[];
  const erased = new Set(values.emails.map((e) => e.toLowerCase()));
  return JSON.stringify(list.map((r) => (erased.has(r.trim().toLowerCase()) ? ERASED : r)));
}

async function eraseDocuments(
  trx: Trx,
  eventIds: readonly string[],
  email: string,
  values: PersonalValues,
  now: string,
  counts: ErasureCounts,
): Promise<void> {
  const documents = await trx
    .selectFrom('documents')
    .select(['id', 'snapshot'])
    .where((eb) =>
      eb.or([
        eb(eb.fn('lower', ['buyer_email']), '=', email),
        ...(eventIds.length > 0 ? [eb('event_id', 'in', eventIds)] : []),
      ]),
    )
    .execute();
  for (const document of documents) {
    const snapshot = JSON.parse(document.snapshot) as { buyer?: { email?: string | null } };
    if (snapshot.buyer) snapshot.buyer.email = null;
    await trx
      .updateTable('documents')
      .set({
        buyer_email: null,
        snapshot: JSON.stringify(snapshot),
        // The PDF is made again, without the e-mail (invoicing/render-job.ts).
        render_state: 'pending',
        render_attempts: 0,
        render_next_at: now,
        render_lease_until: null,
        render_error: null,
      })
      .where('id', '=', document.id)
      .execute();
    await trx.deleteFrom('document_pdfs').where('document_id', '=', document.id).execute();
  }
  counts.documents = documents.length;
  const documentIds = documents.map((row) => row.id);
  if (documentIds.length > 0) {
    const mails = await trx
      .selectFrom('document_mails')
      .select(['id', 'recipients', 'status', 'last_error', 'subject'])
      .where('document_id', 'in', documentIds)
      .execute();
    for (const mail of mails) {
      // The seller's "new order" mail names the buyer in its subject; the buyer's is sent to them.
      const recipients = redactRecipients(mail.recipients, values);
      const cancel = mail.status === 'pending' && recipients.includes(ERASED);
      const subject = redactNullable(mail.subject, values);
      const error = redactNullable(mail.last_error, values);
      if (recipients === mail.recipients && !cancel && !subject.changed && !error.changed) continue;
      await trx
        .updateTable('document_mails')
        .set({
          recipients,
          subject: subject.text,
          last_error: cancel ? CANCELLED_BY_ERASURE : error.text,
          ...(cancel ? { status: 'failed', lease_until: null } : {}),
        })
        .where('id', '=', mail.id)
        .execute();
      counts.documentMails++;
    }
  }
  if (eventIds.length === 0) return;
  const saleMails = await trx
    .selectFrom('platform_sale_mails')
    .select(['id', 'recipients', 'status', 'last_error', 'subject'])
    .where('event_id', 'in', eventIds)
    .execute();
  for (const mail of saleMails) {
    const recipients = redactRecipients(mail.recipients, values);
    const cancel = mail.status === 'pending' && recipients.includes(ERASED);
    await trx
      .updateTable('platform_sale_mails')
      .set({
        recipients,
        subject: redactNullable(mail.subject, values).text,
        last_error: cancel ? CANCELLED_BY_ERASURE : redactNullable(mail.last_error, values).text,
        ...(cancel ? { status: 'failed', lease_until: null } : {}),
      })
      .where('id', '=', mail.id)
      .execute();
    counts.saleMails++;
  }
}

async function eraseManualRefunds(
  trx: Trx,
  eventIds: readonly string[],
  email: string,
): Promise<number> {
  const result = await trx
    .updateTable('manual_refunds')
    .set({ buyer_email: null })
    .where((eb) =>
      eb.or([
        eb(eb.fn('lower', ['buyer_email']), '=', email),
        ...(eventIds.length > 0 ? [eb('event_id', 'in', eventIds)] : []),
      ]),
    )
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}
