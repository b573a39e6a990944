/**
 * The batch commit (batch-commit.ts) on PostgreSQL. Each statement is a round trip to the
 * server, and a batch of 50 first payments ran ~450 of them one after the other
 * (docs/benchmarks.md, "PostgreSQL: one statement per table"); here a batch runs the order check
 * and one statement per group (pg-group-statement.ts), whatever its size — a batch of one too.
 *
 * A group's requests are written as `accepted` with all their events; when an event of a group
 * was stored already after all, or an order that was not there at the start of the batch exists
 * at its insert (another process wrote it meanwhile), the batch fails as a whole and the batch
 * writer writes each notification alone, through the per-notification path.
 */
import { CompiledQuery } from 'kysely';
import type { Kysely } from 'kysely';
import type { CanonicalEvent } from '../core/events.js';
import { newId } from '../core/ids.js';
import { preparedStatement } from '../db/pg-prepared.js';
import type { Database } from '../db/schema.js';
import { DOCUMENT_EVENT_TYPES } from '../invoicing/queue-document-job.js';
import { customerRow, orderRow } from '../ledger/apply-event.js';
import { completeFromLedger } from '../ledger/complete-event.js';
import { deliveryRows } from '../outbox/fan-out.js';
import { addFirstPaymentRows, OrderAppearedError, orderKeyOf, writeBatch } from './batch-commit.js';
import type { BatchItem, BatchResult, GroupWriter, OrderRef } from './batch-commit.js';
import type { ActiveTargets, InboundRow } from './ingest-store.js';
import type { ConnectionFilterTarget } from '../routing/active-filters.js';
import { eventRow } from './ingest-store.js';
import { completedPayload } from './event-payload.js';
import { emptyGroupRows, writeGroupRows } from './pg-group-statement.js';
import type { GroupRows } from './pg-group-statement.js';

export type PgIngestItem = BatchItem;
export type PgIngestResult = BatchResult;
export { OrderAppearedError };

type Row = Record<string, unknown>;

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
  pairs: readonly OrderRef[],
): Promise<Set<string>> {
  if (pairs.length === 0) return new Set();
  const found = await trx.executeQuery<{ source_id: string; external_id: string }>(
    CompiledQuery.raw(EXISTING_ORDERS, [JSON.stringify(pairs)]),
  );
  return new Set(found.rows.map((r) => orderKeyOf(r.source_id, r.external_id)));
}

/** A first payment of a group, with the ids its ledger rows get. */
export interface Placed {
  event: CanonicalEvent;
  dedupKey: string;
  payload: string;
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

/** A group's rows, and how many deliveries each of its events got. */
export interface BuiltGroup {
  rows: GroupRows;
  /** The group's first payments, with their order's proposed id. */
  placed: readonly Placed[];
  deliveries: Map<string, number>;
}

/**
 * The rows of one group: items sharing no event, customer or order, every event a first
 * payment; the requests as `accepted` with all their events, the deliveries for `targets`.
 */
export async function buildGroup(
  executor: Kysely<Database>,
  targets: () => Promise<readonly ConnectionFilterTarget[]>,
  items: readonly PgIngestItem[],
): Promise<BuiltGroup> {
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
      const event = await completeFromLedger(executor, keyed.event);
      placed.push({
        event,
        dedupKey: keyed.dedupKey,
        payload: completedPayload(keyed, event),
        requestId: item.row.id,
        now: item.now,
        orderId: newId('order'),
      });
      ids.push(event.id);
    }
    inbound.push(inboundRow({ ...item.row, verdict: 'accepted', event_ids: JSON.stringify(ids) }));
  }
  const rows: GroupRows = { ...emptyGroupRows(), inbound_requests: inbound };
  const active = placed.length > 0 ? await targets() : [];
  const deliveries = new Map<string, number>();
  for (const { event, dedupKey, payload, requestId, now, orderId } of placed) {
    rows.events.push(eventRow(event, requestId, dedupKey, payload));
    addLedgerRows(rows, event, now, orderId);
    if (DOCUMENT_EVENT_TYPES.has(event.type))
      rows.document_jobs.push({ event_id: event.id, source_id: event.source.id, now });
    const own = deliveryRows(event, active, now);
    deliveries.set(event.id, own.length);
    rows.deliveries.push(...own);
  }
  return { rows, placed, deliveries };
}

/** One result per item of a written group. */
export function groupResults(
  items: readonly PgIngestItem[],
  deliveries: ReadonlyMap<string, number>,
  documentJobs: ReadonlySet<string>,
): PgIngestResult[] {
  return items.map((item) =>
    item.kind === 'record'
      ? null
      : {
          inserted: item.events.map((k) => k.event.id),
          deliveries: item.events.reduce((n, k) => n + (deliveries.get(k.event.id) ?? 0), 0),
          documentJobs: item.events.filter((k) => documentJobs.has(k.event.id)).length,
        },
  );
}

/**
 * One group, written by one statement (pg-group-statement.ts), one round trip whatever the
 * group's size. The statement answers which events and orders it inserted, and when an event
 * was a duplicate after all or an order appeared meanwhile, the whole batch fails and is
 * written one by one (the module comment).
 */
async function writeGroup(
  trx: Kysely<Database>,
  activeTargets: ActiveTargets,
  items: readonly PgIngestItem[],
): Promise<PgIngestResult[]> {
  const { rows, placed, deliveries } = await buildGroup(trx, () => activeTargets(trx), items);
  const written = await writeGroupRows(trx, rows);
  const proposed = new Set(placed.map((p) => p.orderId));
  for (const order of written.orders) {
    if (!proposed.has(order.id))
      throw new OrderAppearedError(orderKeyOf(order.source_id, order.external_id));
  }
  for (const { event } of placed)
    if (!written.events.has(event.id)) throw new EventExistedError(event.id);
  return groupResults(items, deliveries, written.documentJobs);
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
 * payment whose order it has just created: customer (upsert), order, and what batch-commit.ts's
 * `addFirstPaymentRows` adds below it. The order's and the access rows' customer is the upserted
 * customer's id, which the statement fills in by e-mail.
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
  addFirstPaymentRows(rows, event, now, orderId, null);
}

/** PostgreSQL's group writer for batch-commit.ts's `writeBatch`. */
export const pgGroupWriter: GroupWriter = { existingOrders, writeGroup, groupsOfOne: true };

/** Writes the batch with PostgreSQL's group writer; one result per item, in order. */
export function writePgBatch(
  trx: Kysely<Database>,
  activeTargets: ActiveTargets,
  items: readonly PgIngestItem[],
): Promise<PgIngestResult[]> {
  return writeBatch(trx, activeTargets, items, pgGroupWriter);
}
