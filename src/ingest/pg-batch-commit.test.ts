/**
 * The PostgreSQL batch commit writes what the per-notification path writes: the same batch of
 * notifications (first payments, a buyer twice, a resend, a refund, a renewal, requests without
 * facts) goes once through `writePgBatch` and once, item by item, through `writeCommit` and
 * `writeRecord`, each into its own database; the tables must then hold the same rows.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { pollUntil } from '../../test/helpers/poll-until.js';
import { createTestDb, enabledDialects } from '../../test/helpers/test-db.js';
import type { TestDb } from '../../test/helpers/test-db.js';
import { OrderAppearedError, writePgBatch } from './pg-batch-commit.js';
import type { PgIngestItem } from './pg-batch-commit.js';
import {
  NOW,
  SOURCE,
  activeTargets,
  addConnection,
  commit,
  mixedBatch,
  recordingStatements,
  snapshot,
  writeAlone,
} from './test-support/batch-items.js';

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

  it('stores the same rows as writing each notification alone', async () => {
    const items: PgIngestItem[] = mixedBatch();

    const results = await batched.db
      .transaction()
      .execute((trx) => writePgBatch(trx, activeTargets(), items));
    const expected = await alone.db.transaction().execute((trx) => writeAlone(trx, items));

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

  it('writes 40 first payments with a statement per table, not per row', async () => {
    const items = Array.from({ length: 40 }, (_, i) =>
      commit('on_payment', { orderId: `N${i}`, email: `n${i}@example.com` }),
    );
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
    expect(results.map((r) => r?.inserted.length)).toEqual(items.map(() => 1));
    expect(results.map((r) => r?.deliveries)).toEqual(items.map(() => 1));
    // The order check, events, customers, orders, items, transactions, access, document jobs,
    // deliveries, requests (the connections are read through the query builder).
    expect(statements).toBe(10);
    expect(await batched.db.selectFrom('access').select('id').execute()).toHaveLength(40);
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
