/**
 * PayPal REST webhooks end to end, on both dialects: signed deliveries are POSTed over a socket,
 * verified locally with the certificate the fake PayPal serves (or by the fake's
 * verify-webhook-signature API), recorded once per event id, applied to the ledger and
 * delivered to a webhook sink. Tampered bodies are refused and recorded.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { request } from 'undici';
import type { FastifyInstance } from 'fastify';
import { DEV_PRIVATE_KEY_PEM } from '../../src/dev/fake-paypal/dev-certificate.js';
import { serveFakeRoutes } from '../../src/dev/fake-paypal/server.js';
import type { FakeRouteServer } from '../../src/dev/fake-paypal/server.js';
import {
  createWebhookApiFake,
  DEV_CERTIFICATE_PATH,
} from '../../src/dev/fake-paypal/webhook-api.js';
import type { WebhookApiFake } from '../../src/dev/fake-paypal/webhook-api.js';
import {
  samplePayPalWebhookEvent,
  signPayPalWebhook,
} from '../../src/providers/paypal-webhooks/sign-webhook.js';
import type { PayPalWebhookSampleOverrides } from '../../src/providers/paypal-webhooks/sign-webhook.js';
import type { PayPalWebhookEventType } from '../../src/providers/paypal-webhooks/normalize.js';
import { startWebhookSink } from '../fakes/webhook-sink.js';
import type { WebhookSink } from '../fakes/webhook-sink.js';
import { createTestRuntime, TEST_ADMIN_TOKEN } from '../helpers/test-runtime.js';
import type { TestRuntime } from '../helpers/test-runtime.js';
import { enabledDialects } from '../helpers/test-db.js';

const SECRET = `whsec_${Buffer.alloc(32, 9).toString('base64')}`;
const WEBHOOK_ID = '8PT597110X687430LKGECATA';
const CLIENT = { clientId: 'e2e-client', clientSecret: 'e2e-client-secret-value' };
const auth = { authorization: `Bearer ${TEST_ADMIN_TOKEN}` };

for (const dialect of enabledDialects()) {
  describe(`PayPal webhooks → ledger → webhook on ${dialect}`, () => {
    let paypalApi: WebhookApiFake;
    let paypal: FakeRouteServer;
    let sink: WebhookSink;
    let runtime: TestRuntime;
    let app: FastifyInstance;
    let base: string;

    beforeEach(async () => {
      paypalApi = createWebhookApiFake(CLIENT);
      paypal = await serveFakeRoutes([paypalApi.route]);
      sink = await startWebhookSink({ secret: SECRET });
      runtime = await createTestRuntime(dialect);
      app = await runtime.buildApp();
      base = await app.listen({ port: 0, host: '127.0.0.1' });
      const connection = await app.inject({
        method: 'POST',
        url: '/api/v1/connections',
        headers: auth,
        payload: {
          connector: 'webhook',
          name: 'Billing',
          filters: { includeTest: true },
          config: { url: `${sink.url}/billing`, secret: SECRET },
        },
      });
      expect(connection.statusCode, connection.body).toBe(201);
    });

    afterEach(async () => {
      await app.close();
      await runtime.dispose();
      await Promise.all([sink.close(), paypal.close()]);
    });

    async function addSource(config: Record<string, unknown>): Promise<string> {
      const res = await app.inject({
        method: 'POST',
        url: '/api/v1/sources',
        headers: auth,
        payload: {
          provider: 'paypal-webhooks',
          name: 'PayPal REST',
          config: {
            webhookId: WEBHOOK_ID,
            environment: 'sandbox',
            apiBaseUrl: paypal.url,
            ...config,
          },
        },
      });
      expect(res.statusCode, res.body).toBe(201);
      return res.json<{ id: string }>().id;
    }

    function delivery(
      type: PayPalWebhookEventType,
      overrides: PayPalWebhookSampleOverrides = {},
    ): { body: Buffer; headers: Record<string, string> } {
      const body = Buffer.from(
        JSON.stringify(samplePayPalWebhookEvent(type, { sandbox: true, ...overrides })),
        'utf8',
      );
      const headers = signPayPalWebhook({
        body,
        webhookId: WEBHOOK_ID,
        certUrl: `${paypal.url}${DEV_CERTIFICATE_PATH}`,
        privateKeyPem: DEV_PRIVATE_KEY_PEM,
      });
      return { body, headers };
    }

    async function post(
      sourceId: string,
      message: { body: Buffer; headers: Record<string, string> },
    ) {
      const res = await request(`${base}/ipn/${sourceId}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...message.headers },
        body: message.body,
      });
      return { status: res.statusCode, text: await res.body.text() };
    }

    async function inbound(sourceId: string) {
      const res = await app.inject({
        method: 'GET',
        url: `/api/v1/inbound-requests?sourceId=${sourceId}`,
        headers: auth,
      });
      return res
        .json<{
          data: Array<{ verdict: string; verdictCode: string | null; verification: string | null }>;
        }>()
        .data.reverse();
    }

    async function events(sourceId: string) {
      const res = await app.inject({
        method: 'GET',
        url: `/api/v1/events?sourceId=${sourceId}`,
        headers: auth,
      });
      return res.json<{ data: Array<{ type: string; orderId: string | null }> }>().data.reverse();
    }

    it('verifies locally with the served certificate, records each event once and delivers it', async () => {
      const sourceId = await addSource({});
      const capture = delivery('PAYMENT.CAPTURE.COMPLETED', {
        eventId: 'WH-E2E-CAPTURE-1',
        transactionId: 'CAPTUREE2E00001',
        amount: '49.00',
        currency: 'EUR',
        email: 'Kim@Example.com',
      });
      expect((await post(sourceId, capture)).status).toBe(200);
      expect((await post(sourceId, capture)).status).toBe(200);
      expect((await inbound(sourceId)).map((r) => r.verdict)).toEqual(['accepted', 'duplicate']);
      expect((await inbound(sourceId))[0]?.verification).toMatch(/^SHA256withRSA/);

      expect(await runtime.worker.runOnce()).toBe(1);
      expect(sink.requests).toHaveLength(1);
      expect(sink.requests[0]?.json).toMatchObject({
        type: 'payment',
        data: {
          source: { provider: 'paypal-webhooks', test: true },
          order: { id: 'CAPTUREE2E00001', amount: 4900, currency: 'EUR' },
          raw: { id: 'WH-E2E-CAPTURE-1', event_type: 'PAYMENT.CAPTURE.COMPLETED' },
        },
      });

      const refund = delivery('PAYMENT.CAPTURE.REFUNDED', {
        eventId: 'WH-E2E-REFUND-1',
        transactionId: 'CAPTUREE2E00001',
        refundId: 'REFUNDE2E000001',
        amount: '49.00',
        currency: 'EUR',
      });
      expect((await post(sourceId, refund)).status).toBe(200);
      expect((await events(sourceId)).map((e) => [e.type, e.orderId])).toEqual([
        ['payment', 'CAPTUREE2E00001'],
        ['refund', 'CAPTUREE2E00001'],
      ]);
    });

    it('refuses a tampered body and a foreign certificate URL, records them and delivers nothing', async () => {
      const sourceId = await addSource({});
      const genuine = delivery('PAYMENT.CAPTURE.COMPLETED', {
        eventId: 'WH-E2E-TAMPER-1',
        amount: '10.00',
      });
      const tampered = {
        body: Buffer.from(genuine.body.toString('utf8').replace('"10.00"', '"0.01"')),
        headers: genuine.headers,
      };
      const tamperedAnswer = await post(sourceId, tampered);
      expect(tamperedAnswer.status).toBe(403);
      expect(tamperedAnswer.text).toContain('SIGNATURE_INVALID');
      const foreign = {
        body: genuine.body,
        headers: { ...genuine.headers, 'paypal-cert-url': 'https://evil.example/cert.pem' },
      };
      expect((await post(sourceId, foreign)).status).toBe(403);
      expect((await inbound(sourceId)).map((r) => r.verdictCode)).toEqual([
        'SIGNATURE_INVALID',
        'CERTIFICATE_URL_NOT_ALLOWED',
      ]);
      expect(await runtime.worker.runOnce()).toBe(0);
      expect(sink.requests).toHaveLength(0);
    });

    it("verifies through PayPal's API in api mode, and never shows the client secret", async () => {
      const sourceId = await addSource({ verification: 'api', ...CLIENT });
      const shown = await app.inject({
        method: 'GET',
        url: `/api/v1/sources/${sourceId}`,
        headers: auth,
      });
      expect(shown.body).not.toContain(CLIENT.clientSecret);
      expect(
        (await post(sourceId, delivery('CHECKOUT.ORDER.APPROVED', { eventId: 'WH-E2E-API-1' })))
          .status,
      ).toBe(200);
      expect(await inbound(sourceId)).toMatchObject([{ verdict: 'accepted' }]);
      expect(paypalApi.counts()).toEqual({ tokensIssued: 1, verifications: 1 });
    });

    it("keeps a PayPal subscription's access in the ledger: activation, renewal, refund", async () => {
      const sourceId = await addSource({});
      const subscription = {
        subscriptionId: 'I-E2ESUBSCR0001',
        planId: 'P-E2EPLAN0001',
        email: 'kim@example.com',
      };
      await post(
        sourceId,
        delivery('BILLING.SUBSCRIPTION.ACTIVATED', { ...subscription, eventId: 'WH-E2E-SUB-1' }),
      );
      await post(
        sourceId,
        delivery('PAYMENT.SALE.COMPLETED', {
          ...subscription,
          eventId: 'WH-E2E-SUB-2',
          transactionId: 'SALEE2E00000001',
          subscriptionSale: true,
        }),
      );
      const access = async () =>
        (
          await app.inject({
            method: 'GET',
            url: '/api/v1/access?email=kim@example.com&productId=P-E2EPLAN0001',
            headers: auth,
          })
        ).json<{ hasAccess: boolean; status: string | null }>();
      expect(await access()).toMatchObject({ hasAccess: true, status: 'active' });

      await post(
        sourceId,
        delivery('PAYMENT.SALE.REFUNDED', {
          ...subscription,
          eventId: 'WH-E2E-SUB-3',
          transactionId: 'SALEE2E00000001',
          refundId: 'SALEREFUNDE2E01',
        }),
      );
      expect((await events(sourceId)).map((e) => [e.type, e.orderId])).toEqual([
        ['subscription_started', 'I-E2ESUBSCR0001'],
        ['payment', 'I-E2ESUBSCR0001'],
        ['refund', 'I-E2ESUBSCR0001'],
      ]);
      expect(await access()).toMatchObject({ hasAccess: false, status: 'revoked' });

      // The renewal and the refund name neither buyer nor product: they are completed from the
      // ledger, so product filters and CRM connectors see them like a Digistore24 event.
      const planOnly = await app.inject({
        method: 'POST',
        url: '/api/v1/connections',
        headers: auth,
        payload: {
          connector: 'webhook',
          name: 'Plan only',
          filters: { includeTest: true, productIds: ['P-E2EPLAN0001'] },
          config: { url: `${sink.url}/plan`, secret: SECRET },
        },
      });
      expect(planOnly.statusCode).toBe(201);
      await post(
        sourceId,
        delivery('PAYMENT.SALE.COMPLETED', {
          ...subscription,
          eventId: 'WH-E2E-SUB-4',
          transactionId: 'SALEE2E00000002',
          subscriptionSale: true,
        }),
      );
      await runtime.worker.runOnce();
      const toPlan = sink.requests
        .filter((r) => r.path === '/plan')
        .map(
          (r) =>
            r.json as {
              type: string;
              data: { buyer: { email: string }; order: { items: Array<{ productId: string }> } };
            },
        );
      expect(
        toPlan.map((r) => [r.type, r.data.buyer.email, r.data.order.items.map((i) => i.productId)]),
      ).toEqual([['payment', 'kim@example.com', ['P-E2EPLAN0001']]]);
      const refund = sink.requests.find(
        (r) => r.path === '/billing' && (r.json as { type: string }).type === 'refund',
      );
      expect(refund?.json).toMatchObject({
        data: {
          buyer: { email: 'kim@example.com' },
          order: { id: 'I-E2ESUBSCR0001', items: [{ productId: 'P-E2EPLAN0001', amount: null }] },
        },
      });
    });

    it("keeps a subscription's access after a partial refund of a renewal, and revokes once its refunds add up to it", async () => {
      const sourceId = await addSource({});
      const subscription = {
        subscriptionId: 'I-E2EPARTIAL001',
        planId: 'P-E2EPLAN0002',
        email: 'kim@example.com',
      };
      const sale = {
        ...subscription,
        transactionId: 'SALEE2EPART0001',
        subscriptionSale: true,
        amount: '49.00',
        currency: 'EUR',
      };
      await post(
        sourceId,
        delivery('BILLING.SUBSCRIPTION.ACTIVATED', { ...subscription, eventId: 'WH-E2E-PART-1' }),
      );
      await post(
        sourceId,
        delivery('PAYMENT.SALE.COMPLETED', { ...sale, eventId: 'WH-E2E-PART-2' }),
      );
      const access = async () =>
        (
          await app.inject({
            method: 'GET',
            url: '/api/v1/access?email=kim@example.com&productId=P-E2EPLAN0002',
            headers: auth,
          })
        ).json<{ hasAccess: boolean; grants: Array<{ orderStatus: string }> }>();

      await post(
        sourceId,
        delivery('PAYMENT.SALE.REFUNDED', {
          ...sale,
          eventId: 'WH-E2E-PART-3',
          refundId: 'SALEREFUNDPART1',
          amount: '20.00',
        }),
      );
      expect(await access()).toMatchObject({
        hasAccess: true,
        grants: [{ orderStatus: 'partially_refunded' }],
      });

      await post(
        sourceId,
        delivery('PAYMENT.SALE.REFUNDED', {
          ...sale,
          eventId: 'WH-E2E-PART-4',
          refundId: 'SALEREFUNDPART2',
          amount: '29.00',
        }),
      );
      expect(await access()).toMatchObject({
        hasAccess: false,
        grants: [{ orderStatus: 'refunded' }],
      });
      const order = (
        await app.inject({
          method: 'GET',
          url: `/api/v1/orders?sourceId=${sourceId}&status=refunded`,
          headers: auth,
        })
      ).json<{ data: Array<{ id: string }> }>().data[0];
      const detail = (
        await app.inject({ method: 'GET', url: `/api/v1/orders/${order?.id}`, headers: auth })
      ).json();
      expect(detail).toMatchObject({
        paidAmount: 4900,
        refundedAmount: 4900,
        transactions: [
          {
            kind: 'payment',
            externalId: 'SALEE2EPART0001',
            refundedAmount: 4900,
            fullyRefunded: true,
          },
          {
            kind: 'refund',
            externalId: 'SALEREFUNDPART1',
            parentExternalId: 'SALEE2EPART0001',
            amount: 2000,
          },
          {
            kind: 'refund',
            externalId: 'SALEREFUNDPART2',
            parentExternalId: 'SALEE2EPART0001',
            amount: 2900,
          },
        ],
      });
    });
  });
}
