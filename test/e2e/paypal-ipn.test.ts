/**
 * PayPal classic IPN end to end, on both dialects: a real-shaped IPN is POSTed over a socket,
 * acknowledged with an empty 200 once stored, verified afterwards by the worker against a
 * local fake of PayPal's postback endpoint (VERIFIED only for byte-identical postbacks), then
 * recorded, applied to the ledger, delivered to a webhook and forwarded byte for byte to the
 * seller's old IPN listener. Also: INVALID, a failing PayPal, receiver checks, Pending →
 * Completed, resends, and a subscription refunded by `parent_txn_id`.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { request } from 'undici';
import type { FastifyInstance } from 'fastify';
import { createIpnVerificationFake } from '../../src/dev/fake-paypal/ipn-verification.js';
import type { IpnVerificationFake } from '../../src/dev/fake-paypal/ipn-verification.js';
import { serveFakeRoutes } from '../../src/dev/fake-paypal/server.js';
import type { FakeRouteServer } from '../../src/dev/fake-paypal/server.js';
import { ManualClock } from '../../src/lib/clock.js';
import {
  encodePayPalIpnBody,
  samplePayPalIpnFields,
} from '../../src/providers/paypal-ipn/sample-messages.js';
import type { PayPalIpnSampleOverrides } from '../../src/providers/paypal-ipn/sample-messages.js';
import { startWebhookSink } from '../fakes/webhook-sink.js';
import type { WebhookSink } from '../fakes/webhook-sink.js';
import { createTestRuntime, TEST_ADMIN_TOKEN } from '../helpers/test-runtime.js';
import type { TestRuntime } from '../helpers/test-runtime.js';
import { enabledDialects } from '../helpers/test-db.js';

const SECRET = `whsec_${Buffer.alloc(32, 5).toString('base64')}`;
const auth = { authorization: `Bearer ${TEST_ADMIN_TOKEN}` };

interface InboundItem {
  id: string;
  verdict: string;
  verdictCode: string | null;
  verification: string | null;
  eventIds: string[];
}

for (const dialect of enabledDialects()) {
  describe(`PayPal IPN → verification → ledger → webhook and forward on ${dialect}`, () => {
    let clock: ManualClock;
    let paypal: IpnVerificationFake;
    let paypalServer: FakeRouteServer;
    let sink: WebhookSink;
    let listener: WebhookSink;
    let runtime: TestRuntime;
    let app: FastifyInstance;
    let ipnUrl: string;

    beforeEach(async () => {
      clock = new ManualClock('2026-03-01T10:00:00.000Z');
      paypal = createIpnVerificationFake({ acceptDevSignatures: false });
      paypalServer = await serveFakeRoutes([paypal.route]);
      sink = await startWebhookSink({ secret: SECRET, clock });
      listener = await startWebhookSink();
      runtime = await createTestRuntime(dialect, { clock });
      app = await runtime.buildApp();
      const base = await app.listen({ port: 0, host: '127.0.0.1' });

      const source = await app.inject({
        method: 'POST',
        url: '/api/v1/sources',
        headers: auth,
        payload: {
          provider: 'paypal-ipn',
          name: 'PayPal sandbox',
          config: {
            environment: 'sandbox',
            receiverEmail: 'Seller@Example.com',
            verificationUrl: `${paypalServer.url}/cgi-bin/webscr`,
          },
        },
      });
      expect(source.statusCode, source.body).toBe(201);
      ipnUrl = `${base}/ipn/${source.json<{ id: string }>().id}`;

      for (const payload of [
        {
          connector: 'webhook',
          name: 'Billing',
          filters: { eventTypes: ['payment', 'payment_pending', 'refund'], includeTest: true },
          config: { url: `${sink.url}/billing`, secret: SECRET },
        },
        {
          connector: 'paypal-ipn-forward',
          name: 'Old shop listener',
          filters: { includeTest: true },
          config: { url: `${listener.url}/shop/ipn.php` },
        },
      ]) {
        const created = await app.inject({
          method: 'POST',
          url: '/api/v1/connections',
          headers: auth,
          payload,
        });
        expect(created.statusCode, created.body).toBe(201);
      }
    });

    afterEach(async () => {
      await app.close();
      await runtime.dispose();
      await Promise.all([sink.close(), listener.close(), paypalServer.close()]);
    });

    /** A sandbox IPN PayPal "sent" (registered with the fake), as windows-1252 with `+` spaces. */
    function ipn(kind: string, overrides: PayPalIpnSampleOverrides = {}, register = true): Buffer {
      const body = encodePayPalIpnBody(
        samplePayPalIpnFields(kind, { test: true, ...overrides }),
        'windows-1252',
      );
      if (register) paypal.register(body);
      return body;
    }

    async function post(body: Buffer) {
      const res = await request(ipnUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body,
      });
      return { status: res.statusCode, text: await res.body.text() };
    }

    async function inbound(): Promise<InboundItem[]> {
      const res = await app.inject({
        method: 'GET',
        url: '/api/v1/inbound-requests',
        headers: auth,
      });
      return res.json<{ data: InboundItem[] }>().data.reverse();
    }

    async function events(): Promise<Array<{ type: string; orderId: string | null }>> {
      const res = await app.inject({ method: 'GET', url: '/api/v1/events', headers: auth });
      return res.json<{ data: Array<{ type: string; orderId: string | null }> }>().data.reverse();
    }

    async function accessOf(productId: string) {
      const res = await app.inject({
        method: 'GET',
        url: `/api/v1/access?email=joerg.mueller@example.com&productId=${productId}`,
        headers: auth,
      });
      return res.json<{ hasAccess: boolean; status: string | null }>();
    }

    it('acknowledges once stored, verifies by postback, then records, delivers and forwards byte for byte', async () => {
      const body = ipn('web_accept', { txnId: '9AB12345CD6789012' });
      expect(await post(body)).toEqual({ status: 200, text: '' });
      expect(await inbound()).toMatchObject([{ verdict: 'pending', eventIds: [] }]);
      expect(paypal.postbacks).toHaveLength(0);

      expect(await runtime.worker.runOnce()).toBe(2);
      expect(paypal.postbacks).toHaveLength(1);
      expect(
        paypal.postbacks[0]?.body.equals(
          Buffer.concat([Buffer.from('cmd=_notify-validate&'), body]),
        ),
      ).toBe(true);
      expect(paypal.postbacks[0]?.userAgent).toMatch(/ipnhub/);

      const [record] = await inbound();
      expect(record).toMatchObject({ verdict: 'accepted', verification: 'postback VERIFIED' });
      expect(record?.eventIds).toHaveLength(1);

      expect(sink.requests).toHaveLength(1);
      expect(sink.requests[0]?.verified).toBe(true);
      expect(sink.requests[0]?.json).toMatchObject({
        type: 'payment',
        data: {
          source: { provider: 'paypal-ipn', test: true },
          order: {
            id: '9AB12345CD6789012',
            transactionId: '9AB12345CD6789012',
            amount: 1999,
            currency: 'EUR',
            items: [{ productId: 'course-basic' }],
          },
          buyer: { email: 'joerg.mueller@example.com', firstName: 'Jörg', lastName: 'Müller' },
          raw: { custom: 'website_id=13&user_id=21', address_city: 'Köln' },
        },
      });
      expect(listener.requests).toHaveLength(1);
      expect(listener.requests[0]?.rawBody.equals(body)).toBe(true);
      expect(listener.requests[0]?.headers['content-type']).toBe(
        'application/x-www-form-urlencoded',
      );
      expect(await accessOf('course-basic')).toMatchObject({ hasAccess: true, status: 'active' });
    });

    it('rejects a message PayPal calls INVALID: recorded, nothing delivered or forwarded', async () => {
      const genuine = ipn('web_accept', { txnId: '1FORGED00000000A' });
      // One changed byte (the amount), as a forger would send it: PayPal does not vouch for it.
      const forged = Buffer.from(
        genuine.toString('latin1').replace('mc_gross=19.99', 'mc_gross=0.01'),
        'latin1',
      );
      expect(await post(forged)).toEqual({ status: 200, text: '' });
      await runtime.worker.runOnce();
      expect(await inbound()).toMatchObject([
        { verdict: 'rejected', verdictCode: 'POSTBACK_INVALID', eventIds: [] },
      ]);
      expect(await events()).toEqual([]);
      expect(sink.requests).toHaveLength(0);
      expect(listener.requests).toHaveLength(0);
    });

    it('keeps a message while PayPal fails to answer, and verifies it on a later try', async () => {
      paypal.setMode('fail500');
      const body = ipn('web_accept', { txnId: '2RETRY0000000000' });
      await post(body);
      await runtime.worker.runOnce();
      expect(await inbound()).toMatchObject([{ verdict: 'pending' }]);
      const detail = await app.inject({
        method: 'GET',
        url: `/api/v1/inbound-requests/${(await inbound())[0]?.id}`,
        headers: auth,
      });
      expect(detail.json()).toMatchObject({
        pendingVerification: {
          attempts: 1,
          nextAttemptAt: '2026-03-01T10:00:05.000Z',
          lastError: expect.stringContaining('500'),
        },
      });

      paypal.setMode('normal');
      clock.advance(5_000);
      await runtime.worker.runOnce();
      expect(await inbound()).toMatchObject([{ verdict: 'accepted' }]);
      expect(paypal.postbacks).toHaveLength(2);
      expect(sink.requests).toHaveLength(1);
    });

    it('rejects a verified payment to another account and a sandbox message on a live source', async () => {
      await post(
        ipn('web_accept', {
          txnId: '3OTHER0000000000',
          receiverEmail: 'someone-else@example.com',
          receiverId: 'ZZZZZZZZZZZZZ',
        }),
      );
      await runtime.worker.runOnce();
      expect(await inbound()).toMatchObject([
        {
          verdict: 'rejected',
          verdictCode: 'RECEIVER_MISMATCH',
          verification: 'postback VERIFIED',
        },
      ]);

      const live = await app.inject({
        method: 'POST',
        url: '/api/v1/sources',
        headers: auth,
        payload: {
          provider: 'paypal-ipn',
          name: 'PayPal live',
          config: {
            environment: 'live',
            receiverEmail: 'seller@example.com',
            verificationUrl: `${paypalServer.url}/cgi-bin/webscr`,
          },
        },
      });
      const liveUrl = ipnUrl.replace(/src_[^/]+$/, live.json<{ id: string }>().id);
      await request(liveUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: ipn('web_accept', { txnId: '4SANDBOX00000000' }),
      });
      await runtime.worker.runOnce();
      expect((await inbound()).map((r) => r.verdictCode)).toEqual([
        'RECEIVER_MISMATCH',
        'TEST_MESSAGE_ON_LIVE_SOURCE',
      ]);
      expect(sink.requests).toHaveLength(0);
    });

    it('treats Pending then Completed of one transaction as two facts, and a resend as a duplicate', async () => {
      await post(ipn('pending', { txnId: '5PENDING00000000' }));
      await runtime.worker.runOnce();
      const completed = ipn('web_accept', { txnId: '5PENDING00000000' });
      await post(completed);
      await post(completed);
      await runtime.worker.runOnce();
      expect((await inbound()).map((r) => r.verdict)).toEqual([
        'accepted',
        'accepted',
        'duplicate',
      ]);
      expect((await events()).map((e) => e.type)).toEqual(['payment_pending', 'payment']);
      expect(sink.requests.map((r) => (r.json as { type: string }).type)).toEqual([
        'payment_pending',
        'payment',
      ]);
      expect(listener.requests).toHaveLength(2);
    });

    it('refunds a subscription payment by its parent transaction: same order, access revoked, in order', async () => {
      const subscriber = { profileId: 'I-SUBSCR0000001', itemNumber: 'membership-monthly' };
      await post(ipn('subscr_signup', subscriber));
      await post(ipn('subscr_payment', { ...subscriber, txnId: '6SUBPAY000000000' }));
      await runtime.worker.runOnce();
      expect(await accessOf('membership-monthly')).toMatchObject({
        hasAccess: true,
        status: 'active',
      });

      // The refund names the payment (parent_txn_id), not the subscription.
      await post(
        ipn('refund', {
          txnId: '6REFUND000000000',
          parentTxnId: '6SUBPAY000000000',
          itemNumber: 'membership-monthly',
          amount: '9.90',
        }),
      );
      await runtime.worker.runOnce();
      expect((await events()).map((e) => [e.type, e.orderId])).toEqual([
        ['subscription_started', 'I-SUBSCR0000001'],
        ['payment', 'I-SUBSCR0000001'],
        ['refund', 'I-SUBSCR0000001'],
      ]);
      expect(await accessOf('membership-monthly')).toMatchObject({
        hasAccess: false,
        status: 'revoked',
      });
      const refund = sink.requests.find((r) => (r.json as { type: string }).type === 'refund');
      expect(refund?.json).toMatchObject({
        data: {
          order: { id: 'I-SUBSCR0000001', parentTransactionId: '6SUBPAY000000000', amount: 990 },
        },
      });
    });
  });
}
