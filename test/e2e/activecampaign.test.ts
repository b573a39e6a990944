/**
 * End to end through real HTTP, on both dialects: a signed Digistore24 IPN comes in over a
 * socket, lands in the ledger, and the worker upserts the buyer in a local ActiveCampaign fake
 * with tags, a list and a Deep Data order; a refund takes the tag and the list off again. A
 * rejected API key fails the delivery at once and mails the connection's error address.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { request } from 'undici';
import type { FastifyInstance } from 'fastify';
import { ManualClock } from '../../src/lib/clock.js';
import { encodeDigistore24Body, sampleDigistore24Fields } from '../../src/providers/digistore24/sign-request.js';
import { startActiveCampaignFake } from '../fakes/activecampaign-fake.js';
import type { ActiveCampaignFake } from '../fakes/activecampaign-fake.js';
import { startSmtpSink } from '../fakes/smtp-sink.js';
import { createTestRuntime, TEST_ADMIN_TOKEN } from '../helpers/test-runtime.js';
import type { TestRuntime } from '../helpers/test-runtime.js';
import { enabledDialects } from '../helpers/test-db.js';

const PASSPHRASE = 'e2e-passphrase-2026';
const auth = { authorization: `Bearer ${TEST_ADMIN_TOKEN}` };
const EMAIL = 'anna.beispiel@example.com';
const PRODUCT = 'Online Course Basic';

type Smtp = Awaited<ReturnType<typeof startSmtpSink>>;

for (const dialect of enabledDialects()) {
  describe(`Digistore24 → ledger → ActiveCampaign on ${dialect}`, () => {
    let smtp: Smtp;
    let fake: ActiveCampaignFake;
    let runtime: TestRuntime;
    let app: FastifyInstance;
    let ipnUrl: string;

    beforeAll(async () => {
      smtp = await startSmtpSink();
    });
    afterAll(async () => smtp.close());

    beforeEach(async () => {
      const clock = new ManualClock('2026-03-01T10:00:00.000Z');
      fake = await startActiveCampaignFake({ lists: ['Buyers'], fields: [{ title: 'Order ID', perstag: 'ORDER_ID' }] });
      runtime = await createTestRuntime(dialect, { clock, config: { smtpUrl: smtp.url } });
      app = await runtime.buildApp();
      const base = await app.listen({ port: 0, host: '127.0.0.1' });
      const source = await app.inject({ method: 'POST', url: '/api/v1/sources', headers: auth, payload: { provider: 'digistore24', name: 'DS24 main', config: { passphrase: PASSPHRASE } } });
      expect(source.statusCode).toBe(201);
      ipnUrl = `${base}/ipn/${source.json<{ id: string }>().id}`;
    });

    afterEach(async () => {
      await app.close();
      await runtime.dispose();
      await fake.close();
      smtp.messages.length = 0;
    });

    async function connect(apiToken: string): Promise<string> {
      const connection = await app.inject({
        method: 'POST',
        url: '/api/v1/connections',
        headers: auth,
        payload: {
          connector: 'activecampaign',
          name: 'AC buyers',
          filters: { eventTypes: ['payment', 'refund'] },
          config: {
            accountUrl: fake.url,
            apiToken,
            customFields: { '%ORDER_ID%': 'order.id' },
            actions: {
              payment: { addTags: ['{product.name}', 'paypal-integration-{event}'], subscribeLists: ['1'] },
              refund: { addTags: ['refunded'], removeTags: ['{product.name}'], unsubscribeLists: ['1'] },
            },
            deepData: { enabled: true, storeId: 'ds24-main', storeName: 'DS24 main' },
          },
          errorEmails: ['ops@example.com'],
        },
      });
      expect(connection.statusCode).toBe(201);
      return connection.json<{ id: string }>().id;
    }

    async function postIpn(event: string, overrides: Parameters<typeof sampleDigistore24Fields>[1] = {}) {
      const body = encodeDigistore24Body(sampleDigistore24Fields(event, { productId: '543210', ...overrides }), PASSPHRASE);
      const res = await request(ipnUrl, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
      expect(await res.body.text()).toBe('OK');
    }

    async function deliveries(connectionId: string) {
      const res = await app.inject({ method: 'GET', url: `/api/v1/deliveries?connectionId=${connectionId}`, headers: auth });
      return res.json<{ data: Array<{ id: string; status: string; attemptCount: number; lastError: string | null }> }>().data;
    }

    it('upserts the buyer with tags, list, custom field and order on payment, and untags on refund', async () => {
      const connectionId = await connect(fake.apiToken);
      await postIpn('on_payment', { orderId: 'E2EAC001', transactionId: '5001', email: 'Anna.Beispiel@Example.com' });
      expect(await runtime.worker.runOnce()).toBe(1);

      expect(fake.state.contacts).toMatchObject([{ email: EMAIL, firstName: 'Anna', lastName: 'Beispiel' }]);
      expect(fake.tagsOf(EMAIL)).toEqual([PRODUCT, 'paypal-integration-payment']);
      expect(fake.listStatus(EMAIL, '1')).toBe('1');
      expect(fake.fieldValue(EMAIL, 'ORDER_ID')).toBe('E2EAC001');
      expect(fake.state.ecomOrders).toMatchObject([{ externalid: '5001', orderNumber: 'E2EAC001', totalPrice: 9700, currency: 'EUR', email: EMAIL }]);
      expect(fake.requests.every((r) => r.headers['api-token'] === fake.apiToken)).toBe(true);

      await postIpn('on_refund', { orderId: 'E2EAC001', transactionId: '5002' });
      expect(await runtime.worker.runOnce()).toBe(1);
      expect(fake.state.contacts).toHaveLength(1);
      expect(fake.tagsOf(EMAIL)).toEqual(['paypal-integration-payment', 'refunded']);
      expect(fake.listStatus(EMAIL, '1')).toBe('2');
      expect(fake.state.ecomOrders).toHaveLength(1);

      expect((await deliveries(connectionId)).map((d) => d.status)).toEqual(['delivered', 'delivered']);
      const detail = await app.inject({ method: 'GET', url: `/api/v1/deliveries/${(await deliveries(connectionId))[0]!.id}`, headers: auth });
      expect(JSON.stringify(detail.json())).toContain('contact 1 upserted');
    });

    it('fails a delivery with a rejected API key at once and mails the error address', async () => {
      const connectionId = await connect('wrong-key');
      await postIpn('on_payment', { orderId: 'E2EAC002', transactionId: '6001' });
      expect(await runtime.worker.runOnce()).toBe(1);
      const [failed] = await deliveries(connectionId);
      expect(failed).toMatchObject({ status: 'failed', attemptCount: 1 });
      expect(fake.requests).toHaveLength(1);
      expect(fake.state.contacts).toEqual([]);

      await smtp.waitForMessages(1, 5000);
      const mail = smtp.messages.find((m) => m.subject.includes('AC buyers'));
      expect(mail?.to).toEqual(['ops@example.com']);
      expect(mail?.text).toContain('TARGET_AUTH_FAILED: ActiveCampaign rejected the credentials (HTTP 403)');
    });

    it('tests a connection through the API with an authenticated read that writes nothing', async () => {
      const good = await connect(fake.apiToken);
      const bad = await connect('wrong-key');
      const passed = await app.inject({ method: 'POST', url: `/api/v1/connections/${good}/test`, headers: auth });
      expect(passed.json()).toMatchObject({ ok: true, message: expect.any(String) });
      const refused = await app.inject({ method: 'POST', url: `/api/v1/connections/${bad}/test`, headers: auth });
      expect(refused.json()).toMatchObject({ ok: false, message: expect.stringContaining('TARGET_AUTH_FAILED') });
      expect(fake.requests.map((r) => r.method)).toEqual(['GET', 'GET']);
      expect(fake.state.contacts).toEqual([]);
    });
  });
}
