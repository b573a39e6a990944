/**
 * The PostgreSQL batch commit writes what the per-notification path writes: the same batch of
 * notifications (first payments, a buyer twice, a resend, a refund, a renewal, requests without
 * facts) goes once through `writePgBatch` and once, item by item, through `writeCommit` and
 * `writeRecord`, each into its own database; the tables must then hold the same rows.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import { pollUntil } from '../../test/helpers/poll-until.js';
import { ds24Request } from '../../test/helpers/ds24.js';
import { createTestDb, enabledDialects } from '../../test/helpers/test-db.js';
import type { TestDb } from '../../test/helpers/test-db.js';
import { newId } from '../core/ids.js';
import type { Database } from '../db/schema.js';
import type { Digistore24SampleOverrides } from '../providers/digistore24/sign-request.js';
import { getProvider } from '../providers/registry.js';
import { createActiveFiltersLoader } from '../routing/active-filters.js';
import { keyEvents } from './ingest.js';
import { perTransaction, writeCommit, writeRecord } from './ingest-store.js';
import type { ActiveTargets, InboundRow } from './ingest-store.js';
import { OrderAppearedError, byteaText, writePgBatch } from './pg-batch-commit.js';
import type { PgIngestItem } from './pg-batch-commit.js';

const SOURCE = 'src_batch';
const PASS = 'batch-pass';
const NOW = '2026-12-05T08:00:00.000Z';

function inbound(verdict: InboundRow['verdict']): InboundRow {
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

function commit(event: string, overrides: Digistore24SampleOverrides): PgIngestItem {
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

const activeTargets = (): ActiveTargets => perTransaction(createActiveFiltersLoader());

async function addConnection(db: Kysely<Database>): Promise<void> {
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

/** Every table the commit writes, with generated ids replaced by what they stand for. */
async function snapshot(db: Kysely<Database>): Promise<Record<string, string[]>> {
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
  };
}

const postgres = enabledDialects().includes('postgres');

