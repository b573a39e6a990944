/**
 * The ingest commit of a whole group-commit batch on PostgreSQL, with one statement per group
 * of notifications instead of one per row. Each statement is a round trip to the server, and a
 * batch of 50 first payments ran ~450 of them one after the other (docs/benchmarks.md,
 * "PostgreSQL: one statement per table"); here it runs the order check and one statement per
 * group (pg-group-statement.ts), whatever the batch size.
 *
 * Only what the per-notification path (`writeCommit` in ingest-store.ts) would write without
 * reading anything is written this way: a request without facts (not `pending`), and a
 * payment that carries its order id, items, buyer e-mail and currency for an order not yet in
 * the ledger — every Digistore24 first payment. Everything else (refunds, renewals of known
 * orders, PayPal events that the ledger completes, pending requests) runs through the
 * per-notification path, in the order submitted. Notifications written together share no
 * event, customer or order, so writing them in one statement gives the rows writing them one
 * after the other would; a notification that touches the rows of an earlier one of the batch
 * starts the next group.
 *
 * When an order that was not there at the start of the batch exists at its insert (another
 * process wrote it meanwhile), or an event of a group was stored already, the batch fails as a
 * whole and the batch writer writes each notification alone, through the per-notification path.
 */
import { CompiledQuery } from 'kysely';
import type { Kysely } from 'kysely';
import type { CanonicalEvent } from '../core/events.js';
import { newId } from '../core/ids.js';
import { preparedStatement } from '../db/pg-prepared.js';
import type { Database } from '../db/schema.js';
import { DOCUMENT_EVENT_TYPES } from '../invoicing/queue-document-job.js';
import { customerRow, itemRows, orderRow, transactionRow } from '../ledger/apply-event.js';
import { completeFromLedger } from '../ledger/complete-event.js';
import { ledgerTransactionOf } from '../ledger/refunded-payments.js';
import { deliveryRows } from '../outbox/fan-out.js';
import type { ActiveTargets, CommitResult, InboundRow, KeyedEvent } from './ingest-store.js';
import { eventRow, writeCommit, writeRecord } from './ingest-store.js';
import { emptyGroupRows, writeGroupRows } from './pg-group-statement.js';
import type { GroupRows } from './pg-group-statement.js';

export type PgIngestItem =
  | { kind: 'record'; row: InboundRow }
  | { kind: 'commit'; row: InboundRow; events: readonly KeyedEvent[]; now: string };

/** A commit's result; `null` for a record. */
export type PgIngestResult = CommitResult | null;

/** Thrown inside the batch when an order appeared between the check and the insert. */
export class OrderAppearedError extends Error {
  constructor(key: string) {
    super(`order ${key} appeared during the batch; its notifications are written one by one`);
    this.name = 'OrderAppearedError';
  }
}

type Row = Record<string, unknown>;

const orderKeyOf = (sourceId: string, externalId: string): string =>
  `${sourceId}\u0000${externalId}`;

/**
 * True when the per-notification path would write this event's rows without reading any: a
 * payment with everything the ledger would otherwise complete (ledger/complete-event.ts), and
 * each product once.
 */
function batchable(event: CanonicalEvent): boolean {
  const order = event.order;
  if (event.type !== 'payment' || !order || order.id === null) return false;
  if (!event.buyer?.email || order.currency === null || order.items.length === 0) return false;
  return new Set(order.items.map((item) => item.productId)).size === order.items.length;
}

/** Keys of the rows an item may write: two items of one group never share one. */
function keysOf(item: PgIngestItem): string[] {
  if (item.kind === 'record') return [];
  return item.events.flatMap(({ event, dedupKey }) => [
    `e:${dedupKey}`,
    `c:${event.buyer?.email ?? ''}`,
    `o:${orderKeyOf(event.source.id, event.order?.id ?? '')}`,
  ]);
}

/**
 * One index lookup per pair (`lateral … limit 1`), whatever the planner knows about `orders`: as
 * a plain join, a table not yet analyzed (a new database filling up) was read whole and hashed
 * for every batch (7.5 ms at 30,000 orders, growing with the table; docs/benchmarks.md).
 */
