/**
 * End to end through real HTTP, on both dialects: a signed Digistore24 IPN comes in over a
 * socket, lands in the ledger, and reaches a real local HTTP sink as a signed Standard
 * Webhooks request; retries run on a manual clock; a dead delivery mails the connection's
 * error address through a real SMTP server; redelivery works.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { startWebhookSink } from '../fakes/webhook-sink.js';
import { useDs24Hub } from '../helpers/ds24-hub.js';
import { enabledDialects } from '../helpers/test-db.js';

const SECRET = `whsec_${Buffer.alloc(32, 3).toString('base64')}`;

for (const dialect of enabledDialects()) {
  describe(`Digistore24 → ledger → webhook on ${dialect}`, () => {
    const stage = useDs24Hub(dialect, (hub) =>
      startWebhookSink({ secret: SECRET, clock: hub.clock }),
    );
    let connectionId: string;

    beforeEach(async () => {
      const config = { url: `${stage.target.url}/hooks/billing`, secret: SECRET };
      const connection = await stage.hub.addConnection('webhook', config, {
        name: 'Billing system',
        filters: { eventTypes: ['payment', 'refund'], productIds: ['543210'] },
        errorEmails: ['ops@example.com'],
      });
      connectionId = connection.id;
    });

    const deliveries = () => stage.hub.deliveries(connectionId);

    it('verifies, records, grants access and delivers a signed webhook once, even when the IPN is resent', async () => {
      const { hub, target: sink } = stage;
      const first = await hub.sendIpn('on_payment', {
        orderId: 'E2EORD01',
        transactionId: '5001',
        email: 'Buyer@Example.com',
      });
      expect(first).toMatchObject({ status: 200, text: 'OK' });
      const resent = await hub.send(first.body);
      expect(resent.text).toBe('OK');

      expect(await hub.runtime.worker.runOnce()).toBe(1);
      expect(sink.requests).toHaveLength(1);
      const hook = sink.requests[0]!;
      expect(hook.verified).toBe(true);
      expect(hook.path).toBe('/hooks/billing');
      expect(hook.json).toMatchObject({
        type: 'payment',
        data: {
          type: 'payment',
          order: { id: 'E2EORD01', transactionId: '5001' },
          buyer: { email: 'buyer@example.com' },
        },
      });
      expect(await hub.runtime.worker.runOnce()).toBe(0);

      const events = await hub.call('GET', '/events?orderId=E2EORD01');
      expect(events.json<{ data: unknown[] }>().data).toHaveLength(1);
      const inbound = await hub.call('GET', '/inbound-requests');
      expect(
        inbound
          .json<{ data: Array<{ verdict: string }> }>()
          .data.map((r) => r.verdict)
          .sort(),
      ).toEqual(['accepted', 'duplicate']);

      const access = await hub.call('GET', '/access?email=buyer@example.com&productId=543210');
      expect(access.json()).toMatchObject({ hasAccess: true, status: 'active' });
    });

    it('rejects a bad signature with a reason, records it and delivers nothing', async () => {
      const { hub, target: sink } = stage;
      const res = await hub.sendIpn('on_payment', { orderId: 'E2EBAD01' }, 'wrong-passphrase');
      expect(res.status).toBe(403);
      expect(res.text).toMatch(/^ERROR: SIGNATURE_INVALID/);
      const inbound = await hub.call('GET', '/inbound-requests?verdict=rejected');
      expect(
        inbound.json<{ data: Array<{ verdictCode: string }> }>().data.map((r) => r.verdictCode),
      ).toEqual(['SIGNATURE_INVALID']);
      expect(await hub.runtime.worker.runOnce()).toBe(0);
      expect(sink.requests).toHaveLength(0);
    });

    it('answers Digistore24 connection tests with OK and records them', async () => {
      const { hub } = stage;
      const res = await hub.sendIpn('connection_test');
      expect(res).toMatchObject({ status: 200, text: 'OK' });
      const inbound = await hub.call('GET', '/inbound-requests?verdict=test');
      expect(inbound.json<{ data: unknown[] }>().data).toHaveLength(1);
      expect(await hub.runtime.worker.runOnce()).toBe(0);
    });

    it("delivers payment then refund in that order even when the payment's first attempt failed", async () => {
      const { hub, target: sink } = stage;
      sink.respondWith({ status: 503 });
      await hub.postIpn('on_payment', { orderId: 'E2EORD02', transactionId: '6001' });
      await hub.postIpn('on_refund', { orderId: 'E2EORD02', transactionId: '6002' });

      expect(await hub.runtime.worker.runOnce()).toBe(1);
      expect(sink.requests.map((r) => (r.json as { type: string }).type)).toEqual(['payment']);
      expect(await hub.runtime.worker.runOnce()).toBe(0);

      hub.clock.advance(5_000);
      expect(await hub.runtime.worker.runOnce()).toBe(2);
      expect(sink.requests.map((r) => (r.json as { type: string }).type)).toEqual([
        'payment',
        'payment',
        'refund',
      ]);
      expect(new Set(sink.requests.slice(0, 2).map((r) => r.headers['webhook-id'])).size).toBe(1);
      const access = await hub.call(
        'GET',
        '/access?email=anna.beispiel@example.com&productId=543210',
      );
      expect(access.json()).toMatchObject({ hasAccess: false, status: 'revoked' });
    });

    it('retries on schedule while the target is down, goes dead, mails the error address once, and redelivers by hand', async () => {
      const { hub, target: sink } = stage;
      sink.respondWith(
        ...Array.from({ length: 8 }, () => ({ status: 500, body: 'database locked' })),
      );
      await hub.postIpn('on_payment', { orderId: 'E2EORD03', transactionId: '7001' });
      const schedule = [5, 300, 1800, 7200, 18000, 36000, 36000];
      expect(await hub.runtime.worker.runOnce()).toBe(1);
      for (const seconds of schedule) {
        const [pending] = await deliveries();
        expect(pending?.status).toBe('pending');
        expect(Date.parse(pending!.nextAttemptAt) - hub.clock.now().getTime()).toBe(seconds * 1000);
        hub.clock.advance(seconds * 1000 - 1);
        expect(await hub.runtime.worker.runOnce()).toBe(0);
        hub.clock.advance(1);
        expect(await hub.runtime.worker.runOnce()).toBe(1);
      }
      const [dead] = await deliveries();
      expect(dead).toMatchObject({ status: 'dead', attemptCount: 8 });
      expect(sink.requests).toHaveLength(8);

      // One "failing" mail at the 4th attempt, one "gave up" mail when it died: never one per attempt.
      await hub.smtp.waitForMessages(2);
      const mails = hub.smtp.messages.filter((m) => m.subject.includes('Billing system'));
      expect(mails.map((m) => m.subject)).toEqual([
        '[ipnhub] "Billing system": 1 delivery failing, being retried (HTTP 500)',
        '[ipnhub] "Billing system": 1 delivery dead — action needed (HTTP 500)',
      ]);
      expect(mails[1]!.to).toEqual(['ops@example.com']);
      expect(mails[1]!.text).toContain(`ipnhub deliveries redeliver ${dead!.id}`);
      expect(mails[1]!.text).toContain('8 attempts, last error: HTTP 500');

      const redo = await hub.call('POST', `/deliveries/${dead!.id}/redeliver`);
      expect(redo.status).toBe(202);
      expect(await hub.runtime.worker.runOnce()).toBe(1);
      const [done] = await deliveries();
      expect(done).toMatchObject({ status: 'delivered', attemptCount: 9 });
      const detail = await hub.call('GET', `/deliveries/${dead!.id}`);
      const attempts = detail.json<{
        attempts: Array<{ trigger: string; outcome: string; statusCode: number | null }>;
      }>().attempts;
      expect(attempts).toHaveLength(9);
      expect(attempts.filter((a) => a.trigger === 'manual')).toHaveLength(1);
      expect(attempts.filter((a) => a.outcome === 'retry' && a.statusCode === 500)).toHaveLength(8);
    });

    it('mails a permanent failure that happens inside the throttle window as soon as the window ends', async () => {
      const { hub, target: sink } = stage;
      sink.respondWith(...Array.from({ length: 4 }, () => ({ status: 503, body: 'maintenance' })));
      await hub.postIpn('on_payment', { orderId: 'E2EORD07', transactionId: '9001' });
      for (const seconds of [0, 5, 300, 1800]) {
        hub.clock.advance(seconds * 1000);
        expect(await hub.runtime.worker.runOnce()).toBe(1);
      }
      // The 4th failed attempt (IPNHUB_FAILING_ALERT_AFTER_ATTEMPTS) is mailed at once.
      const [failing] = await hub.smtp.waitForMessages(1);
      expect(failing?.subject).toBe(
        '[ipnhub] "Billing system": 1 delivery failing, being retried (HTTP 503)',
      );
      expect(failing?.text).toContain('Nothing needs doing yet');

      // Ten minutes later, inside the hour's window, another order's delivery is refused for good.
      hub.clock.advance(600_000);
      sink.respondWith({ status: 400, body: 'unknown product' });
      await hub.postIpn('on_payment', { orderId: 'E2EORD08', transactionId: '9002' });
      expect(await hub.runtime.worker.runOnce()).toBe(1);
      const failed = (await deliveries()).find((d) => d.status === 'failed');
      expect(failed).toBeDefined();
      expect(hub.smtp.messages).toHaveLength(1);

      // The running worker mails it when the window ends, with nothing else happening.
      await hub.runtime.worker.start();
      hub.clock.advance(3_000_000);
      const [, summary] = await hub.smtp.waitForMessages(2);
      await hub.runtime.worker.stop();
      expect(summary?.to).toEqual(['ops@example.com']);
      expect(summary?.subject).toBe(
        '[ipnhub] "Billing system": 1 delivery failed permanently — action needed (HTTP 400)',
      );
      expect(summary?.text).toContain(`ipnhub deliveries redeliver ${failed!.id}`);
      expect(summary?.text).toContain('payment, order E2EORD08');
      expect(summary?.text).not.toContain('Nothing needs doing');
      expect(hub.smtp.messages).toHaveLength(2);
    });

    it('honours Retry-After from a throttling target and keeps the webhook-id on the retry', async () => {
      const { hub, target: sink } = stage;
      sink.respondWith({ status: 429, headers: { 'retry-after': '120' } });
      await hub.postIpn('on_payment', { orderId: 'E2EORD06', transactionId: '8001' });
      expect(await hub.runtime.worker.runOnce()).toBe(1);
      const [throttled] = await deliveries();
      expect(Date.parse(throttled!.nextAttemptAt) - hub.clock.now().getTime()).toBe(120_000);
      hub.clock.advance(119_000);
      expect(await hub.runtime.worker.runOnce()).toBe(0);
      hub.clock.advance(1_000);
      expect(await hub.runtime.worker.runOnce()).toBe(1);
      expect((await deliveries())[0]?.status).toBe('delivered');
      expect(sink.uniqueIds()).toHaveLength(1);
      expect(sink.requests.map((r) => r.headers['webhook-timestamp'])).toEqual([
        String(Date.parse('2026-03-01T10:00:00.000Z') / 1000),
        String(Date.parse('2026-03-01T10:02:00.000Z') / 1000),
      ]);
    });

    it('does not deliver events the connection filters out', async () => {
      const { hub, target: sink } = stage;
      await hub.postIpn('on_payment', { orderId: 'E2EORD04', productId: '999999' });
      await hub.postIpn('on_chargeback', { orderId: 'E2EORD05' });
      expect(await hub.runtime.worker.runOnce()).toBe(0);
      expect(sink.requests).toHaveLength(0);
    });
  });
}
