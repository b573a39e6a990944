import { createServer } from 'node:http';
import type { ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ConnectionForDelivery } from './connections/connections-service.js';
import { webhookConfigSchema } from './connectors/webhook/config.js';
import { sampleEvent } from './connectors/sample-event.js';
import { DEFAULT_RETRY_POLICY } from './core/retry-policy.js';
import { ManualClock } from './lib/clock.js';
import { createHttpClient } from './lib/http-client.js';
import { createEventLoopTurns } from './lib/event-loop-turns.js';
import type { TakeTurn } from './lib/event-loop-turns.js';
import { silentLogger } from './lib/logger.js';
import type { Mailer } from './lib/mailer.js';
import { createWorker } from './worker.js';
import { EVENT_CHUNK } from './outbox/delivery-job.js';
import { sql } from 'kysely';
import type { Worker } from './worker.js';
import { startWebhookSink } from '../test/fakes/webhook-sink.js';
import { createCondition } from '../test/helpers/condition.js';
import type { WebhookSink } from '../test/fakes/webhook-sink.js';
import { createTestDb, enabledDialects } from '../test/helpers/test-db.js';
import type { TestDb } from '../test/helpers/test-db.js';
import { createCacheScope } from './lib/cache-scope.js';

const T0 = '2026-01-01T00:00:00.000Z';
const LEASE_MS = 60_000;

