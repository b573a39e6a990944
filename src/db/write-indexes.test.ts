import { CompiledQuery, sql } from 'kysely';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, enabledDialects } from '../../test/helpers/test-db.js';
import type { TestDb } from '../../test/helpers/test-db.js';
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

function request(id: string, verdict: InboundVerdict) {
  return {
    id,
    source_id: 'src_1',
    provider: 'digistore24',
    received_at: OLD,
    method: 'POST',
    url: '/ipn/src_1',
    headers: '{}',
    raw_body: Buffer.from('x'),
    remote_address: '127.0.0.1',
    verdict,
    verdict_code: null,
    verdict_reason: null,
    verification: null,
    event_ids: '[]',
  };
}

function event(id: string, type: string) {
  return {
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
  };
}

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

    /** Each statement's plan, as one text per statement. */
    async function plans(statements: CompiledQuery[]): Promise<string[]> {
      return handle.db.transaction().execute(async (trx) => {
        // The tables are nearly empty: PostgreSQL would scan them unless told scans are a last resort.
        if (dialect === 'postgres') await sql`set local enable_seqscan = off`.execute(trx);
        const explain = dialect === 'sqlite' ? 'explain query plan ' : 'explain ';
        const out: string[] = [];
        for (const statement of statements) {
          const result = await trx.executeQuery<Record<string, unknown>>(
            CompiledQuery.raw(explain + statement.sql, [...statement.parameters]),
          );
          out.push(result.rows.map((row) => Object.values(row).join(' ')).join('\n'));
        }
        return out;
      });
    }

    it('holds no accepted request and no payment event', async () => {
      const definitions =
        dialect === 'sqlite'
          ? await sql<{ name: string; def: string }>`
              select name, sql as def from sqlite_master
              where name in ('inbound_requests_verdict', 'events_type')`.execute(handle.db)
          : await sql<{ name: string; def: string }>`
              select indexname as name, indexdef as def from pg_indexes
              where indexname in ('inbound_requests_verdict', 'events_type')`.execute(handle.db);
      const byName = new Map(definitions.rows.map((r) => [r.name, r.def.toLowerCase()]));
      expect(byName.get('inbound_requests_verdict')).toMatch(/where .*verdict.* <> 'accepted'/);
      expect(byName.get('events_type')).toMatch(/where .*type.* <> 'payment'/);
    });

    it('serves the request log filtered by another verdict, and still lists accepted ones', async () => {
      const seen: CompiledQuery[] = [];
      const rejected = await listInboundRequests(recording(handle.db, seen), {
        verdict: 'rejected',
      });
      expect(rejected.data.map((r) => r.id)).toEqual(['req_2']);
      expect(await plans(seen)).toEqual([expect.stringContaining('inbound_requests_verdict')]);
      const accepted = await listInboundRequests(handle.db, { verdict: 'accepted' });
      expect(accepted.data.map((r) => r.id)).toEqual(['req_3', 'req_1']);
    });

    it('serves the event list filtered by another type, and still lists payments', async () => {
      const seen: CompiledQuery[] = [];
      const refunds = await listEvents(recording(handle.db, seen), { type: 'refund' });
      expect(refunds.data.map((e) => e.id)).toEqual(['evt_2']);
      expect(await plans(seen)).toEqual([expect.stringContaining('events_type')]);
      const payments = await listEvents(handle.db, { type: 'payment' });
      expect(payments.data.map((e) => e.id)).toEqual(['evt_3', 'evt_1']);
    });

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
