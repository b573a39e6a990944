/**
 * A batch that is one group written as one statement outside a transaction (pg-one-statement.ts):
 * the same rows as the per-notification path, one round trip, and nothing written — so that the
 * transactional path can take over — whenever one of its orders or events is stored already, the
 * active connections changed since they were read, or another transaction writes one of its
 * orders meanwhile.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { Kysely } from 'kysely';
import { enabledDialects } from '../../test/helpers/test-db.js';
import type { TestDb } from '../../test/helpers/test-db.js';
import type { Database } from '../db/schema.js';
import { createActiveFiltersLoader } from '../routing/active-filters.js';
import type { PgIngestItem } from './pg-batch-commit.js';
import { createOneStatementWriter } from './pg-one-statement.js';
import type { OneStatementWriter } from './pg-one-statement.js';
import {
  attachInvoicingProfile,
  commit,
  inbound,
  recordingStatements,
  resend,
  snapshot,
  writeAlone,
} from './test-support/batch-items.js';
import { useBatchedAndAlone } from './test-support/batched-and-alone.js';
import { orderWrittenMeanwhile } from './test-support/order-written-meanwhile.js';

const postgres = enabledDialects().includes('postgres');

const payments = (prefix: string, n: number): PgIngestItem[] =>
  Array.from({ length: n }, (_, i) =>
    commit('on_payment', { orderId: `${prefix}${i}`, email: `${prefix}${i}@example.com` }),
  );

describe.skipIf(!postgres)('PostgreSQL batch as one statement', () => {
  const databases = useBatchedAndAlone('postgres');
  let batched: TestDb;
  let alone: TestDb;
  let write: OneStatementWriter;
  beforeEach(() => {
    batched = databases.batched();
    alone = databases.alone();
    write = createOneStatementWriter(createActiveFiltersLoader());
  });

  /** Counts the statements `write` sends through `db`. */
  async function counted(db: Kysely<Database>, items: readonly PgIngestItem[]) {
    let statements = 0;
    const results = await write(
      recordingStatements(db, () => {
        statements += 1;
      }),
      items,
    );
    return { results, statements };
  }

  it('stores the same rows as writing each notification alone, with one statement', async () => {
    for (const h of [batched, alone]) await attachInvoicingProfile(h.db);
    const items: PgIngestItem[] = [
      ...payments('A', 3),
      { kind: 'record', row: inbound('rejected') },
    ];
    // The first batch reads the active connections first: their version by statement, the
    // filters through the query builder (not counted).
    const first = await counted(batched.db, items.slice(0, 1));
    expect(first.statements).toBe(2);
    const { results, statements } = await counted(batched.db, items.slice(1));
    expect(statements).toBe(1);

    const expected = await alone.db.transaction().execute((trx) => writeAlone(trx, items));
    expect([...(first.results ?? []), ...(results ?? [])]).toEqual(expected);
    expect(expected.map((r) => [r?.inserted.length, r?.deliveries, r?.documentJobs])).toEqual([
      [1, 1, 1],
      [1, 1, 1],
      [1, 1, 1],
      [undefined, undefined, undefined],
    ]);
    expect(await snapshot(batched.db)).toEqual(await snapshot(alone.db));
  });

  it('writes nothing when an order or an event of the batch is stored already', async () => {
    const [stored, other] = payments('B', 2) as [PgIngestItem, PgIngestItem];
    expect(await write(batched.db, [stored])).toHaveLength(1);
    const before = await snapshot(batched.db);
    // A resend (its event stored), and a renewal-like payment of the stored order.
    expect(await write(batched.db, [other, resend(stored)])).toBeUndefined();
    const sameOrder = commit('on_payment', { orderId: 'B0', email: 'new@example.com' });
    expect(await write(batched.db, [other, sameOrder])).toBeUndefined();
    expect(await snapshot(batched.db)).toEqual(before);
  });

  it('declines a batch that is not one group, without a statement', async () => {
    const [a] = payments('C', 1) as [PgIngestItem];
    const refund = commit('on_refund', { orderId: 'C0', email: 'C0@example.com' });
    const pending: PgIngestItem = { kind: 'record', row: inbound('pending') };
    for (const items of [[a, resend(a)], [a, refund], [pending], []]) {
      const { results, statements } = await counted(batched.db, items);
      expect(results).toBeUndefined();
      expect(statements).toBe(0);
    }
  });

  it('writes nothing when the active connections changed since it read them, then reads them again', async () => {
    const [a, b] = payments('D', 2) as [PgIngestItem, PgIngestItem];
    expect(await write(batched.db, [a])).toEqual([
      { inserted: expect.any(Array), deliveries: 1, documentJobs: 0 },
    ]);
    await batched.db
      .updateTable('connections')
      .set({ active: 0, updated_at: '2026-12-05T09:00:00.000Z' })
      .execute();
    const before = await snapshot(batched.db);
    expect(await write(batched.db, [b])).toBeUndefined();
    expect(await snapshot(batched.db)).toEqual(before);
    // Read again: no active connection, no delivery.
    const again = await write(batched.db, [b]);
    expect(again?.map((r) => r?.deliveries)).toEqual([0]);
    const deliveries = await batched.db.selectFrom('deliveries').select('event_id').execute();
    expect(deliveries).toHaveLength(1);
  });

  it('fails and leaves nothing when another transaction writes one of its orders meanwhile', async () => {
    const items = payments('E', 2);
    await write(batched.db, payments('F', 1));
    const before = await snapshot(batched.db);
    // Another process inserts order E1 and has not committed yet: the gate does not see it,
    // and the statement's insert waits for that transaction; the other one then commits.
    const outcome = await orderWrittenMeanwhile(batched.db, 'E1', () => write(batched.db, items));
    expect(String(outcome)).toMatch(/an order or event of the group was written meanwhile/);
    const after = await snapshot(batched.db);
    expect({ ...after, orders: before.orders }).toEqual(before);
    expect(after.orders).toHaveLength((before.orders?.length ?? 0) + 1);
  });
});
