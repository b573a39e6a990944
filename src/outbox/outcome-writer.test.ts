import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sqliteAdapter } from '../db/dialect-adapter.js';
import type { Database } from '../db/schema.js';
import { ManualClock } from '../lib/clock.js';
import { createOutcomeWriter } from './outcome-writer.js';
import type { AttemptOutcome } from './outcome-writer.js';
import { countingAdapter } from '../../test/helpers/counting-adapter.js';
import type { CountingAdapter } from '../../test/helpers/counting-adapter.js';
import { createTestDb, enabledDialects } from '../../test/helpers/test-db.js';
import type { TestDb } from '../../test/helpers/test-db.js';

const T0 = '2026-01-01T00:00:00.000Z';
const T1 = '2026-01-01T00:00:30.000Z';
const LATER = '2026-01-01T01:00:00.000Z';

function delivering(id: string, owner: string) {
  return {
    id,
    event_id: `evt_${id}`,
    connection_id: 'con_1',
    order_key: id,
    status: 'delivering' as const,
    attempts: 0,
    next_attempt_at: T0,
    lease_owner: owner,
    lease_expires_at: LATER,
    trigger: 'scheduled',
    last_error: null,
    created_at: T0,
    updated_at: T0,
    completed_at: null,
  };
}

function delivered(deliveryId: string, overrides: Partial<AttemptOutcome> = {}): AttemptOutcome {
  return {
    deliveryId,
    status: 'delivered',
    attemptNo: 1,
    nextAttemptAt: null,
    lastError: null,
    attempt: {
      trigger: 'scheduled',
      started_at: T0,
      duration_ms: 12,
      outcome: 'delivered',
      status_code: 204,
      response: null,
      error: null,
    },
    ...overrides,
  };
}

for (const dialect of enabledDialects()) {
  describe(`outcome writer on ${dialect}`, () => {
    let h: TestDb;
    let counted: CountingAdapter;
    const clock = new ManualClock(T1);

    beforeEach(async () => {
      h = await createTestDb(dialect);
      counted = countingAdapter(h.adapter);
    });
    afterEach(async () => h.dispose());

    const writer = () =>
      createOutcomeWriter({ db: h.db, adapter: counted.adapter, clock, owner: 'w1' });
    const rows = () => h.db.selectFrom('deliveries').selectAll().orderBy('id').execute();
    const attempts = () =>
      h.db
        .selectFrom('attempts')
        .select(['delivery_id', 'attempt_no', 'outcome', 'duration_ms'])
        .orderBy('delivery_id')
        .execute();

    it('writes outcomes that arrive together in one transaction, each guarded by the lease', async () => {
      await h.db
        .insertInto('deliveries')
        .values([
          delivering('d1', 'w1'),
          delivering('d2', 'w1'),
          delivering('d3', 'w2'),
          delivering('d4', 'w1'),
        ])
        .execute();
      const w = writer();
      const retry: Partial<AttemptOutcome> = {
        status: 'pending',
        nextAttemptAt: LATER,
        lastError: 'HTTP 503',
        attempt: {
          trigger: 'scheduled',
          started_at: T0,
          duration_ms: 7,
          outcome: 'retry',
          status_code: 503,
          response: 'busy',
          error: 'HTTP 503',
        },
      };
      const results = await Promise.all([
        w.record(delivered('d1')),
        w.record(delivered('d2')),
        w.record(delivered('d3')),
        w.record(delivered('d4', retry)),
      ]);
      expect(results).toEqual([true, true, false, true]);
      expect(counted.transactions()).toBe(1);
      expect(
        (await rows()).map((r) => [
          r.id,
          r.status,
          Number(r.attempts),
          r.next_attempt_at,
          r.lease_owner,
          r.lease_expires_at,
          r.last_error,
          r.updated_at,
          r.completed_at,
        ]),
      ).toEqual([
        ['d1', 'delivered', 1, T0, null, null, null, T1, T1],
        ['d2', 'delivered', 1, T0, null, null, null, T1, T1],
        ['d3', 'delivering', 0, T0, 'w2', LATER, null, T0, null],
        ['d4', 'pending', 1, LATER, null, null, 'HTTP 503', T1, null],
      ]);
      expect(
        (await attempts()).map((a) => [
          a.delivery_id,
          Number(a.attempt_no),
          a.outcome,
          Number(a.duration_ms),
        ]),
      ).toEqual([
        ['d1', 1, 'delivered', 12],
        ['d2', 1, 'delivered', 12],
        ['d4', 1, 'retry', 7],
      ]);
    });

    it('writes each outcome alone when the batch fails, so one bad outcome fails only itself', async () => {
      await h.db
        .insertInto('deliveries')
        .values([delivering('d1', 'w1'), delivering('d2', 'w1'), delivering('d3', 'w1')])
        .execute();
      const w = writer();
      // A NaN duration breaks the attempt row's NOT NULL integer column on both dialects.
      const broken = delivered('d2', {
        attempt: {
          trigger: 'scheduled',
          started_at: T0,
          duration_ms: Number.NaN,
          outcome: 'delivered',
          status_code: 204,
          response: null,
          error: null,
        },
      });
      const results = await Promise.allSettled([
        w.record(delivered('d1')),
        w.record(broken),
        w.record(delivered('d3')),
      ]);
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
      expect(results.map((r) => (r.status === 'fulfilled' ? r.value : null))).toEqual([
        true,
        null,
        true,
      ]);
      expect(counted.transactions()).toBe(4);
      expect((await rows()).map((r) => [r.id, r.status, r.lease_owner])).toEqual([
        ['d1', 'delivered', null],
        ['d2', 'delivering', 'w1'],
        ['d3', 'delivered', null],
      ]);
      expect((await attempts()).map((a) => a.delivery_id)).toEqual(['d1', 'd3']);
    });

    it('queues the error e-mails of recorded outcomes in their transaction, not of outcomes whose lease was lost', async () => {
      await h.db
        .insertInto('deliveries')
        .values([delivering('d1', 'w1'), delivering('d2', 'w2'), delivering('d3', 'w1')])
        .execute();
      const w = writer();
      const dead: Partial<AttemptOutcome> = {
        status: 'dead',
        attemptNo: 8,
        lastError: 'HTTP 500',
        attempt: {
          trigger: 'scheduled',
          started_at: T0,
          duration_ms: 5,
          outcome: 'retry',
          status_code: 500,
          response: null,
          error: 'HTTP 500',
        },
        alert: { connectionId: 'con_1', kind: 'dead' },
      };
      const results = await Promise.all([
        w.record(delivered('d1', dead)),
        w.record(delivered('d2', dead)),
        w.record(delivered('d3')),
      ]);
      expect(results).toEqual([true, false, true]);
      expect(counted.transactions()).toBe(1);
      const queued = await h.db.selectFrom('alert_queue').selectAll().execute();
      expect(
        queued.map((q) => [
          q.delivery_id,
          q.connection_id,
          q.kind,
          Number(q.attempt_no),
          q.reason,
          q.queued_at,
        ]),
      ).toEqual([['d1', 'con_1', 'dead', 8, 'HTTP 500', T1]]);

      // A later problem of the same delivery replaces its row under a new id.
      await h.db
        .updateTable('deliveries')
        .set({ status: 'delivering', lease_owner: 'w1' })
        .where('id', '=', 'd1')
        .execute();
      expect(
        await w.record(
          delivered('d1', {
            ...dead,
            status: 'failed',
            attemptNo: 9,
            lastError: 'HTTP 400',
            alert: { connectionId: 'con_1', kind: 'failed' },
          }),
        ),
      ).toBe(true);
      const replaced = await h.db.selectFrom('alert_queue').selectAll().execute();
      expect(replaced.map((q) => [q.delivery_id, q.kind, Number(q.attempt_no), q.reason])).toEqual([
        ['d1', 'failed', 9, 'HTTP 400'],
      ]);
      expect(replaced[0]?.id).not.toBe(queued[0]?.id);
    });

    it('writes two outcomes for one delivery one after the other: the second finds the lease released', async () => {
      await h.db.insertInto('deliveries').values(delivering('d1', 'w1')).execute();
      const w = writer();
      expect(await Promise.all([w.record(delivered('d1')), w.record(delivered('d1'))])).toEqual([
        true,
        false,
      ]);
      expect(counted.transactions()).toBe(2);
      expect((await attempts()).map((a) => [a.delivery_id, Number(a.attempt_no)])).toEqual([
        ['d1', 1],
      ]);
    });
  });
}

