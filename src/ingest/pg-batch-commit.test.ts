/**
 * The PostgreSQL batch commit writes what the per-notification path writes: the same batch of
 * notifications (first payments, a buyer twice, a resend, a refund, a renewal, requests without
 * facts) goes once through `writePgBatch` and once, item by item, through `writeCommit` and
 * `writeRecord`, each into its own database; the tables must then hold the same rows.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { enabledDialects } from '../../test/helpers/test-db.js';
import type { TestDb } from '../../test/helpers/test-db.js';
import { OrderAppearedError, byteaText, writePgBatch } from './pg-batch-commit.js';
import type { PgIngestItem } from './pg-batch-commit.js';
import {
  activeTargets,
  attachInvoicingProfile,
  commit,
  inbound,
  mixedBatch,
  recordingStatements,
  snapshot,
  writeAlone,
} from './test-support/batch-items.js';
import { useBatchedAndAlone } from './test-support/batched-and-alone.js';
import { orderWrittenMeanwhile } from './test-support/order-written-meanwhile.js';

const postgres = enabledDialects().includes('postgres');

describe.skipIf(!postgres)('PostgreSQL batch commit', () => {
  const databases = useBatchedAndAlone('postgres');
  let batched: TestDb;
  let alone: TestDb;
  beforeEach(() => {
    batched = databases.batched();
    alone = databases.alone();
  });

  /** The batch through `writePgBatch` into one database, item by item into the other. */
  async function writeBothWays(items: readonly PgIngestItem[]) {
    const results = await batched.db
      .transaction()
      .execute((trx) => writePgBatch(trx, activeTargets(), items));
    const expected = await alone.db.transaction().execute((trx) => writeAlone(trx, items));
    return { results, expected };
  }

  it('stores the same rows as writing each notification alone', async () => {
    const items: PgIngestItem[] = mixedBatch();

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

  it('writes a renewal of an order first paid earlier in the same batch without failing the batch', async () => {
    const items = [
      commit('on_payment', { orderId: 'R1', email: 'r@example.com' }),
      commit('on_payment', { orderId: 'R1', email: 'r@example.com', transactionId: 'TR2' }),
      commit('on_payment', { orderId: 'R2', email: 'r2@example.com' }),
    ];
    const { results, expected } = await writeBothWays(items);
    expect(results).toEqual(expected);
    const a = await snapshot(batched.db);
    expect(a).toEqual(await snapshot(alone.db));
    expect(a.orders).toHaveLength(2);
    expect(a.transactions).toHaveLength(3);
  });

  /** Writes `items` as one batch; answers the results and the statements sent. */
  async function counted(items: readonly PgIngestItem[]) {
    let statements = 0;
    const results = await batched.db.transaction().execute((trx) =>
      writePgBatch(
        recordingStatements(trx, () => {
          statements += 1;
        }),
        activeTargets(),
        items,
      ),
    );
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
    for (const h of [batched, alone]) await attachInvoicingProfile(h.db);
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
    const outcome = await orderWrittenMeanwhile(batched.db, 'Y1', () =>
      batched.db.transaction().execute((trx) => writePgBatch(trx, activeTargets(), items)),
    );
    expect(outcome).toBeInstanceOf(OrderAppearedError);
    // Rolled back: nothing of the batch stayed.
    expect(await batched.db.selectFrom('events').select('id').execute()).toEqual([]);
  });
});