const EXISTING_ORDERS = preparedStatement(
  `select k.source_id, k.external_id
     from json_to_recordset($1::json) as k(source_id text, external_id text)
     cross join lateral (
       select 1 from orders o where o.source_id = k.source_id and o.external_id = k.external_id limit 1
     ) o`,
);

async function existingOrders(
  trx: Kysely<Database>,
  items: readonly PgIngestItem[],
): Promise<Set<string>> {
  const pairs = items.flatMap((item) =>
    item.kind === 'commit'
      ? item.events.map(({ event }) => ({
          source_id: event.source.id,
          external_id: event.order?.id ?? '',
        }))
      : [],
  );
  if (pairs.length === 0) return new Set();
  const found = await trx.executeQuery<{ source_id: string; external_id: string }>(
    CompiledQuery.raw(EXISTING_ORDERS, [JSON.stringify(pairs)]),
  );
  return new Set(found.rows.map((r) => orderKeyOf(r.source_id, r.external_id)));
}

/** Writes the batch (see the module comment); one result per item, in order. */
export async function writePgBatch(
  trx: Kysely<Database>,
  activeTargets: ActiveTargets,
  items: readonly PgIngestItem[],
): Promise<PgIngestResult[]> {
  const alone = (item: PgIngestItem): Promise<PgIngestResult> =>
    item.kind === 'record'
      ? writeRecord(trx, item.row).then(() => null)
      : writeCommit(trx, activeTargets, item.row, item.events, item.now);
  const shaped = (item: PgIngestItem): boolean =>
    item.kind === 'record'
      ? item.row.verdict !== 'pending'
      : item.events.every(({ event }) => batchable(event));
  const results: PgIngestResult[] = [];
  // A batch of one goes this way too: the order check and one statement are fewer round trips
  // than the ~10 of the per-notification path (batches of one are common when traffic is light).
  const existing = await existingOrders(trx, items.filter(shaped));
  let group: PgIngestItem[] = [];
  let groupKeys = new Set<string>();
  const flush = async (): Promise<void> => {
    if (group.length > 0) results.push(...(await writeGroup(trx, activeTargets, group)));
    // The group's orders exist now: a later payment for one of them is a renewal.
    for (const key of groupKeys) if (key.startsWith('o:')) existing.add(key.slice(2));
    group = [];
    groupKeys = new Set();
  };
  for (const item of items) {
    const keys = keysOf(item);
    const fits =
      shaped(item) &&
      new Set(keys).size === keys.length &&
      keys.every((key) => !key.startsWith('o:') || !existing.has(key.slice(2)));
    if (!fits) {
      await flush();
      results.push(await alone(item));
      // Whatever it wrote is in the table now: a later item of this batch reads it there.
      for (const key of keys) if (key.startsWith('o:')) existing.add(key.slice(2));
      continue;
    }
    if (keys.some((key) => groupKeys.has(key))) await flush();
    group.push(item);
    for (const key of keys) groupKeys.add(key);
  }
  await flush();
  return results;
}

/** A first payment of a group, with the ids its ledger rows get. */
interface Placed {
  event: CanonicalEvent;
  dedupKey: string;
  requestId: string;
  now: string;
  orderId: string;
}

/** Thrown when an event of a group was stored already: the batch is then written one by one. */
export class EventExistedError extends Error {
  constructor(id: string) {
    super(`event ${id} was stored already; its batch is written one by one`);
    this.name = 'EventExistedError';
  }
}

/**
 * One group: items sharing no event, customer or order, every event a first payment. Its rows
 * are written by one statement (pg-group-statement.ts), one round trip whatever the group's
 * size. The requests are written as `accepted` with all their events; the statement answers
 * which events and orders it inserted, and when an event was a duplicate after all or an order
 * appeared meanwhile, the whole batch fails and is written one by one (the module comment).
 */
