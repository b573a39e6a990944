/**
 * Retention pruning on both dialects, through the real ingest, worker and a real webhook
 * target: what is past its retention goes, what a waiting verification or an unfinished
 * delivery still needs stays until they finish, the ledger and events stay, `/metrics` counts
 * it; and pruning while notifications come in loses nothing that was acknowledged.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ManualClock } from '../lib/clock.js';
import {
  encodePayPalIpnBody,
  samplePayPalIpnFields,
} from '../providers/paypal-ipn/sample-messages.js';
import type { InboundRequest } from '../providers/provider.js';
import type { WebhookSink } from '../../test/fakes/webhook-sink.js';
import { ds24Request } from '../../test/helpers/ds24.js';
import { pollUntil } from '../../test/helpers/poll-until.js';
import { enabledDialects } from '../../test/helpers/test-db.js';
import type { TestRuntime } from '../../test/helpers/test-runtime.js';
import { createPruner } from './prune.js';
import { startRetentionStage } from './test-support/stage.js';
import type { RetentionStage } from './test-support/stage.js';
import type { Pruner, RetentionDays } from './prune.js';

const PASSPHRASE = 'retention-passphrase';
const DAY = 86_400_000;
const DEFAULTS: RetentionDays = { rawBodyDays: 90, attemptBodyDays: 30, rejectedRequestDays: 30 };

for (const dialect of enabledDialects()) {
  describe(`retention pruning on ${dialect}`, () => {
    let clock: ManualClock;
    let runtime: TestRuntime;
    let sink: WebhookSink;
    let ds24: string;
    let paypal: string;
    let stage: RetentionStage;

    beforeEach(async () => {
      stage = await startRetentionStage(dialect, '2026-01-01T10:00:00.000Z', PASSPHRASE);
      ({ clock, runtime, sink, ds24 } = stage);
      paypal = (
        await runtime.sources.create({
          provider: 'paypal-ipn',
          name: 'PayPal',
          config: { receiverEmail: 'seller@example.com' },
        })
      ).id;
    });

    afterEach(() => stage.dispose());

    function pruner(retention = DEFAULTS, batchSize?: number): Pruner {
      const { db, adapter } = runtime.dbHandle;
      return createPruner({
        db,
        adapter,
        clock,
        logger: runtime.logger,
        observer: runtime.metrics,
        retention,
        batchSize,
      });
    }

    function payment(orderId: string, passphrase = PASSPHRASE): InboundRequest {
      return {
        ...ds24Request(ds24, passphrase, 'on_payment', {
          orderId,
          transactionId: `TX-${orderId}`,
          email: `${orderId.toLowerCase()}@example.com`,
        }),
        receivedAt: clock.now(),
      };
    }

    async function receive(sourceId: string, req: InboundRequest): Promise<string> {
      return (await runtime.ingest.receive(sourceId, req)).outcome.kind;
    }

    async function bodyOf(orderId: string): Promise<number> {
      const row = await runtime.dbHandle.db
        .selectFrom('events')
        .innerJoin('inbound_requests', 'inbound_requests.id', 'events.inbound_request_id')
        .select(['inbound_requests.raw_body', 'inbound_requests.headers'])
        .where('events.order_ref', '=', orderId)
        .executeTakeFirstOrThrow();
      return Buffer.from(row.raw_body).length;
    }

    async function metric(kind: string): Promise<number> {
      const text = await runtime.metrics.registry.metrics();
      const line = text
        .split('\n')
        .find((l) => l.startsWith(`ipnhub_pruned_total{kind="${kind}"}`));
      return Number(line?.split(' ')[1] ?? Number.NaN);
    }

    it('prunes what is past its retention and keeps what is still needed', async () => {
      const { db } = runtime.dbHandle;
      expect(await receive(ds24, payment('DONE'))).toBe('accepted');
      await runtime.worker.runOnce();
      // The target fails the next one: its delivery waits for a retry and needs its request.
      sink.respondWith({ status: 500 });
      expect(await receive(ds24, payment('RETRYING'))).toBe('accepted');
      await runtime.worker.runOnce();
      expect(await receive(ds24, payment('FORGED', 'wrong-passphrase'))).toBe('rejected');
      const ipn: InboundRequest = {
        receivedAt: clock.now(),
        method: 'POST',
        url: `/ipn/${paypal}`,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        rawBody: encodePayPalIpnBody(samplePayPalIpnFields('web_accept'), 'windows-1252'),
        remoteAddress: '127.0.0.1',
      };
      expect(await receive(paypal, ipn)).toBe('pending');
      expect((await db.selectFrom('attempts').select('id').execute()).length).toBe(2);

      clock.advance(91 * DAY);
      expect(await receive(ds24, payment('FRESH'))).toBe('accepted');

      expect(await pruner().runOnce()).toEqual({
        rejected_requests: 1,
        raw_bodies: 1,
        attempt_bodies: 2,
      });
      expect(await bodyOf('DONE')).toBe(0);
      expect(await bodyOf('RETRYING')).toBeGreaterThan(0);
      expect(await bodyOf('FRESH')).toBeGreaterThan(0);
      const pending = await db
        .selectFrom('inbound_requests')
        .select('raw_body')
        .where('verdict', '=', 'pending')
        .executeTakeFirstOrThrow();
      expect(Buffer.from(pending.raw_body).length).toBeGreaterThan(0);
      expect(
        await db
          .selectFrom('inbound_requests')
          .select('id')
          .where('verdict', '=', 'rejected')
          .execute(),
      ).toEqual([]);
      const attempts = await db
        .selectFrom('attempts')
        .select(['requests', 'response', 'outcome'])
        .execute();
      expect(attempts.map((a) => [a.requests, a.response])).toEqual([
        [null, null],
        [null, null],
      ]);
      expect(attempts.every((a) => a.outcome !== '')).toBe(true);
      // The ledger and the events stay.
      const ledger = await db
        .selectFrom('orders')
        .innerJoin('transactions', 'transactions.order_id', 'orders.id')
        .select('orders.external_id')
        .orderBy('orders.external_id')
        .execute();
      expect(ledger.map((r) => r.external_id)).toEqual(['DONE', 'FRESH', 'RETRYING']);
      const done = await db
        .selectFrom('events')
        .select('payload')
        .where('order_ref', '=', 'DONE')
        .executeTakeFirstOrThrow();
      expect(JSON.parse(done.payload)).toMatchObject({ type: 'payment', order: { id: 'DONE' } });
      expect(await metric('raw_bodies')).toBe(1);
      expect(await metric('rejected_requests')).toBe(1);
      expect(await metric('attempt_bodies')).toBe(2);

      // Nothing new is past its retention: a second run changes nothing.
      expect(await pruner().runOnce()).toEqual({
        rejected_requests: 0,
        raw_bodies: 0,
        attempt_bodies: 0,
      });
      // Once the retry is delivered, the next run prunes its body too (the walk had stopped there).
      sink.respondWith({ status: 200 });
      clock.advance(DAY);
      await runtime.worker.runOnce();
      const finished = await db
        .selectFrom('deliveries')
        .select('status')
        .where('status', 'in', ['pending', 'delivering'])
        .execute();
      expect(finished).toEqual([]);
      expect((await pruner().runOnce()).raw_bodies).toBe(1);
      expect(await bodyOf('RETRYING')).toBe(0);
    });

    it('runs in the worker: a started worker prunes at once', async () => {
      expect(await receive(ds24, payment('FORGED', 'wrong-passphrase'))).toBe('rejected');
      clock.advance(31 * DAY);
      await runtime.worker.start();
      const left = await pollUntil(
        () => runtime.dbHandle.db.selectFrom('inbound_requests').select('id').execute(),
        (rows) => rows.length === 0,
      );
      expect(left).toEqual([]);
      await runtime.worker.stop();
      expect(await metric('rejected_requests')).toBe(1);
    });

    it('keeps everything with retention 0', async () => {
      expect(await receive(ds24, payment('KEPT'))).toBe('accepted');
      expect(await receive(ds24, payment('FORGED', 'wrong-passphrase'))).toBe('rejected');
      await runtime.worker.runOnce();
      clock.advance(3650 * DAY);
      expect(
        await pruner({ rawBodyDays: 0, attemptBodyDays: 0, rejectedRequestDays: 0 }).runOnce(),
      ).toEqual({ rejected_requests: 0, raw_bodies: 0, attempt_bodies: 0 });
      expect(await bodyOf('KEPT')).toBeGreaterThan(0);
    });

    it('loses nothing acknowledged while it prunes under concurrent ingest', async () => {
      const { db } = runtime.dbHandle;
      const old = Array.from({ length: 60 }, (_, i) => `OLD-${String(i).padStart(3, '0')}`);
      for (const orderId of old) expect(await receive(ds24, payment(orderId))).toBe('accepted');
      await runtime.worker.runOnce();
      clock.advance(91 * DAY);

      const fresh = Array.from({ length: 40 }, (_, i) => `NEW-${String(i).padStart(3, '0')}`);
      // Small batches, so pruning interleaves with the commits of the new notifications.
      const pruning = pruner(DEFAULTS, 7).runOnce();
      const answers = await Promise.all(fresh.map((orderId) => receive(ds24, payment(orderId))));
      const counts = await pruning;

      expect(answers.every((kind) => kind === 'accepted')).toBe(true);
      expect(counts.raw_bodies).toBe(old.length);
      const events = await db
        .selectFrom('events')
        .innerJoin('orders', (join) =>
          join
            .onRef('orders.external_id', '=', 'events.order_ref')
            .onRef('orders.source_id', '=', 'events.source_id'),
        )
        .innerJoin('transactions', 'transactions.event_id', 'events.id')
        .innerJoin('inbound_requests', 'inbound_requests.id', 'events.inbound_request_id')
        .select(['events.order_ref', 'inbound_requests.raw_body'])
        .execute();
      const byOrder = new Map(events.map((e) => [e.order_ref, Buffer.from(e.raw_body).length]));
      for (const orderId of old) expect(byOrder.get(orderId)).toBe(0);
      for (const orderId of fresh) expect(byOrder.get(orderId)).toBeGreaterThan(0);
      expect(byOrder.size).toBe(old.length + fresh.length);
    });
  });
}