describe.skipIf(!postgres)('PostgreSQL batch commit', () => {
  let batched: TestDb;
  let alone: TestDb;
  beforeEach(async () => {
    batched = await createTestDb('postgres');
    alone = await createTestDb('postgres');
    await addConnection(batched.db);
    await addConnection(alone.db);
  });
  afterEach(async () => {
    await batched.dispose();
    await alone.dispose();
  });

  /** The batch through `writePgBatch` into one database, item by item into the other. */
  async function writeBothWays(items: readonly PgIngestItem[]) {
    const results = await batched.db
      .transaction()
      .execute((trx) => writePgBatch(trx, activeTargets(), items));
    const targets = activeTargets();
    const expected = await alone.db.transaction().execute(async (trx) => {
      const out: unknown[] = [];
      for (const item of items) {
        if (item.kind === 'record') {
          await writeRecord(trx, item.row);
          out.push(null);
        } else out.push(await writeCommit(trx, targets, item.row, item.events, item.now));
      }
      return out;
    });
    return { results, expected };
  }

  it('stores the same rows as writing each notification alone', async () => {
    const first = commit('on_payment', { orderId: 'A1', email: 'anna@example.com' });
    const items: PgIngestItem[] = [
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
      first.kind === 'commit' ? { ...first, row: inbound('accepted') } : first,
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

    const { results, expected } = await writeBothWays(items);

    expect(results).toEqual(expected);
    expect(results.map((r) => r?.inserted.length ?? null)).toEqual([
      1,
      1,
      null,
      1,
      0,
      1,
      1,
      null,
      1,
    ]);
    const a = await snapshot(batched.db);
    expect(a).toEqual(await snapshot(alone.db));
    // The batch did write what it claims: rows in every ledger table, two customers for anna and bob.
    expect(a.customers).toHaveLength(3);
    expect(a.subscriptions).toHaveLength(1);
    // Dora's is a test payment, which the connection's default filters leave out.
    expect(a.deliveries).toHaveLength(5);
    expect(a.verifications).toHaveLength(1);
  });

  /** Writes `items` as one batch; answers the results and the statements sent. */
  async function counted(items: readonly PgIngestItem[]) {
    let statements = 0;
    const results = await batched.db.transaction().execute((trx) => {
      // Counts the statements sent (both paths send theirs through executeQuery).
      const counting = new Proxy(trx, {
        get(target, name) {
          if (name === 'executeQuery')
            return (query: Parameters<typeof target.executeQuery>[0]) => {
              statements += 1;
              return target.executeQuery(query);
            };
          const value: unknown = Reflect.get(target, name, target);
          return typeof value === 'function' ? value.bind(target) : value;
        },
      });
      return writePgBatch(counting, activeTargets(), items);
    });
    return { results, statements };
  }

  it('writes 40 first payments with one statement, not one per row or per table', async () => {
    const items = Array.from({ length: 40 }, (_, i) =>
      commit('on_payment', { orderId: `N${i}`, email: `n${i}@example.com` }),
    );
    const { results, statements } = await counted(items);
    expect(results.map((r) => r?.inserted.length)).toEqual(items.map(() => 1));
    expect(results.map((r) => r?.deliveries)).toEqual(items.map(() => 1));
    // The order check and the group's statement (the connections are read through the query
    // builder).
    expect(statements).toBe(2);
    expect(await batched.db.selectFrom('access').select('id').execute()).toHaveLength(40);
  });

  it('writes a batch of one first payment with the same statement', async () => {
    const { results, statements } = await counted([
      commit('on_payment', { orderId: 'S1', email: 's@example.com' }),
    ]);
    expect(results.map((r) => [r?.inserted.length, r?.deliveries])).toEqual([[1, 1]]);
    expect(statements).toBe(2);
    expect(await batched.db.selectFrom('access').select('id').execute()).toHaveLength(1);
  });

  it('queues the same document jobs as the per-notification path when the source issues documents', async () => {
    for (const h of [batched, alone]) {
      await h.db
        .insertInto('seller_profiles')
        .values({
          id: 'prof_1',
          name: 'Seller',
          invoicing: 1,
          settings: '{}',
          logo: null,
          logo_media_type: null,
          created_at: NOW,
          updated_at: NOW,
        })
        .execute();
      await h.db
        .insertInto('profile_sources')
        .values({ source_id: SOURCE, profile_id: 'prof_1' })
        .execute();
    }
    const items = [
      commit('on_payment', { orderId: 'J1', email: 'j1@example.com' }),
      commit('on_payment', { orderId: 'J2', email: 'j2@example.com' }),
    ];
    const { results, expected } = await writeBothWays(items);
    expect(results).toEqual(expected);
    expect(results.map((r) => r?.documentJobs)).toEqual([1, 1]);
    const jobs = (h: TestDb) =>
      h.db
        .selectFrom('document_jobs')
        .select(['event_id', 'profile_id', 'attempts', 'next_attempt_at', 'created_at'])
        .orderBy('event_id')
        .execute();
    expect(await jobs(batched)).toEqual(await jobs(alone));
    expect(await jobs(batched)).toHaveLength(2);
  });

  it('stores every request body byte for byte, whether it travels as text or as hex', async () => {
    const bodies = [
      Buffer.from('order_id=A1&email=anna%40example.com&sha_sign=AB12'),
      Buffer.from('\\x414243 starts like hex'),
      Buffer.from('a\\b, a quote \' and a "double" one'),
      Buffer.from([0, 1, 2, 255, 10, 13]),
      Buffer.from('Grüße'),
      Buffer.alloc(0),
    ];
    const items: PgIngestItem[] = bodies.map((body) => ({
      kind: 'record',
      row: { ...inbound('rejected'), raw_body: body },
    }));
    expect(byteaText(bodies[0] as Buffer)).toBe(bodies[0]?.toString('latin1'));
    expect(byteaText(bodies[1] as Buffer)).toMatch(/^\\x/);
    await batched.db.transaction().execute((trx) => writePgBatch(trx, activeTargets(), items));
    const stored = await batched.db
      .selectFrom('inbound_requests')
      .select(['id', 'raw_body'])
      .execute();
    const byId = new Map(stored.map((r) => [r.id, r.raw_body]));
    for (const item of items) expect(byId.get(item.row.id)).toEqual(item.row.raw_body);
  });

  it('fails the batch when another transaction writes one of its orders meanwhile', async () => {
    const items = [
      commit('on_payment', { orderId: 'X1', email: 'x@example.com' }),
      commit('on_payment', { orderId: 'Y1', email: 'y@example.com' }),
    ];
    // Another process inserts order Y1 and has not committed yet: the batch's check does not
    // see it, and its insert waits for that transaction; the other one then commits.
    await batched.db.connection().execute(async (other) => {
      await sql`begin`.execute(other);
      await other
        .insertInto('orders')
        .values({
          id: 'ord_other',
          source_id: SOURCE,
          provider: 'digistore24',
          external_id: 'Y1',
          customer_id: null,
          billing_type: null,
          currency: 'EUR',
          status: 'paid',
          test: 0,
          created_at: NOW,
          updated_at: NOW,
        })
        .execute();
      const batch = batched.db
        .transaction()
        .execute((trx) => writePgBatch(trx, activeTargets(), items));
      const outcome = batch.then(
        () => null,
        (err: unknown) => err,
      );
      await pollUntil(
        async () =>
          (
            await sql<{ n: number }>`select count(*)::int as n from pg_stat_activity
              where datname = current_database() and wait_event_type = 'Lock'`.execute(batched.db)
          ).rows[0]?.n ?? 0,
        (n) => n > 0,
      );
      await sql`commit`.execute(other);
      expect(await outcome).toBeInstanceOf(OrderAppearedError);
    });
    // Rolled back: nothing of the batch stayed.
    expect(await batched.db.selectFrom('events').select('id').execute()).toEqual([]);
  });
});