async function writeGroup(
  trx: Kysely<Database>,
  activeTargets: ActiveTargets,
  items: readonly PgIngestItem[],
): Promise<PgIngestResult[]> {
  const placed: Placed[] = [];
  const inbound: Row[] = [];
  for (const item of items) {
    if (item.kind === 'record') {
      inbound.push(inboundRow(item.row));
      continue;
    }
    const ids: string[] = [];
    for (const keyed of item.events) {
      // A no-op for a batchable event; kept so both paths store the same event.
      const event = await completeFromLedger(trx, keyed.event);
      placed.push({
        event,
        dedupKey: keyed.dedupKey,
        requestId: item.row.id,
        now: item.now,
        orderId: newId('order'),
      });
      ids.push(event.id);
    }
    inbound.push(inboundRow({ ...item.row, verdict: 'accepted', event_ids: JSON.stringify(ids) }));
  }
  const rows: GroupRows = { ...emptyGroupRows(), inbound_requests: inbound };
  const targets = placed.length > 0 ? await activeTargets(trx) : [];
  const deliveries = new Map<string, number>();
  for (const { event, dedupKey, requestId, now, orderId } of placed) {
    rows.events.push(eventRow(event, requestId, dedupKey));
    addLedgerRows(rows, event, now, orderId);
    if (DOCUMENT_EVENT_TYPES.has(event.type))
      rows.document_jobs.push({ event_id: event.id, source_id: event.source.id, now });
    const own = deliveryRows(event, targets, now);
    deliveries.set(event.id, own.length);
    rows.deliveries.push(...own);
  }
  const written = await writeGroupRows(trx, rows);
  const proposed = new Set(placed.map((p) => p.orderId));
  for (const order of written.orders) {
    if (!proposed.has(order.id))
      throw new OrderAppearedError(orderKeyOf(order.source_id, order.external_id));
  }
  for (const { event } of placed)
    if (!written.events.has(event.id)) throw new EventExistedError(event.id);

  return items.map((item) =>
    item.kind === 'record'
      ? null
      : {
          inserted: item.events.map((k) => k.event.id),
          deliveries: item.events.reduce((n, k) => n + (deliveries.get(k.event.id) ?? 0), 0),
          documentJobs: item.events.filter((k) => written.documentJobs.has(k.event.id)).length,
        },
  );
}

/** Printable ASCII but the backslash: bytes that bytea's escape format takes as they are. */
const PLAIN_BYTES = /^[\x20-\x5b\x5d-\x7e]*$/;

/**
 * bytea travels in JSON as text that PostgreSQL's bytea input reads: a form-encoded body (all
 * printable ASCII) as itself, in the escape format, half the size of the hex form that any
 * other body takes (`\x…`; a plain body has no backslash, so it never reads as hex).
 */
export function byteaText(bytes: Buffer): string {
  const text = bytes.toString('latin1');
  return PLAIN_BYTES.test(text) ? text : `\\x${bytes.toString('hex')}`;
}

function inboundRow(row: InboundRow): Row {
  return { ...row, raw_body: byteaText(row.raw_body) };
}

/**
 * The ledger rows of a first payment of a new order, as `applyToLedger` writes them for a
 * payment whose order it has just created: customer (upsert), order, items, the payment's
 * transaction, a subscription for a plan, and active access per product. The order's and the
 * access rows' customer is the upserted customer's id, which the statement fills in by e-mail.
 */
function addLedgerRows(rows: GroupRows, event: CanonicalEvent, now: string, orderId: string): void {
  const order = event.order;
  const customer = customerRow(event, now);
  if (!order || !customer) throw new Error('a batched payment has an order and a buyer');
  rows.customers.push(customer);
  rows.orders.push(
    orderRow(event, { id: orderId, externalId: order.id ?? '', customerId: null, now }),
  );
  rows.buyers.push({ order_id: orderId, email: customer.email });
  rows.order_items.push(...itemRows(orderId, order));
  rows.transactions.push(
    transactionRow(event, orderId, ledgerTransactionOf(event, order, newId('transaction'))),
  );
  if (order.billingType === 'subscription' || order.billingType === 'installment') {
    rows.subscriptions.push({
      id: newId('subscription'),
      order_id: orderId,
      billing_type: order.billingType,
      pay_sequence_no: Math.max(0, order.paySequenceNo ?? 0),
      next_payment_at: order.nextPaymentAt ?? null,
      cancelled: 0,
      status: 'active',
      updated_at: now,
    });
  }
  for (const item of order.items) {
    rows.access.push({
      id: newId('access'),
      customer_id: null,
      order_id: orderId,
      product_id: item.productId,
      status: 'active',
      paid_until: order.nextPaymentAt ?? null,
      status_at: event.occurredAt,
      granted_at: now,
      updated_at: now,
    });
  }
}
