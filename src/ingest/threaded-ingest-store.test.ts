import { existsSync, readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sampleEvent } from '../connectors/sample-event.js';
import type { CanonicalEvent } from '../core/events.js';
import { silentLogger } from '../lib/logger.js';
import { createTestDb } from '../../test/helpers/test-db.js';
import type { TestDb } from '../../test/helpers/test-db.js';
import type { InboundRow } from './ingest-store.js';
import { createThreadedIngestStore, withOwnBody } from './threaded-ingest-store.js';

function row(id: string, body = 'event=on_payment&x=%C3%A4'): InboundRow {
  return {
    id,
    source_id: 'src_1',
    provider: 'digistore24',
    received_at: '2026-01-01T00:00:00.000Z',
    method: 'POST',
    url: '/ipn/src_1',
    headers: '{}',
    raw_body: Buffer.from(body),
    remote_address: '127.0.0.1',
    verdict: 'accepted',
    verdict_code: null,
    verdict_reason: null,
    verification: null,
    event_ids: '[]',
  };
}

/**
 * The SQLite WAL `file`'s generation (the salts in its header, new each time a writer restarts
 * it) and the transactions committed in it: its frames that carry those salts and end a
 * transaction (a commit frame records the database's size in pages; SQLite's file format,
 * "WAL file format").
 */
function walCommits(file: string): { generation: string; commits: number } {
  const wal = readFileSync(file);
  const pageSize = wal.readUInt32BE(8);
  const salts = wal.subarray(16, 24);
  let commits = 0;
  for (let at = 32; at + 24 + pageSize <= wal.length; at += 24 + pageSize)
    if (wal.subarray(at + 8, at + 16).equals(salts) && wal.readUInt32BE(at + 4) > 0) commits++;
  return { generation: salts.toString('hex'), commits };
}

/** A first payment of an order of its own, by a buyer of its own: what a batch writes together. */
function paymentOf(n: number): CanonicalEvent {
  const sample = sampleEvent('payment');
  const { order, buyer } = sample;
  if (!order || !buyer) throw new Error('the sample payment has an order and a buyer');
  return {
    ...sample,
    id: `evt_${n}`,
    source: { id: 'src_1', provider: 'digistore24', test: false },
    order: { ...order, id: `ORDER${n}`, transactionId: `9100000${n}` },
    buyer: { ...buyer, email: `buyer${n}@example.com` },
  };
}

