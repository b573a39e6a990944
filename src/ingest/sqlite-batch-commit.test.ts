/**
 * The SQLite batch commit writes what the per-notification path writes: the same notifications
 * go once through `writeSqliteBatch` and once, item by item, through `writeCommit` and
 * `writeRecord`, each into its own database; the tables must then hold the same rows. Also: how
 * many statements a batch runs, an order that appears meanwhile, and a batch that fails midway
 * through the store (every notification of it written again alone).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CompiledQuery } from 'kysely';
import { createTestDb } from '../../test/helpers/test-db.js';
import type { TestDb } from '../../test/helpers/test-db.js';
import { createActiveFiltersLoader } from '../routing/active-filters.js';
import { OrderAppearedError, writeBatch } from './batch-commit.js';
import type { BatchItem } from './batch-commit.js';
import { createBatchIngestStore } from './batch-ingest-store.js';
import { writeRecord } from './ingest-store.js';
import { sqliteGroupWriter, writeSqliteBatch } from './sqlite-batch-commit.js';
import {
  activeTargets,
  addConnection,
  attachInvoicingProfile,
  commit,
  inbound,
  mixedBatch,
  recordingStatements,
  resend,
  snapshot,
  writeAlone,
} from './test-support/batch-items.js';
import { useBatchedAndAlone } from './test-support/batched-and-alone.js';

const firstPayments = (n: number, prefix: string): BatchItem[] =>
  Array.from({ length: n }, (_, i) =>
    commit('on_payment', {
      orderId: `${prefix}${i}`,
      email: `${prefix.toLowerCase()}${i}@example.com`,
    }),
  );

describe('SQLite batch commit', () => {
  const databases = useBatchedAndAlone('sqlite');
  let batched: TestDb;
  let alone: TestDb;
  beforeEach(() => {
    batched = databases.batched();
    alone = databases.alone();
  });

  /** Writes the batches into both databases, each batch in one write transaction; the results of both. */
  async function both(batches: readonly BatchItem[][]) {
    const results: unknown[] = [];
    const expected: unknown[] = [];
    for (const items of batches) {
      results.push(
        await batched.adapter.writeTransaction(batched.db, (trx) =>
          writeSqliteBatch(trx, activeTargets(), items),
        ),
      );
      expected.push(
        await alone.adapter.writeTransaction(alone.db, (trx) => writeAlone(trx, items)),
      );
    }
    return { results, expected };
  }

  it('stores the same rows as writing each notification alone', async () => {
    const { results, expected } = await both([mixedBatch()]);
    expect(results).toEqual(expected);
    const a = await snapshot(batched.db);
    expect(a).toEqual(await snapshot(alone.db));
    expect(a.customers).toHaveLength(3);
    expect(a.subscriptions).toHaveLength(1);
    expect(a.deliveries).toHaveLength(5);
    expect(a.verifications).toHaveLength(1);
  });

  it('stores the same rows for resends inside a batch and across batches, with invoicing on', async () => {
    await attachInvoicingProfile(batched.db);
    await attachInvoicingProfile(alone.db);
    const first = firstPayments(70, 'F');
    // A batch larger than one statement takes (64 rows), with resends of its own items.
    const one = [...first, resend(first[3] as BatchItem), resend(first[69] as BatchItem)];
    const two = [...firstPayments(5, 'G'), ...first.slice(0, 10).map(resend)];
    const { results, expected } = await both([one, two]);
    expect(results).toEqual(expected);
    const a = await snapshot(batched.db);
    expect(a).toEqual(await snapshot(alone.db));
    expect(a.events).toHaveLength(75);
    expect(a.inbound_requests).toHaveLength(87);
    expect(a.document_jobs).toHaveLength(75);
    expect(
      (a.inbound_requests ?? []).filter((r) => r.includes('"verdict":"duplicate"')),
    ).toHaveLength(12);
  });

  it('writes 40 first payments with a statement per table and chunk, not per row', async () => {
    const items = firstPayments(40, 'N');
    const statements: string[] = [];
    const orderChecks: CompiledQuery[] = [];
    const results = await batched.adapter.writeTransaction(batched.db, (trx) =>
      writeSqliteBatch(
        recordingStatements(trx, (query) => {
          statements.push(query.sql);
          if (query.sql.startsWith('select o.')) orderChecks.push(query);
        }),
        activeTargets(),
        items,
      ),
    );
    expect(results.map((r) => r?.inserted.length)).toEqual(items.map(() => 1));
    expect(results.map((r) => r?.deliveries)).toEqual(items.map(() => 1));
    // The order check, then events, customers, orders, items, transactions, access, document
    // jobs, deliveries and requests, each in a chunk of 32 and one of 8 (the connections are
    // read through the query builder).
    expect(statements).toHaveLength(20);
    expect(statements.filter((s) => s.startsWith('insert into "events"'))).toHaveLength(2);
    expect(await batched.db.selectFrom('access').select('id').execute()).toHaveLength(40);
    // The order check looks each order up in its unique index, never scans the table.
    expect(orderChecks).toHaveLength(2);
    for (const check of orderChecks) {
      const plan = await batched.db.executeQuery<{ detail: string }>(
        CompiledQuery.raw(`explain query plan ${check.sql}`, [...check.parameters]),
      );
      expect(plan.rows.map((r) => r.detail)).toContainEqual(
        expect.stringMatching(
          /^SEARCH o USING COVERING INDEX .*\(source_id=\? AND external_id=\?\)/,
        ),
      );
    }
  });

  it('writes a renewal of an order first paid earlier in the same batch without failing the batch', async () => {
    // Two notifications of one order a few milliseconds apart (a provider sending a payment
    // twice under two transaction ids, or a rebill right after the first payment): the second
    // is the order's renewal once the first is written, and goes through the per-notification path.
    const items = [
      commit('on_payment', { orderId: 'R1', email: 'r@example.com' }),
      commit('on_payment', { orderId: 'R1', email: 'r@example.com', transactionId: 'TR2' }),
      commit('on_payment', { orderId: 'R2', email: 'r2@example.com' }),
    ];
    const { results, expected } = await both([items]);
    expect(results).toEqual(expected);
    const a = await snapshot(batched.db);
    expect(a).toEqual(await snapshot(alone.db));
    expect(a.orders).toHaveLength(2);
    expect(a.transactions).toHaveLength(3);
  });

  it('fails the batch when an order it did not see at the start is there at its insert', async () => {
    await writeAlone(batched.db, [commit('on_payment', { orderId: 'Y1', email: 'y@example.com' })]);
    const blind = { ...sqliteGroupWriter, existingOrders: async () => new Set<string>() };
    const items = [
      commit('on_payment', { orderId: 'X1', email: 'x@example.com' }),
      commit('on_payment', { orderId: 'Y1', email: 'y@example.com', transactionId: 'TY2' }),
    ];
    const outcome = await batched.adapter
      .writeTransaction(batched.db, (trx) => writeBatch(trx, activeTargets(), items, blind))
      .then(
        () => null,
        (err: unknown) => err,
      );
    expect(outcome).toBeInstanceOf(OrderAppearedError);
    // Rolled back: only the order written before stays.
    expect(await batched.db.selectFrom('events').select('id').execute()).toHaveLength(1);
  });
});

