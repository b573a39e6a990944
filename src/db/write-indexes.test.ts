import type { CompiledQuery, Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { indexDefinitions, planOf, preferringIndexes } from '../../test/helpers/query-plans.js';
import { createTestDb, enabledDialects } from '../../test/helpers/test-db.js';
import type { TestDb } from '../../test/helpers/test-db.js';
import { inbound } from '../ingest/test-support/batch-items.js';
import { listEvents } from '../ledger/queries/events-query.js';
import { listInboundRequests } from '../ledger/queries/inbound-requests-query.js';
import { ManualClock } from '../lib/clock.js';
import { silentLogger } from '../lib/logger.js';
import { createPruner } from '../retention/prune.js';
import type { Database, InboundVerdict } from './schema.js';

/** `db` with every statement it runs compiled into `seen` as well. */
function recording(db: Kysely<Database>, seen: CompiledQuery[]): Kysely<Database> {
  const executor = db.getExecutor();
  return db.withPlugin({
    transformQuery(args) {
      seen.push(executor.compileQuery(args.node, args.queryId));
      return args.node;
    },
    transformResult: async (args) => args.result,
  });
}

const OLD = '2026-01-01T00:00:00.000Z';

const request = (id: string, verdict: InboundVerdict) => ({
  ...inbound(verdict),
  id,
  received_at: OLD,
});

const event = (id: string, type: string) => ({
  id,
  source_id: 'src_1',
  inbound_request_id: 'req_1',
  type,
  dedup_key: id,
  order_ref: null,
  customer_email: null,
  test: 0 as const,
  occurred_at: OLD,
  received_at: OLD,
  payload: '{}',
});

for (const dialect of enabledDialects()) {
  describe(`the partial verdict and type indexes on ${dialect}`, () => {
    let handle: TestDb;
    beforeAll(async () => {
      handle = await createTestDb(dialect);
      await handle.db
        .insertInto('inbound_requests')
        .values([
          request('req_1', 'accepted'),
          request('req_2', 'rejected'),
          request('req_3', 'accepted'),
        ])
        .execute();
      await handle.db
        .insertInto('events')
        .values([event('evt_1', 'payment'), event('evt_2', 'refund'), event('evt_3', 'payment')])
        .execute();
    });
    afterAll(async () => handle.dispose());

    const plans = (statements: readonly CompiledQuery[]) =>
      preferringIndexes(handle.db, dialect, (trx) =>
        Promise.all(statements.map((s) => planOf(trx, dialect, s))),
      );

    it('holds no accepted request and no payment event', async () => {
      const byName = await indexDefinitions(handle.db, dialect, [
        'inbound_requests_verdict',
        'events_type',
      ]);
      expect(byName.get('inbound_requests_verdict')).toMatch(/where .*verdict.* <> 'accepted'/);
      expect(byName.get('events_type')).toMatch(/where .*type.* <> 'payment'/);
    });

    it.each([
      {
        list: 'the request log',
        index: 'inbound_requests_verdict',
        other: 'rejected',
        common: 'accepted',
        ids: { other: ['req_2'], common: ['req_3', 'req_1'] },
        run: async (db: Kysely<Database>, which: 'other' | 'common') =>
          (
            await listInboundRequests(db, {
              verdict: which === 'other' ? 'rejected' : 'accepted',
            })
          ).data,
      },
      {
        list: 'the event list',
        index: 'events_type',
        other: 'refund',
        common: 'payment',
        ids: { other: ['evt_2'], common: ['evt_3', 'evt_1'] },
        run: async (db: Kysely<Database>, which: 'other' | 'common') =>
          (await listEvents(db, { type: which === 'other' ? 'refund' : 'payment' })).data,
      },
    ])(
      'serves $list filtered by $other from $index, and still lists $common rows',
      async ({ index, ids, run }) => {
        const seen: CompiledQuery[] = [];
        const found = await run(recording(handle.db, seen), 'other');
        expect(found.map((row) => row.id)).toEqual(ids.other);
        expect(await plans(seen)).toEqual([expect.stringContaining(index)]);
        const all = await run(handle.db, 'common');
        expect(all.map((row) => row.id)).toEqual(ids.common);
      },
    );

    it('finds old rejected requests for the retention prune by the index, keeping accepted ones', async () => {
      const seen: CompiledQuery[] = [];
      const pruner = createPruner({
        db: recording(handle.db, seen),
        adapter: handle.adapter,
        clock: new ManualClock('2026-03-01T00:00:00.000Z'),
        logger: silentLogger(),
        retention: { rawBodyDays: 0, attemptBodyDays: 0, rejectedRequestDays: 30 },
      });
      const counts = await pruner.runOnce();
      expect(counts.rejected_requests).toBe(1);
      const reads = seen.filter(
        (s) => s.sql.startsWith('select') && s.sql.includes('from "inbound_requests"'),
      );
      expect(reads.length).toBeGreaterThan(0);
      for (const plan of await plans(reads)) expect(plan).toContain('inbound_requests_verdict');
      const left = await handle.db.selectFrom('inbound_requests').select('id').execute();
      expect(left.map((r) => r.id).sort()).toEqual(['req_1', 'req_3']);
    });
  });
}
