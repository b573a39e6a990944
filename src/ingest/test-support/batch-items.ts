/**
 * Notifications for the batch commit's tests (batch-commit.ts): items of a batch, a webhook
 * connection, and a snapshot of every table the commit writes, to compare a batch written a
 * table at a time with the same notifications written one by one.
 */
import type { CompiledQuery, Kysely } from 'kysely';
import { ds24Request } from '../../../test/helpers/ds24.js';
import { newId } from '../../core/ids.js';
import type { Database } from '../../db/schema.js';
import type { Digistore24SampleOverrides } from '../../providers/digistore24/sign-request.js';
import { getProvider } from '../../providers/registry.js';
import { createActiveFiltersLoader } from '../../routing/active-filters.js';
import type { BatchItem, BatchResult } from '../batch-commit.js';
import { keyEvents } from '../ingest.js';
import { perTransaction, writeCommit, writeRecord } from '../ingest-store.js';
import type { ActiveTargets, InboundRow } from '../ingest-store.js';

export const SOURCE = 'src_batch';
const PASS = 'batch-pass';
export const NOW = '2026-12-05T08:00:00.000Z';

export function inbound(verdict: InboundRow['verdict']): InboundRow {
  return {
    id: newId('inbound'),
    source_id: SOURCE,
    provider: 'digistore24',
    received_at: NOW,
    method: 'POST',
    url: `/ipn/${SOURCE}`,
    headers: '{}',
    raw_body: Buffer.from(`body ${verdict} ü`),
    remote_address: '127.0.0.1',
    verdict,
    verdict_code: null,
    verdict_reason: null,
    verification: null,
    event_ids: '[]',
  };
}

export function commit(event: string, overrides: Digistore24SampleOverrides): BatchItem {
  const req = ds24Request(SOURCE, PASS, event, overrides);
  const normalized = getProvider('digistore24').normalize(req, { passphrase: PASS });
  if (normalized.kind !== 'events') throw new Error(`not events: ${normalized.kind}`);
  const events = keyEvents(
    normalized.events,
    { id: SOURCE, provider: 'digistore24' },
    req.receivedAt.toISOString(),
  );
  return { kind: 'commit', row: inbound('accepted'), events, now: NOW };
}

/** The same notification sent again: a new request row, the same events. */
export function resend(item: BatchItem): BatchItem {
  return { ...item, row: inbound('accepted') };
}

export const activeTargets = (): ActiveTargets => perTransaction(createActiveFiltersLoader());

/** Writes the items one by one, through the per-notification path (ingest-store.ts). */
export async function writeAlone(
  trx: Kysely<Database>,
  items: readonly BatchItem[],
): Promise<BatchResult[]> {
  const targets = activeTargets();
  const out: BatchResult[] = [];
  for (const item of items) {
    if (item.kind === 'record') {
      await writeRecord(trx, item.row);
      out.push(null);
    } else out.push(await writeCommit(trx, targets, item.row, item.events, item.now));
  }
  return out;
}

export async function addConnection(db: Kysely<Database>): Promise<void> {
  await db
    .insertInto('connections')
    .values({
      id: 'con_hook',
      connector: 'webhook',
      name: 'hook',
      active: 1,
      filters: '{}',
      config: '{}',
      secrets: '',
      error_emails: '[]',
      created_at: NOW,
      updated_at: NOW,
    })
    .execute();
}

/** A seller profile with invoicing on, attached to the batches' source. */
export async function attachInvoicingProfile(db: Kysely<Database>): Promise<void> {
  await db
    .insertInto('seller_profiles')
    .values({
      id: 'prf_seller',
      name: 'Seller',
      invoicing: 1,
      settings: '{}',
      logo: null,
      logo_media_type: null,
      created_at: NOW,
      updated_at: NOW,
    })
    .execute();
  await db
    .insertInto('profile_sources')
    .values({ source_id: SOURCE, profile_id: 'prf_seller' })
    .execute();
}

/** Every table the commit writes, with generated ids replaced by what they stand for. */
export async function snapshot(db: Kysely<Database>): Promise<Record<string, string[]>> {
  const orders = await db.selectFrom('orders').selectAll().execute();
  const customers = await db.selectFrom('customers').selectAll().execute();
  const orderName = new Map(orders.map((o) => [o.id, `order:${o.external_id}`]));
  const customerName = new Map(customers.map((c) => [c.id, `customer:${c.email}`]));
  /** `generated`: the table's ids are made by the ledger, so they differ between the two runs. */
  const named = (rows: Array<Record<string, unknown>>, generated = true): string[] =>
    rows
      .map((row) => {
        const out: Record<string, unknown> = { ...row };
        if (generated) delete out.id;
        if (typeof row.order_id === 'string') out.order_id = orderName.get(row.order_id);
        if (typeof row.customer_id === 'string')
          out.customer_id = customerName.get(row.customer_id);
        if (Buffer.isBuffer(row.raw_body)) out.raw_body = row.raw_body.toString('utf8');
        return JSON.stringify(out);
      })
      .sort();
  return {
    inbound_requests: named(await db.selectFrom('inbound_requests').selectAll().execute(), false),
    verifications: named(await db.selectFrom('verifications').selectAll().execute(), false),
    events: named(await db.selectFrom('events').selectAll().execute(), false),
    customers: named(customers),
    orders: named(orders),
    order_items: named(await db.selectFrom('order_items').selectAll().execute()),
    transactions: named(await db.selectFrom('transactions').selectAll().execute()),
    subscriptions: named(await db.selectFrom('subscriptions').selectAll().execute()),
    access: named(await db.selectFrom('access').selectAll().execute()),
    deliveries: named(await db.selectFrom('deliveries').selectAll().execute()),
    document_jobs: named(await db.selectFrom('document_jobs').selectAll().execute(), false),
  };
}

/** A batch of every kind the commit meets: first payments, a buyer twice, a resend, a refund, a renewal, requests without facts. */
export function mixedBatch(): BatchItem[] {
  const first = commit('on_payment', { orderId: 'A1', email: 'anna@example.com' });
  return [
    first,
    commit('on_payment', {
      orderId: 'B1',
      email: 'bob@example.com',
      billingType: 'subscription',
      paySequenceNo: 1,
      transactionId: 'TB1',
    }),
    { kind: 'record', row: inbound('rejected') },
    // The same buyer again, for another order: a group of its own.
    commit('on_payment', { orderId: 'C1', email: 'anna@example.com', productId: '999' }),
    // A resend of the first payment: a duplicate.
    resend(first),
    // A refund and a renewal go through the per-notification path.
    commit('on_refund', { orderId: 'A1', email: 'anna@example.com', transactionId: 'TR1' }),
    commit('on_payment', {
      orderId: 'B1',
      email: 'bob@example.com',
      billingType: 'subscription',
      paySequenceNo: 2,
      transactionId: 'TB2',
    }),
    { kind: 'record', row: inbound('pending') },
    commit('on_payment', { orderId: 'D1', email: 'dora@example.com', test: true }),
  ];
}

/** `trx` with every statement sent through `executeQuery` (both paths send theirs that way) passed to `seen` first. */
export function recordingStatements(
  trx: Kysely<Database>,
  seen: (query: CompiledQuery) => void,
): Kysely<Database> {
  return new Proxy(trx, {
    get(target, name) {
      if (name === 'executeQuery')
        return (query: Parameters<typeof target.executeQuery>[0]) => {
          seen('sql' in query ? query : query.compile());
          return target.executeQuery(query);
        };
      const value: unknown = Reflect.get(target, name, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
