/**
 * The ingest commit of a whole group-commit batch with a few statements instead of one per row,
 * for both dialects: this module decides which notifications of a batch are written together
 * (a group) and builds their ledger rows; the dialect's `GroupWriter` writes each group
 * (sqlite-batch-commit.ts: one multi-row `insert … values` per table through `tableByTable`,
 * since every statement costs the writer thread its driver and bookkeeping;
 * pg-batch-commit.ts: the whole group as one statement, since every statement is a round trip
 * to the server). A batch of 50 first payments ran ~450 statements one after the other.
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
 * process wrote it meanwhile), the batch fails as a whole and the batch writer writes each
 * notification alone, through the per-notification path (db/batch-writer.ts).
 */
import type { Kysely } from 'kysely';
import type { CanonicalEvent } from '../core/events.js';
import { newId } from '../core/ids.js';
import type { Database } from '../db/schema.js';
import { DOCUMENT_EVENT_TYPES } from '../invoicing/queue-document-job.js';
import { customerRow, itemRows, orderRow, transactionRow } from '../ledger/apply-event.js';
import { completeFromLedger } from '../ledger/complete-event.js';
import { ledgerTransactionOf } from '../ledger/refunded-payments.js';
import { deliveryRows } from '../outbox/fan-out.js';
import type { ActiveTargets, CommitResult, InboundRow } from './ingest-store.js';
import type { KeyedEvent } from './event-payload.js';
import { eventRow, writeCommit, writeRecord } from './ingest-store.js';
import { completedPayload } from './event-payload.js';

export type BatchItem =
  | { kind: 'record'; row: InboundRow }
  | { kind: 'commit'; row: InboundRow; events: readonly KeyedEvent[]; now: string };

/** A commit's result; `null` for a record. */
export type BatchResult = CommitResult | null;

/** Thrown inside the batch when an order appeared between the check and the insert. */
export class OrderAppearedError extends Error {
  constructor(key: string) {
    super(`order ${key} appeared during the batch; its notifications are written one by one`);
    this.name = 'OrderAppearedError';
  }
}

export type Row = Record<string, unknown>;

export interface OrderRef {
  source_id: string;
  external_id: string;
}

/** A document job wanted for a new event, if its source's profile has invoicing on. */
export interface WantedJob {
  event_id: string;
  source_id: string;
  now: string;
}

/** The tables a batch writes; each insert names its columns by the keys of the first row. */
export type BatchTable =
  | 'events'
  | 'customers'
  | 'orders'
  | 'order_items'
  | 'transactions'
  | 'subscriptions'
  | 'access'
  | 'deliveries'
  | 'inbound_requests';

/** How a dialect finds existing orders and writes one group (see the module comment). */
export interface GroupWriter {
  /** `orderKeyOf` of each of `orders` that is in the table. */
  existingOrders(trx: Kysely<Database>, orders: readonly OrderRef[]): Promise<Set<string>>;
  /** Writes one group: items sharing no event, customer or order, every event a first payment. */
  writeGroup(
    trx: Kysely<Database>,
    activeTargets: ActiveTargets,
    items: readonly BatchItem[],
  ): Promise<BatchResult[]>;
  /**
   * Whether a batch of a single notification is written as a group too (fewer round trips on
   * PostgreSQL) or through the per-notification path (as cheap on SQLite).
   */
  groupsOfOne: boolean;
}

/** The statements of a group written table by table (`tableByTable`), as a dialect runs them. */
export interface BatchStatements {
  /** `orderKeyOf` of each of `orders` that is in the table. */
  existingOrders(trx: Kysely<Database>, orders: readonly OrderRef[]): Promise<Set<string>>;
  /** `insert into table (…) <rows> tail`; the rows `tail`'s `returning` gives. */
  insertRows<R>(
    trx: Kysely<Database>,
    table: BatchTable,
    rows: readonly Row[],
    tail?: string,
  ): Promise<R[]>;
  /** `queueDocumentJob` for many events: the ids of those that got a job. */
  queueDocumentJobs(trx: Kysely<Database>, wanted: readonly WantedJob[]): Promise<Set<string>>;
}

/** The upserts' conflict clauses, the same SQL on both dialects (as apply-event.ts's templates). */
export const EVENT_CONFLICT = 'on conflict (dedup_key) do nothing returning id';
export const CUSTOMER_UPSERT = `on conflict (email) do update set
       first_name = coalesce(excluded.first_name, customers.first_name),
       last_name = coalesce(excluded.last_name, customers.last_name),
       company = coalesce(excluded.company, customers.company),
       phone = coalesce(excluded.phone, customers.phone),
       address = coalesce(excluded.address, customers.address),
       updated_at = excluded.updated_at
     returning id, email`;