/** An HTTP target that holds every request until the test releases it. */
async function startHeldTarget(): Promise<{
  url: string;
  arrived(n: number): Promise<void>;
  release(): void;
  /** Requests that arrived, in all. */
  total(): number;
  /** The most requests held at once. */
  most(): number;
  /** Resolves once `n` held requests were closed by their client before being answered. */
  abandoned(n: number): Promise<void>;
  /** The bodies received, in order of arrival. */
  bodies(): string[];
  /** Answers the held requests and every later one at once. */
  open(): void;
  /** Holds every later request again. */
  hold(): void;
  close(): Promise<void>;
}> {
  const held: ServerResponse[] = [];
  const bodies: string[] = [];
  let opened = false;
  const arrivals = createCondition();
  const closes = createCondition();
  let total = 0;
  let most = 0;
  let abandoned = 0;
  const server = createServer((req, res) => {
    res.on('close', () => {
      if (res.writableEnded) return;
      abandoned++;
      closes.notify();
    });
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      bodies.push(Buffer.concat(chunks).toString('utf8'));
      if (opened) {
        total++;
        res.writeHead(200).end('ok');
        return;
      }
      held.push(res);
      total++;
      most = Math.max(most, held.length);
      arrivals.notify();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    arrived: async (n) => {
      await arrivals.until(() => held.length >= n);
    },
    release: () => {
      for (const res of held.splice(0)) res.writeHead(200).end('ok');
    },
    total: () => total,
    most: () => most,
    abandoned: async (n) => {
      await closes.until(() => abandoned >= n);
    },
    bodies: () => [...bodies],
    open: () => {
      opened = true;
      for (const res of held.splice(0)) res.writeHead(200).end('ok');
    },
    hold: () => {
      opened = false;
    },
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const unusedMailer: Mailer = {
  send: async () => ({ ok: false, transient: false, error: 'no mail in this test' }),
  verify: async () => ({ ok: false, message: 'no mail in this test' }),
  close: async () => {},
};

for (const dialect of enabledDialects()) {
  describe(`delivery worker on ${dialect}`, () => {
    let h: TestDb;
    let sink: WebhookSink;
    let clock: ManualClock;
    let http: ReturnType<typeof createHttpClient>;
    let flushed: string[];
    let targets: Map<string, string>;
    let workers: Worker[];

    beforeEach(async () => {
      h = await createTestDb(dialect);
      sink = await startWebhookSink();
      clock = new ManualClock(T0);
      http = createHttpClient({ timeoutMs: 5000, allowList: ['127.0.0.1'] });
      flushed = [];
      targets = new Map([['con_1', sink.url]]);
      workers = [];
    });

    afterEach(async () => {
      for (const w of workers) await w.stop();
      await http.close();
      await sink.close();
      await h.dispose();
    });

    function connection(id: string): ConnectionForDelivery | null {
      const url = targets.get(id);
      if (url === undefined) return null;
      return {
        id,
        connector: 'webhook',
        name: `Target ${id}`,
        active: true,
        disabledAt: null,
        config: webhookConfigSchema.parse({ url }),
        errorEmails: ['ops@example.com'],
      };
    }

    function worker(
      owner = 'w1',
      concurrency = 4,
      pollMs = 20,
      takeTurn?: TakeTurn,
      deliveryTimeoutMs = 5000,
    ): Worker {
      const w = createWorker({
        db: h.db,
        adapter: h.adapter,
        connections: { loadForDelivery: async (id) => connection(id) },
        http,
        caches: createCacheScope(),
        mailer: unusedMailer,
        alerter: {
          hasOperator: false,
          note: async () => undefined,
          flush: async (connectionId) => {
            flushed.push(connectionId);
            return false;
          },
          flushDue: async () => 0,
        },
        clock,
        logger: silentLogger(),
        policy: { ...DEFAULT_RETRY_POLICY, jitter: 0 },
        concurrency,
        leaseMs: LEASE_MS,
        pollMs,
        deliveryTimeoutMs,
        failingAfterAttempts: 2,
        owner,
        takeTurn,
      });
      workers.push(w);
      return w;
    }

    /** Queues one event and its delivery to `connectionId`; ids sort in the order of the calls. */
    async function queue(
      n: number,
      orderKey: string,
      overrides: {
        connectionId?: string;
        trigger?: string;
        status?: 'pending' | 'delivering';
        leaseOwner?: string;
        leaseExpiresAt?: string;
      } = {},
    ) {
      const eventId = `evt_${String(n).padStart(4, '0')}`;
      await h.db
        .insertInto('events')
        .values({
          id: eventId,
          source_id: 'src_1',
          inbound_request_id: `req_${n}`,
          type: 'payment',
          dedup_key: `dedup_${n}`,
          order_ref: orderKey,
          customer_email: null,
          test: 0,
          occurred_at: T0,
          received_at: T0,
          payload: JSON.stringify(sampleEvent('payment', { id: eventId })),
        })
        .execute();
      const deliveryId = `dlv_${String(n).padStart(4, '0')}`;
      await h.db
        .insertInto('deliveries')
        .values({
          id: deliveryId,
          event_id: eventId,
          connection_id: overrides.connectionId ?? 'con_1',
          order_key: orderKey,
          status: overrides.status ?? 'pending',
          attempts: 0,
          next_attempt_at: T0,
          lease_owner: overrides.leaseOwner ?? null,
          lease_expires_at: overrides.leaseExpiresAt ?? null,
          trigger: overrides.trigger ?? 'scheduled',
          last_error: null,
          created_at: T0,
          updated_at: T0,
          completed_at: null,
        })
        .execute();
      return deliveryId;
    }

    const queuedAlerts = async () =>
      (
        await h.db
          .selectFrom('alert_queue')
          .select(['delivery_id', 'connection_id', 'kind', 'attempt_no', 'reason'])
          .orderBy('delivery_id')
          .execute()
      ).map((a) => [a.kind, a.delivery_id, a.connection_id, Number(a.attempt_no), a.reason]);
    const deliveryRows = () => h.db.selectFrom('deliveries').selectAll().orderBy('id').execute();
    const attemptRows = () =>
      h.db
        .selectFrom('attempts')
        .select(['delivery_id', 'attempt_no', 'trigger', 'outcome', 'status_code', 'error'])
        .orderBy('delivery_id')
        .orderBy('attempt_no')
        .execute();

    it('ends the request of an attempt that outlives its deadline: the target sees it closed, the delivery is retried', async () => {
      // The client's own timeout is far beyond the attempt's deadline, so only the deadline can
      // end the request (the webhook connector does not pass ctx.signal on; connector.ts).
      await http.close();
      http = createHttpClient({ timeoutMs: 600_000, allowList: ['127.0.0.1'] });
      const target = await startHeldTarget();
      try {
        targets.set('con_held', target.url);
        await queue(1, 'o1', { connectionId: 'con_held' });
        expect(await worker('w1', 4, 20, undefined, 100).runOnce()).toBe(1);
        await target.abandoned(1);
        const [row] = await deliveryRows();
        expect([row?.status, Number(row?.attempts), row?.last_error]).toEqual([
          'pending',
          1,
          'timed out',
        ]);
      } finally {
        await target.close();
      }
    });

    it('records every outcome of a batch: one attempt row per try, retries rescheduled, alerts after repeated failures', async () => {
      const down = await startWebhookSink();
      try {
        down.respondWith(
          ...Array.from({ length: 4 }, () => ({ status: 503, body: 'maintenance' })),
        );
        targets.set('con_down', down.url);
        for (let n = 1; n <= 6; n++)
          await queue(n, `o${n}`, n > 4 ? { connectionId: 'con_down' } : {});
        await queue(7, 'o7', { connectionId: 'con_gone' });

        expect(await worker().runOnce()).toBe(7);
        expect(sink.uniqueIds().sort()).toEqual(['dlv_0001', 'dlv_0002', 'dlv_0003', 'dlv_0004']);
        const rows = await deliveryRows();
        expect(
          rows.map((r) => [
            r.id,
            r.status,
            Number(r.attempts),
            r.next_attempt_at,
            r.last_error,
            r.lease_owner,
            r.completed_at,
          ]),
        ).toEqual([
          ['dlv_0001', 'delivered', 1, T0, null, null, T0],
          ['dlv_0002', 'delivered', 1, T0, null, null, T0],
          ['dlv_0003', 'delivered', 1, T0, null, null, T0],
          ['dlv_0004', 'delivered', 1, T0, null, null, T0],
          ['dlv_0005', 'pending', 1, '2026-01-01T00:00:05.000Z', 'HTTP 503', null, null],
          ['dlv_0006', 'pending', 1, '2026-01-01T00:00:05.000Z', 'HTTP 503', null, null],
          ['dlv_0007', 'skipped', 1, T0, 'connection was removed', null, T0],
        ]);
        expect(
          (await attemptRows()).map((a) => [
            a.delivery_id,
            Number(a.attempt_no),
            a.outcome,
            a.status_code === null ? null : Number(a.status_code),
          ]),
        ).toEqual([
          ['dlv_0001', 1, 'delivered', 200],
          ['dlv_0002', 1, 'delivered', 200],
          ['dlv_0003', 1, 'delivered', 200],
          ['dlv_0004', 1, 'delivered', 200],
          ['dlv_0005', 1, 'retry', 503],
          ['dlv_0006', 1, 'retry', 503],
          ['dlv_0007', 1, 'skipped', null],
        ]);
        expect(await queuedAlerts()).toEqual([]);
        expect(flushed).toEqual([]);

        expect(await worker().runOnce()).toBe(0);
        clock.advance(5_000);
        expect(await worker().runOnce()).toBe(2);
        const retried = (await deliveryRows()).filter((r) => r.connection_id === 'con_down');
        expect(retried.map((r) => [r.status, Number(r.attempts), r.next_attempt_at])).toEqual([
          ['pending', 2, '2026-01-01T00:05:05.000Z'],
          ['pending', 2, '2026-01-01T00:05:05.000Z'],
        ]);
        // Queued with the outcomes, then handed to the alerter to mail.
        expect(await queuedAlerts()).toEqual([
          ['failing', 'dlv_0005', 'con_down', 2, 'HTTP 503'],
          ['failing', 'dlv_0006', 'con_down', 2, 'HTTP 503'],
        ]);
        expect(flushed).toEqual(['con_down', 'con_down']);
        expect(await h.db.selectFrom('attempts').select('id').execute()).toHaveLength(9);
      } finally {
        await down.close();
      }
    });

    it('gives a manual redelivery one try: a failure ends dead, not rescheduled, and the next trigger is scheduled again', async () => {
      sink.respondWith({ status: 500 });
      const id = await queue(1, 'o1', { trigger: 'manual' });
      expect(await worker().runOnce()).toBe(1);
      const [row] = await deliveryRows();
      expect([row?.status, row?.trigger, row?.last_error]).toEqual([
        'dead',
        'scheduled',
        'HTTP 500',
      ]);
      expect((await attemptRows()).map((a) => [a.delivery_id, a.trigger, a.outcome])).toEqual([
        [id, 'manual', 'retry'],
      ]);
      expect(await queuedAlerts()).toEqual([['dead', id, 'con_1', 1, 'HTTP 500']]);
    });

    it('runs each connector of a batch in an event-loop turn of its own (what a turn guarantees: event-loop-turns.test.ts)', async () => {
      for (let n = 1; n <= 4; n++) await queue(n, `o${n}`);
      await queue(5, 'o5', { connectionId: 'con_gone' });
      const turns = createEventLoopTurns();
      let taken = 0;
      const counted: TakeTurn = () => {
        taken++;
        return turns();
      };
      expect(await worker('w1', 8, 20, counted).runOnce()).toBe(5);
      // One per connector run; a delivery settled without its connector needs none.
      expect(taken).toBe(4);
      expect(sink.uniqueIds().sort()).toEqual(['dlv_0001', 'dlv_0002', 'dlv_0003', 'dlv_0004']);
    });

    it('delivers the events of one order in event order, one at a time, while other orders go in the same batch', async () => {
      // Interleaved ids: o1 has the 1st, 3rd and 5th event.
      for (let n = 1; n <= 6; n++) await queue(n, n % 2 === 1 ? 'o1' : `other${n}`);
      expect(await worker('w1', 8).runOnce()).toBe(6);
      const order = sink.uniqueIds();
      const o1 = order.filter((id) => ['dlv_0001', 'dlv_0003', 'dlv_0005'].includes(id));
      expect(o1).toEqual(['dlv_0001', 'dlv_0003', 'dlv_0005']);
      // Each later event of o1 went out only after the earlier one was recorded, so it was in a later claim.
      expect(order.indexOf('dlv_0003')).toBeGreaterThan(order.indexOf('dlv_0001'));
      expect(order.slice(0, 4).sort()).toEqual(['dlv_0001', 'dlv_0002', 'dlv_0004', 'dlv_0006']);
    });

    it('works off a FIFO chain when running: each finished delivery wakes the loop for the next', async () => {
      for (let n = 1; n <= 5; n++) await queue(n, 'o1');
      // Polling would hide a lost wake-up: with a minute between polls only wake-ups move the chain.
      const w = worker('w1', 4, 60_000);
      await w.start();
      await sink.waitForRequests(5);
      await w.stop();
      expect(sink.uniqueIds()).toEqual([
        'dlv_0001',
        'dlv_0002',
        'dlv_0003',
        'dlv_0004',
        'dlv_0005',
      ]);
      expect((await deliveryRows()).map((r) => r.status)).toEqual([
        'delivered',
        'delivered',
        'delivered',
        'delivered',
        'delivered',
      ]);
      expect(await h.db.selectFrom('attempts').select('id').execute()).toHaveLength(5);
    });

    it('takes over a delivery whose lease expired and records the attempt under its own lease', async () => {
      await queue(1, 'o1', {
        status: 'delivering',
        leaseOwner: 'crashed-worker',
        leaseExpiresAt: '2025-12-31T23:59:59.000Z',
      });
      await queue(2, 'o1');
      expect(await worker().runOnce()).toBe(2);
      expect(sink.uniqueIds()).toEqual(['dlv_0001', 'dlv_0002']);
      expect(
        (await deliveryRows()).map((r) => [r.status, Number(r.attempts), r.lease_owner]),
      ).toEqual([
        ['delivered', 1, null],
        ['delivered', 1, null],
      ]);
    });

    it('claims ahead of its slots but runs no more connectors at once than its concurrency', async () => {
      const held = await startHeldTarget();
      try {
        targets.set('con_1', held.url);
        for (let n = 1; n <= 5; n++) await queue(n, `o${n}`);
        const run = worker('w1', 2).runOnce();
        await held.arrived(2);
        // All five were claimed in one go; two are being sent.
        expect((await deliveryRows()).map((r) => [r.status, r.lease_owner])).toEqual(
          Array.from({ length: 5 }, () => ['delivering', 'w1']),
        );
        held.release();
        await held.arrived(2);
        held.release();
        await held.arrived(1);
        held.release();
        expect(await run).toBe(5);
        expect(held.total()).toBe(5);
        expect(held.most()).toBe(2);
        expect((await deliveryRows()).map((r) => r.status)).toEqual(
          Array.from({ length: 5 }, () => 'delivered'),
        );
      } finally {
        await held.close();
      }
    });

    it('reads the events of a claimed batch a chunk at a time, when the first delivery of a chunk has its slot', async () => {
      const held = await startHeldTarget();
      try {
        targets.set('con_1', held.url);
        const w = worker('w1', 2);
        // One delivery first, so that the worker knows its attempt time and claims ahead.
        held.open();
        await queue(1, 'o1');
        expect(await w.runOnce()).toBe(1);
        held.hold();
        const count = EVENT_CHUNK + 4;
        for (let n = 2; n <= count + 1; n++) await queue(n, `o${n}`);
        const run = w.runOnce();
        await held.arrived(2);
        // All of them were claimed in one batch; two are being sent, so the batch's first chunk
        // of events was read and its second not.
        expect((await deliveryRows()).filter((r) => r.status === 'delivering')).toHaveLength(count);
        await h.db
          .updateTable('events')
          .set({ payload: sql<string>`replace(payload, '"payment"', '"payment-late"')` })
          .execute();
        held.open();
        expect(await run).toBe(count);
        const late = held
          .bodies()
          .slice(1)
          .map((body) => JSON.parse(body) as { data: { id: string; type: string } })
          .map((e) => [e.data.id, e.data.type === 'payment-late'])
          .sort(([a], [b]) => String(a).localeCompare(String(b)));
        expect(late).toEqual(
          Array.from({ length: count }, (_, i) => [
            `evt_${String(i + 2).padStart(4, '0')}`,
            i >= EVENT_CHUNK,
          ]),
        );
        expect((await deliveryRows()).map((r) => r.status)).toEqual(
          Array.from({ length: count + 1 }, () => 'delivered'),
        );
      } finally {
        await held.close();
      }
    });

    it('gives a claimed delivery back unattempted when it could not start while its lease still covers an attempt', async () => {
      const held = await startHeldTarget();
      try {
        targets.set('con_1', held.url);
        await queue(1, 'o1');
        await queue(2, 'o2');
        const run = worker('w1', 1).runOnce();
        await held.arrived(1);
        // The second waits for the one slot past its start window (lease 60 s − deadline 5 s).
        clock.advance(LEASE_MS - 5000 + 1);
        held.release();
        // Given back due as it was, so the next claim takes it again under a fresh lease and
        // sends it: the target sees it once, and its first attempt is attempt 1.
        await held.arrived(1);
        const fresh = new Date(clock.now().getTime() + LEASE_MS).toISOString();
        expect(
          (await deliveryRows()).map((r) => [
            r.id,
            r.status,
            Number(r.attempts),
            r.lease_owner,
            r.lease_expires_at,
          ]),
        ).toEqual([
          ['dlv_0001', 'delivered', 1, null, null],
          ['dlv_0002', 'delivering', 0, 'w1', fresh],
        ]);
        expect((await attemptRows()).map((a) => a.delivery_id)).toEqual(['dlv_0001']);
        held.release();
        // Claimed three times in all: two, then the one given back.
        expect(await run).toBe(3);
        expect(held.total()).toBe(2);
        expect(
          (await attemptRows()).map((a) => [a.delivery_id, Number(a.attempt_no), a.outcome]),
        ).toEqual([
          ['dlv_0001', 1, 'delivered'],
          ['dlv_0002', 1, 'delivered'],
        ]);
      } finally {
        await held.close();
      }
    });

    it('starts no claimed delivery once stopping, and gives those back for the next worker', async () => {
      const held = await startHeldTarget();
      try {
        targets.set('con_1', held.url);
        const w = worker('w1', 1, 60_000);
        // A first delivery tells the worker how long an attempt takes (no time on the manual
        // clock), so it claims ahead of its one slot from then on.
        await queue(1, 'o1');
        const first = w.runOnce();
        await held.arrived(1);
        held.release();
        expect(await first).toBe(1);
        for (let n = 2; n <= 4; n++) await queue(n, `o${n}`);
        await w.start();
        await held.arrived(1);
        expect((await deliveryRows()).map((r) => r.status)).toEqual([
          'delivered',
          'delivering',
          'delivering',
          'delivering',
        ]);
        const stopped = w.stop();
        held.release();
        await stopped;
        expect(held.total()).toBe(2);
        expect(
          (await deliveryRows()).map((r) => [r.status, Number(r.attempts), r.lease_owner]),
        ).toEqual([
          ['delivered', 1, null],
          ['delivered', 1, null],
          ['pending', 0, null],
          ['pending', 0, null],
        ]);
      } finally {
        await held.close();
      }
    });

    it('records nothing for a delivery whose lease another worker took meanwhile, and still records the rest of the batch', async () => {
      const held = await startHeldTarget();
      try {
        targets.set('con_1', held.url);
        await queue(1, 'o1');
        await queue(2, 'o2');
        const run = worker('w1').runOnce();
        await held.arrived(2);
        const later = new Date(clock.now().getTime() + 2 * LEASE_MS).toISOString();
        await h.db
          .updateTable('deliveries')
          .set({ lease_owner: 'w2', lease_expires_at: later })
          .where('id', '=', 'dlv_0001')
          .execute();
        held.release();
        expect(await run).toBe(2);

        const rows = await deliveryRows();
        expect(
          rows.map((r) => [r.id, r.status, Number(r.attempts), r.lease_owner, r.lease_expires_at]),
        ).toEqual([
          ['dlv_0001', 'delivering', 0, 'w2', later],
          ['dlv_0002', 'delivered', 1, null, null],
        ]);
        expect((await attemptRows()).map((a) => a.delivery_id)).toEqual(['dlv_0002']);
      } finally {
        await held.close();
      }
    });
  });
}
