/**
 * End to end through real HTTP, on both dialects: a signed Digistore24 IPN comes in over a
 * socket, lands in the ledger, and reaches a real local HTTP sink as a signed Standard
 * Webhooks request; retries run on a manual clock; a dead delivery mails the connection's
 * error address through a real SMTP server; redelivery works.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { request } from 'undici';
import type { FastifyInstance } from 'fastify';
import { ManualClock } from '../../src/lib/clock.js';
import { encodeDigistore24Body, sampleDigistore24Fields } from '../../src/providers/digistore24/sign-request.js';
import { startSmtpSink } from '../fakes/smtp-sink.js';
import { startWebhookSink } from '../fakes/webhook-sink.js';
import { createTestRuntime, TEST_ADMIN_TOKEN } from '../helpers/test-runtime.js';
import type { TestRuntime } from '../helpers/test-runtime.js';
import { enabledDialects } from '../helpers/test-db.js';

const PASSPHRASE = 'e2e-passphrase-2026';
const SECRET = `whsec_${Buffer.alloc(32, 3).toString('base64')}`;
const auth = { authorization: `Bearer ${TEST_ADMIN_TOKEN}` };

type Sink = Awaited<ReturnType<typeof startWebhookSink>>;
type Smtp = Awaited<ReturnType<typeof startSmtpSink>>;

for (const dialect of enabledDialects()) {
  describe(`Digistore24 → ledger → webhook on ${dialect}`, () => {
    let smtp: Smtp;
    let sink: Sink;
    let runtime: TestRuntime;
    let app: FastifyInstance;
    let base: string;
    let clock: ManualClock;
    let ipnUrl: string;
    let connectionId: string;

    beforeAll(async () => {
      smtp = await startSmtpSink();
    });
    afterAll(async () => smtp.close());

    beforeEach(async () => {
      clock = new ManualClock('2026-03-01T10:00:00.000Z');
      sink = await startWebhookSink({ secret: SECRET, clock });
      runtime = await createTestRuntime(dialect, { clock, config: { smtpUrl: smtp.url } });
      app = await runtime.buildApp();
      base = await app.listen({ port: 0, host: '127.0.0.1' });

      const source = await app.inject({ method: 'POST', url: '/api/v1/sources', headers: auth, payload: { provider: 'digistore24', name: 'DS24 main', config: { passphrase: PASSPHRASE } } });
      expect(source.statusCode).toBe(201);
      ipnUrl = `${base}/ipn/${source.json<{ id: string }>().id}`;

      const connection = await app.inject({
        method: 'POST',
        url: '/api/v1/connections',
        headers: auth,
        payload: {
          connector: 'webhook',
          name: 'Billing system',
          filters: { eventTypes: ['payment', 'refund'], productIds: ['543210'] },
          config: { url: `${sink.url}/hooks/billing`, secret: SECRET },
          errorEmails: ['ops@example.com'],
        },
      });
      expect(connection.statusCode).toBe(201);
      connectionId = connection.json<{ id: string }>().id;
    });

    afterEach(async () => {
      await app.close();
      await runtime.dispose();
      await sink.close();
      smtp.messages.length = 0;
    });

    async function postIpn(event: string, overrides: Parameters<typeof sampleDigistore24Fields>[1] = {}, passphrase = PASSPHRASE) {
      const body = encodeDigistore24Body(sampleDigistore24Fields(event, { productId: '543210', ...overrides }), passphrase);
      const res = await request(ipnUrl, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
      return { status: res.statusCode, text: await res.body.text(), body };
    }

    async function deliveries() {
      const res = await app.inject({ method: 'GET', url: `/api/v1/deliveries?connectionId=${connectionId}`, headers: auth });
      return res.json<{ data: Array<{ id: string; status: string; attemptCount: number; nextAttemptAt: string }> }>().data;
    }

    it('verifies, records, grants access and delivers a signed webhook once, even when the IPN is resent', async () => {
      const first = await postIpn('on_payment', { orderId: 'E2EORD01', transactionId: '5001', email: 'Buyer@Example.com' });
      expect(first).toMatchObject({ status: 200, text: 'OK' });
      const resent = await request(ipnUrl, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: first.body });
      expect(await resent.body.text()).toBe('OK');

      expect(await runtime.worker.runOnce()).toBe(1);
      expect(sink.requests).toHaveLength(1);
      const hook = sink.requests[0]!;
      expect(hook.verified).toBe(true);
      expect(hook.path).toBe('/hooks/billing');
      expect(hook.json).toMatchObject({ type: 'payment', data: { type: 'payment', order: { id: 'E2EORD01', transactionId: '5001' }, buyer: { email: 'buyer@example.com' } } });
      expect(await runtime.worker.runOnce()).toBe(0);

      const events = await app.inject({ method: 'GET', url: '/api/v1/events?orderId=E2EORD01', headers: auth });
      expect(events.json<{ data: unknown[] }>().data).toHaveLength(1);
      const inbound = await app.inject({ method: 'GET', url: '/api/v1/inbound-requests', headers: auth });
      expect(inbound.json<{ data: Array<{ verdict: string }> }>().data.map((r) => r.verdict).sort()).toEqual(['accepted', 'duplicate']);

      const access = await app.inject({ method: 'GET', url: '/api/v1/access?email=buyer@example.com&productId=543210', headers: auth });
      expect(access.json()).toMatchObject({ hasAccess: true, status: 'active' });
    });

    it('rejects a bad signature with a reason, records it and delivers nothing', async () => {
      const res = await postIpn('on_payment', { orderId: 'E2EBAD01' }, 'wrong-passphrase');
      expect(res.status).toBe(403);
      expect(res.text).toMatch(/^ERROR: SIGNATURE_INVALID/);
      const inbound = await app.inject({ method: 'GET', url: '/api/v1/inbound-requests?verdict=rejected', headers: auth });
      expect(inbound.json<{ data: Array<{ verdictCode: string }> }>().data.map((r) => r.verdictCode)).toEqual(['SIGNATURE_INVALID']);
      expect(await runtime.worker.runOnce()).toBe(0);
      expect(sink.requests).toHaveLength(0);
    });

    it('answers Digistore24 connection tests with OK and records them', async () => {
      const res = await postIpn('connection_test');
      expect(res).toMatchObject({ status: 200, text: 'OK' });
      const inbound = await app.inject({ method: 'GET', url: '/api/v1/inbound-requests?verdict=test', headers: auth });
      expect(inbound.json<{ data: unknown[] }>().data).toHaveLength(1);
      expect(await runtime.worker.runOnce()).toBe(0);
    });

    it('delivers payment then refund in that order even when the payment\'s first attempt failed', async () => {
      sink.respondWith({ status: 503 });
      await postIpn('on_payment', { orderId: 'E2EORD02', transactionId: '6001' });
      await postIpn('on_refund', { orderId: 'E2EORD02', transactionId: '6002' });

      expect(await runtime.worker.runOnce()).toBe(1);
      expect(sink.requests.map((r) => (r.json as { type: string }).type)).toEqual(['payment']);
      expect(await runtime.worker.runOnce()).toBe(0);

      clock.advance(5_000);
      expect(await runtime.worker.runOnce()).toBe(2);
      expect(sink.requests.map((r) => (r.json as { type: string }).type)).toEqual(['payment', 'payment', 'refund']);
      expect(new Set(sink.requests.slice(0, 2).map((r) => r.headers['webhook-id'])).size).toBe(1);
      const access = await app.inject({ method: 'GET', url: '/api/v1/access?email=anna.beispiel@example.com&productId=543210', headers: auth });
      expect(access.json()).toMatchObject({ hasAccess: false, status: 'revoked' });
    });

    it('retries on schedule while the target is down, goes dead, mails the error address once, and redelivers by hand', async () => {
      sink.respondWith(...Array.from({ length: 8 }, () => ({ status: 500, body: 'database locked' })));
      await postIpn('on_payment', { orderId: 'E2EORD03', transactionId: '7001' });
      const schedule = [5, 300, 1800, 7200, 18000, 36000, 36000];
      expect(await runtime.worker.runOnce()).toBe(1);
      for (const seconds of schedule) {
        const [pending] = await deliveries();
        expect(pending?.status).toBe('pending');
        expect(Date.parse(pending!.nextAttemptAt) - clock.now().getTime()).toBe(seconds * 1000);
        clock.advance(seconds * 1000 - 1);
        expect(await runtime.worker.runOnce()).toBe(0);
        clock.advance(1);
        expect(await runtime.worker.runOnce()).toBe(1);
      }
      const [dead] = await deliveries();
      expect(dead).toMatchObject({ status: 'dead', attemptCount: 8 });
      expect(sink.requests).toHaveLength(8);

      // One "failing" mail at the 4th attempt, one "gave up" mail when it died: never one per attempt.
      await smtp.waitForMessages(2, 5000);
      const mails = smtp.messages.filter((m) => m.subject.includes('Billing system'));
      expect(mails.map((m) => m.subject.includes('gave up') ? 'dead' : m.subject.includes('is failing') ? 'failing' : m.subject)).toEqual(['failing', 'dead']);
      expect(mails[1]!.to).toEqual(['ops@example.com']);
      expect(mails[1]!.text).toContain(dead!.id);
      expect(mails[1]!.text).toContain('500');

      const redo = await app.inject({ method: 'POST', url: `/api/v1/deliveries/${dead!.id}/redeliver`, headers: auth });
      expect(redo.statusCode).toBe(202);
      expect(await runtime.worker.runOnce()).toBe(1);
      const [done] = await deliveries();
      expect(done).toMatchObject({ status: 'delivered', attemptCount: 9 });
      const detail = await app.inject({ method: 'GET', url: `/api/v1/deliveries/${dead!.id}`, headers: auth });
      const attempts = detail.json<{ attempts: Array<{ trigger: string; outcome: string; statusCode: number | null }> }>().attempts;
      expect(attempts).toHaveLength(9);
      expect(attempts.filter((a) => a.trigger === 'manual')).toHaveLength(1);
      expect(attempts.filter((a) => a.outcome === 'retry' && a.statusCode === 500)).toHaveLength(8);
    });

    it('honours Retry-After from a throttling target and keeps the webhook-id on the retry', async () => {
      sink.respondWith({ status: 429, headers: { 'retry-after': '120' } });
      await postIpn('on_payment', { orderId: 'E2EORD06', transactionId: '8001' });
      expect(await runtime.worker.runOnce()).toBe(1);
      const [throttled] = await deliveries();
      expect(Date.parse(throttled!.nextAttemptAt) - clock.now().getTime()).toBe(120_000);
      clock.advance(119_000);
      expect(await runtime.worker.runOnce()).toBe(0);
      clock.advance(1_000);
      expect(await runtime.worker.runOnce()).toBe(1);
      expect((await deliveries())[0]?.status).toBe('delivered');
      expect(sink.uniqueIds()).toHaveLength(1);
      expect(sink.requests.map((r) => r.headers['webhook-timestamp'])).toEqual([String(Date.parse('2026-03-01T10:00:00.000Z') / 1000), String(Date.parse('2026-03-01T10:02:00.000Z') / 1000)]);
    });

    it('does not deliver events the connection filters out', async () => {
      await postIpn('on_payment', { orderId: 'E2EORD04', productId: '999999' });
      await postIpn('on_chargeback', { orderId: 'E2EORD05' });
      expect(await runtime.worker.runOnce()).toBe(0);
      expect(sink.requests).toHaveLength(0);
    });
  });
}