export const ORDER_UPSERT = `on conflict (source_id, external_id) do update set
       customer_id = coalesce(orders.customer_id, excluded.customer_id),
       billing_type = coalesce(excluded.billing_type, orders.billing_type),
       currency = coalesce(orders.currency, excluded.currency),
       updated_at = excluded.updated_at
     returning id, source_id, external_id`;
export const ITEM_UPSERT =
  'on conflict (order_id, product_id) do update set name = coalesce(excluded.name, order_items.name)';

export const orderKeyOf = (sourceId: string, externalId: string): string =>
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
function keysOf(item: BatchItem): string[] {
  if (item.kind === 'record') return [];
  return item.events.flatMap(({ event, dedupKey }) => [
    `e:${dedupKey}`,
    `c:${event.buyer?.email ?? ''}`,
    `o:${orderKeyOf(event.source.id, event.order?.id ?? '')}`,
  ]);
}

function orderRefs(items: readonly BatchItem[]): OrderRef[] {
  return items.flatMap((item) =>
    item.kind === 'commit'
      ? item.events.map(({ event }) => ({
          source_id: event.source.id,
          external_id: event.order?.id ?? '',
        }))
      : [],
  );
}

/** A request without facts that is not `pending`, or a commit of first payments only. */
function shaped(item: BatchItem): boolean {
  return item.kind === 'record'
    ? item.row.verdict !== 'pending'
    : item.events.every(({ event }) => batchable(event));
}

/**
 * True when the whole batch is one group as `writeBatch` would form it, if none of its orders
 * is stored yet: every item shaped for a group, no two sharing an event, customer or order.
 */
export function isOneGroup(items: readonly BatchItem[]): boolean {
  const seen = new Set<string>();
  for (const item of items) {
    if (!shaped(item)) return false;
    for (const key of keysOf(item)) {
      if (seen.has(key)) return false;
      seen.add(key);
    }
  }
  return true;
}

/** Writes the batch (see the module comment); one result per item, in order. */
export async function writeBatch(
  trx: Kysely<Database>,
  activeTargets: ActiveTargets,
  items: readonly BatchItem[],
  writer: GroupWriter,
): Promise<BatchResult[]> {
  const alone = (item: BatchItem): Promise<BatchResult> =>
    item.kind === 'record'
      ? writeRecord(trx, item.row).then(() => null)
      : writeCommit(trx, activeTargets, item.row, item.events, item.now);
  const results: BatchResult[] = [];
  if (items.length < 2 && !writer.groupsOfOne) {
    for (const item of items) results.push(await alone(item));
    return results;
  }
  const refs = orderRefs(items.filter(shaped));
  const existing = refs.length > 0 ? await writer.existingOrders(trx, refs) : new Set<string>();
  let group: BatchItem[] = [];
  let groupKeys = new Set<string>();
  const flush = async (): Promise<void> => {
    if (group.length > 0) results.push(...(await writer.writeGroup(trx, activeTargets, group)));
    // The group's orders exist now: a later payment for one of them is a renewal.
    for (const key of groupKeys) if (key.startsWith('o:')) existing.add(key.slice(2));
    group = [];
    groupKeys = new Set();
  };
  for (const item of items) {
    const keys = keysOf(item);
    // An item that shares a row with the group starts the next one, and is judged after the
    // group is written: a payment of an order the group creates is that order's renewal.
    if (keys.some((key) => groupKeys.has(key))) await flush();
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
    group.push(item);
    for (const key of keys) groupKeys.add(key);
  }
  await flush();
  return results;
}

interface NewEvent {
  event: CanonicalEvent;
  now: string;
}

/**
 * A group writer that writes a group one statement per table, in order: events (the inserted
 * ones decide the rest), the ledger, document jobs, deliveries, then the requests.
 */
export function tableByTable(statements: BatchStatements): GroupWriter {
  return {
    existingOrders: (trx, orders) => statements.existingOrders(trx, orders),
    writeGroup: (trx, activeTargets, items) =>
      writeGroupByTable(trx, activeTargets, items, statements),
    groupsOfOne: false,
  };
}