// SQLite keeps one prepared statement per SQL text (db/connect.ts): batches of every size must
// not each bring texts of their own (db/statement-shapes.ts).
for (const dialect of enabledDialects().filter((d) => d === 'sqlite')) {
  describe(`outcome writer on ${dialect}: statement texts`, () => {
    let h: TestDb;
    let database: BetterSqlite3.Database | null = null;
    beforeEach(async () => {
      h = await createTestDb(dialect);
    });
    afterEach(async () => {
      database?.close();
      await h.dispose();
    });

    it('writes batches of 1 to 8 outcomes with four texts of each statement, not eight', async () => {
      if (h.target.kind !== 'sqlite') throw new Error('an SQLite test database was expected');
      await h.db
        .insertInto('deliveries')
        .values(Array.from({ length: 36 }, (_, i) => delivering(`d${i}`, 'w1')))
        .execute();
      // A second connection to the test file that reports every statement's text.
      const texts: string[] = [];
      database = new BetterSqlite3(h.target.file);
      const db = new Kysely<Database>({
        dialect: new SqliteDialect({ database }),
        log: (event) => {
          texts.push(event.query.sql);
        },
      });
      const counted = countingAdapter(sqliteAdapter());
      const w = createOutcomeWriter({
        db,
        adapter: counted.adapter,
        clock: new ManualClock(T1),
        owner: 'w1',
        lingerMs: 0,
      });
      let next = 0;
      for (let size = 1; size <= 8; size++) {
        const batch = Array.from({ length: size }, () => delivered(`d${next++}`));
        expect(await Promise.all(batch.map((o) => w.record(o)))).toEqual(batch.map(() => true));
      }
      // One transaction per batch: the batches really had sizes 1 to 8.
      expect(counted.transactions()).toBe(8);
      const distinct = (prefix: string) => new Set(texts.filter((t) => t.startsWith(prefix))).size;
      expect(distinct('update "deliveries"')).toBe(4);
      expect(distinct('insert into "attempts"')).toBe(4);
      const stored = await h.db.selectFrom('attempts').select('delivery_id').execute();
      expect(stored.map((a) => a.delivery_id).sort()).toEqual(
        Array.from({ length: 36 }, (_, i) => `d${i}`).sort(),
      );
    });
  });
}
