import { existsSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sampleEvent } from '../connectors/sample-event.js';
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