async function writeGroupByTable(
  trx: Kysely<Database>,
  activeTargets: ActiveTargets,
  items: readonly BatchItem[],
  statements: BatchStatements,
): Promise<BatchResult[]> {
  const candidates: Array<NewEvent & { row: InboundRow; dedupKey: string; payload: string }> = [];
  for (const item of items) {
    if (item.kind !== 'commit') continue;
    for (const keyed of item.events) {
      // A no-op for a batchable event; kept so both paths store the same event.
      const event = await completeFromLedger(trx, keyed.event);
      candidates.push({
        event,
        now: item.now,
        row: item.row,
        dedupKey: keyed.dedupKey,
        payload: completedPayload(keyed, event),
      });
    }
  }
  const insertedIds = new Set(
    (
      await statements.insertRows<{ id: string }>(
        trx,
        'events',
        candidates.map(({ event, row, dedupKey, payload }) =>
          eventRow(event, row.id, dedupKey, payload),
        ),
        EVENT_CONFLICT,
      )
    ).map((r) => r.id),
  );
  const fresh = candidates.filter((c) => insertedIds.has(c.event.id));
  await writeLedger(trx, fresh, statements);
  const wanted = fresh
    .filter(({ event }) => DOCUMENT_EVENT_TYPES.has(event.type))
    .map(({ event, now }) => ({ event_id: event.id, source_id: event.source.id, now }));
  const jobs = wanted.length > 0 ? await statements.queueDocumentJobs(trx, wanted) : new Set();
  const targets = fresh.length > 0 ? await activeTargets(trx) : [];
  const deliveries = new Map<string, number>();
  const deliveryInserts = fresh.flatMap(({ event, now }) => {
    const rows = deliveryRows(event, targets, now);
    deliveries.set(event.id, rows.length);
    return rows;
  });
  await statements.insertRows(trx, 'deliveries', deliveryInserts);

  const results: BatchResult[] = [];
  const inbound: Row[] = [];
  for (const item of items) {
    if (item.kind === 'record') {
      inbound.push({ ...item.row });
      results.push(null);
      continue;
    }
    const inserted = item.events.map((k) => k.event.id).filter((id) => insertedIds.has(id));
    inbound.push({
      ...item.row,
      verdict: inserted.length > 0 ? 'accepted' : 'duplicate',
      event_ids: JSON.stringify(inserted),
    });
    results.push({
      inserted,
      deliveries: inserted.reduce((n, id) => n + (deliveries.get(id) ?? 0), 0),
      documentJobs: inserted.filter((id) => jobs.has(id)).length,
    });
  }
  await statements.insertRows(trx, 'inbound_requests', inbound);
  return results;
}

/**
 * The ledger rows of first payments of new orders, as `applyToLedger` writes them for a
 * payment whose order it has just created: customer (upsert), order, items, the payment's
 * transaction, a subscription for a plan, and active access per product.
 */
async function writeLedger(
  trx: Kysely<Database>,
  fresh: readonly NewEvent[],
  statements: BatchStatements,
): Promise<void> {
  if (fresh.length === 0) return;
  const customers = await statements.insertRows<{ id: string; email: string }>(
    trx,
    'customers',
    fresh.map(({ event, now }) => {
      const row = customerRow(event, now);
      if (!row) throw new Error('a batched payment names its buyer');
      return row;
    }),
    CUSTOMER_UPSERT,
  );
  const customerByEmail = new Map(customers.map((c) => [c.email, c.id]));
  const placed = fresh.map(({ event, now }) => ({
    event,
    now,
    orderId: newId('order'),
    customerId: customerByEmail.get(event.buyer?.email ?? '') ?? null,
  }));
  const orders = await statements.insertRows<{
    id: string;
    source_id: string;
    external_id: string;
  }>(
    trx,
    'orders',
    placed.map(({ event, now, orderId, customerId }) =>
      orderRow(event, { id: orderId, externalId: event.order?.id ?? '', customerId, now }),
    ),
    ORDER_UPSERT,
  );
  const proposed = new Set(placed.map((p) => p.orderId));
  for (const order of orders) {
    if (!proposed.has(order.id))
      throw new OrderAppearedError(orderKeyOf(order.source_id, order.external_id));
  }
  const rows: FirstPaymentRows = {
    order_items: [],
    transactions: [],
    subscriptions: [],
    access: [],
  };
  for (const { event, now, orderId, customerId } of placed) {
    if (customerId === null) throw new Error('a batched payment has a buyer');
    addFirstPaymentRows(rows, event, now, orderId, customerId);
  }
  await statements.insertRows(trx, 'order_items', rows.order_items, ITEM_UPSERT);
  await statements.insertRows(trx, 'transactions', rows.transactions);
  await statements.insertRows(trx, 'subscriptions', rows.subscriptions);
  await statements.insertRows(trx, 'access', rows.access);
}

/** The rows a first payment of a new order adds below its order. */
export interface FirstPaymentRows {
  order_items: Row[];
  transactions: Row[];
  subscriptions: Row[];
  access: Row[];
}

/**
 * Adds a first payment's items, its transaction, a subscription for a plan and active access
 * per product, as `applyToLedger` writes them for a payment whose order it has just created.
 * `customerId` null: the dialect's statement fills it in (pg-group-statement.ts).
 */
export function addFirstPaymentRows(
  rows: FirstPaymentRows,
  event: CanonicalEvent,
  now: string,
  orderId: string,
  customerId: string | null,
): void {
  const order = event.order;
  if (!order) throw new Error('a batched payment has an order');
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
      customer_id: customerId,
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