describe('SQLite batch ingest store', () => {
  let h: TestDb;
  beforeEach(async () => {
    h = await createTestDb('sqlite');
    await addConnection(h.db);
  });
  afterEach(async () => h.dispose());

  it('writes every other notification of a batch that fails midway, and fails only the bad one', async () => {
    const store = createBatchIngestStore({
      db: h.db,
      adapter: h.adapter,
      activeFilters: createActiveFiltersLoader(),
      writer: sqliteGroupWriter,
    });
    const taken = inbound('rejected');
    await writeRecord(h.db, taken);
    const items = firstPayments(6, 'M');
    // The fourth reuses a stored request's id: the batch's last statement (the requests) fails
    // after its events, ledger rows and deliveries were written, so the batch is rolled back.
    const bad = items[3];
    if (bad?.kind !== 'commit') throw new Error('a commit');
    items[3] = { ...bad, row: { ...bad.row, id: taken.id } };
    const outcomes = await Promise.allSettled(
      items.map((item) =>
        item.kind === 'commit'
          ? store.commit(item.row, item.events, item.now)
          : store.record(item.row),
      ),
    );
    await store.close();
    expect(outcomes.map((o) => o.status)).toEqual([
      'fulfilled',
      'fulfilled',
      'fulfilled',
      'rejected',
      'fulfilled',
      'fulfilled',
    ]);
    const events = await h.db
      .selectFrom('events')
      .select('order_ref')
      .orderBy('order_ref')
      .execute();
    expect(events.map((e) => e.order_ref)).toEqual(['M0', 'M1', 'M2', 'M4', 'M5']);
    expect(await h.db.selectFrom('deliveries').select('id').execute()).toHaveLength(5);
  });
});