describe('threaded ingest store (SQLite)', () => {
  let h: TestDb;
  beforeEach(async () => {
    h = await createTestDb('sqlite');
  });
  afterEach(async () => h.dispose());

  it('commits in the writer thread: new events, duplicates, byte-exact bodies, visible to the main connection', async () => {
    const store = createThreadedIngestStore({ target: h.target, logger: silentLogger() });
    try {
      const event = {
        ...sampleEvent('payment'),
        id: 'evt_T1',
        source: { id: 'src_1', provider: 'digistore24', test: false },
      };
      const first = await store.commit(
        row('req_1'),
        [{ event, dedupKey: 'src_1:k1' }],
        '2026-01-01T00:00:00.000Z',
      );
      expect(first).toEqual({ inserted: ['evt_T1'], deliveries: 0, documentJobs: 0 });
      const again = await store.commit(
        row('req_2'),
        [{ event: { ...event, id: 'evt_T2' }, dedupKey: 'src_1:k1' }],
        '2026-01-01T00:00:01.000Z',
      );
      expect(again).toEqual({ inserted: [], deliveries: 0, documentJobs: 0 });
      await store.record({
        ...row('req_3'),
        verdict: 'rejected',
        verdict_code: 'SIGNATURE_INVALID',
      });

      const rows = await h.db
        .selectFrom('inbound_requests')
        .select(['id', 'verdict', 'raw_body'])
        .orderBy('id')
        .execute();
      expect(rows.map((r) => [r.id, r.verdict])).toEqual([
        ['req_1', 'accepted'],
        ['req_2', 'duplicate'],
        ['req_3', 'rejected'],
      ]);
      expect(Buffer.from(rows[0]!.raw_body).toString()).toBe('event=on_payment&x=%C3%A4');
      const customers = await h.db.selectFrom('customers').select('email').execute();
      expect(customers).toEqual([{ email: 'anna.beispiel@example.com' }]);
    } finally {
      await store.close();
    }
  });

  it('writes the commits submitted in one turn of the event loop in one transaction, later ones in their own', async () => {
    if (h.target.kind !== 'sqlite') throw new Error('an SQLite suite');
    const wal = `${h.target.file}-wal`;
    const store = createThreadedIngestStore({ target: h.target, logger: silentLogger() });
    try {
      await store.record(row('req_start'));
      // ~350 frames after the migrations, ~45 per commit here: far from the 1,000 at which the
      // checkpoint thread copies the WAL back (db/wal-checkpointer.ts), after which the next
      // writer restarts it (checked: the generation stays the same).
      const before = walCommits(wal);
      const commit = (n: number) =>
        store.commit(
          row(`req_${n}`),
          [{ event: paymentOf(n), dedupKey: `src_1:k${n}` }],
          '2026-01-01T00:00:00.000Z',
        );
      // Five commits of one turn, each after some work of its own, as the HTTP server hands
      // on the requests that one poll of its sockets brought in: the writer, idle, gets them
      // together at the end of the turn.
      const together = await Promise.all(
        [1, 2, 3, 4, 5].map((n) => {
          const busyUntil = performance.now() + 10;
          while (performance.now() < busyUntil);
          return commit(n);
        }),
      );
      expect(together.map((r) => r.inserted)).toEqual([
        ['evt_1'],
        ['evt_2'],
        ['evt_3'],
        ['evt_4'],
        ['evt_5'],
      ]);
      expect(walCommits(wal)).toEqual({ ...before, commits: before.commits + 1 });
      for (const n of [6, 7, 8]) await commit(n);
      expect(walCommits(wal)).toEqual({ ...before, commits: before.commits + 4 });
    } finally {
      await store.close();
    }
    const events = await h.db.selectFrom('events').select('id').orderBy('id').execute();
    expect(events.map((e) => e.id)).toEqual([1, 2, 3, 4, 5, 6, 7, 8].map((n) => `evt_${n}`));
  });

  it('sends a body as its own bytes, transferred, and leaves the caller its Buffer', async () => {
    // A small Buffer is a view into Node's shared pool: sending the view would clone the pool.
    const pooled = Buffer.from('event=on_payment&x=%C3%A4', 'utf8');
    const mine = row('req_p');
    mine.raw_body = pooled;
    const [sent, transfer] = withOwnBody(mine);
    expect(transfer).toHaveLength(1);
    expect(sent.raw_body.buffer).toBe(transfer[0]);
    expect(sent.raw_body.buffer.byteLength).toBe(pooled.byteLength);
    expect(Buffer.from(sent.raw_body).equals(pooled)).toBe(true);

    const store = createThreadedIngestStore({ target: h.target, logger: silentLogger() });
    try {
      await store.record(mine);
      // The caller's body is intact after the send (an ingest error stores the request again).
      expect(pooled.toString('utf8')).toBe('event=on_payment&x=%C3%A4');
      await store.record({ ...mine, id: 'req_q' });
    } finally {
      await store.close();
    }
    const stored = await h.db
      .selectFrom('inbound_requests')
      .select(['id', 'raw_body'])
      .orderBy('id')
      .execute();
    expect(stored.map((r) => [r.id, Buffer.from(r.raw_body).toString('utf8')])).toEqual([
      ['req_p', 'event=on_payment&x=%C3%A4'],
      ['req_q', 'event=on_payment&x=%C3%A4'],
    ]);
  });

  it('starts a new thread after close, and fails jobs instead of hanging when the thread cannot open the database', async () => {
    const store = createThreadedIngestStore({ target: h.target, logger: silentLogger() });
    await store.record(row('req_a'));
    await store.close();
    await store.record(row('req_b'));
    await store.close();
    expect(
      (await h.db.selectFrom('inbound_requests').select('id').orderBy('id').execute()).map(
        (r) => r.id,
      ),
    ).toEqual(['req_a', 'req_b']);

    const broken = createThreadedIngestStore({
      target: { kind: 'sqlite', file: '/etc/hostname/x.db' },
      logger: silentLogger(),
    });
    await expect(broken.record(row('req_c'))).rejects.toThrow();
    await expect(broken.record(row('req_d'))).rejects.toThrow();
    await broken.close();
  });

  it('stops its WAL checkpoint thread on close: the last connection to close removes the WAL', async () => {
    if (h.target.kind !== 'sqlite') throw new Error('an SQLite suite');
    const wal = `${h.target.file}-wal`;
    const store = createThreadedIngestStore({ target: h.target, logger: silentLogger() });
    await store.record(row('req_w'));
    await store.close();
    expect(existsSync(wal)).toBe(true);
    // Had the writer's or the checkpoint thread's connection stayed open, SQLite would keep it.
    await h.close();
    expect(existsSync(wal)).toBe(false);
  });
});
