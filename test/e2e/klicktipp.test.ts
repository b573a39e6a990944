/**
 * End to end through real HTTP, on both dialects: a signed Digistore24 IPN comes in over a
 * socket, lands in the ledger, and the worker subscribes and tags the buyer in a local
 * Klick-Tipp fake; a refund IPN takes the product tag off again. Wrong credentials fail the
 * delivery at once and mail the connection's error address with the cause.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { request } from 'undici';
import type { FastifyInstance } from 'fastify';
import { ManualClock } from '../../src/lib/clock.js';
import { encodeDigistore24Body, sampleDigistore24Fields } from '../../src/providers/digistore24/sign-request.js';
import { startKlickTippFake } from '../fakes/klicktipp-fake.js';
import type { KlickTippFake } from '../fakes/klicktipp-fake.js';
import { startSmtpSink } from '../fakes/smtp-sink.js';
import { createTestRuntime, TEST_ADMIN_TOKEN } from '../helpers/test-runtime.js';
import type { TestRuntime } from '../helpers/test-runtime.js';
import { enabledDialects } from '../helpers/test-db.js';

const PASSPHRASE = 'e2e-passphrase-2026';
const USER = 'e2e-shop';
const PASSWORD = 'kt-e2e-password';
const PRODUCT = 'Online Course Basic';
const auth = { authorization: `Bearer ${TEST_ADMIN_TOKEN}` };

type Smtp = Awaited<ReturnType<typeof startSmtpSink>>;

for (const dialect of enabledDialects()) {
  describe(`Digistore24 → ledger → Klick-Tipp on ${dialect}`, () => {
    let smtp: Smtp;
    let fake: KlickTippFake;
    let runtime: TestRuntime;
    let app: FastifyInstance;
    let clock: ManualClock;
    let ipnUrl: string;

    beforeAll(async () => {
      smtp = await startSmtpSink();
    });
    afterAll(async () => smtp.close());

    beforeEach(async () => {
      clock = new ManualClock('2026-03-01T10:00:00.000Z');
      fake = await startKlickTippFake({ username: USER, password: PASSWORD, customFields: { field227685: { label: 'DS24 order id' } } });
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

    async function createConnection(password: string): Promise<string> {
      const connection = await app.inject({
        method: 'POST',
        url: '/api/v1/connections',
        headers: auth,
        payload: {
          connector: 'klicktipp',
          name: 'Klick-Tipp buyers',
          filters: { eventTypes: ['payment', 'refund'], productIds: ['543210'] },
          config: {
            baseUrl: fake.url,
            auth: { username: USER, password },
            listId: 200,
            mapping: { fieldFirstName: 'buyer.firstName', fieldLastName: 'buyer.lastName', fieldStreet1: 'buyer.address.street', fieldZip: 'buyer.address.zipcode', fieldCity: 'buyer.address.city', fieldCountry: 'buyer.address.country', field227685: 'order.id' },
          },
          errorEmails: ['ops@example.com'],
        },
      });
      expect(connection.statusCode).toBe(201);
      expect(connection.body).not.toContain(password);
      return connection.json<{ id: string }>().id;
    }

    async function postIpn(event: string, overrides: Parameters<typeof sampleDigistore24Fields>[1] = {}) {
      const body = encodeDigistore24Body(sampleDigistore24Fields(event, { productId: '543210', ...overrides }), PASSPHRASE);
      const res = await request(ipnUrl, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
      expect(await res.body.text()).toBe('OK');
    }

    async function deliveries(connectionId: string) {
      const res = await app.inject({ method: 'GET', url: `/api/v1/deliveries?connectionId=${connectionId}`, headers: auth });
      return res.json<{ data: Array<{ id: string; status: string; attemptCount: number }> }>().data;
    }

    it('subscribes and tags the buyer with the address on payment, and untags on refund', async () => {
      const connectionId = await createConnection(PASSWORD);
      await postIpn('on_payment', { orderId: 'KTORD001', transactionId: '5001', email: 'Buyer@Example.com' });
      expect(await runtime.worker.runOnce()).toBe(1);

      expect(fake.state.subscribers.size).toBe(1);
      expect(fake.subscriber('buyer@example.com')).toMatchObject({
        status: 'Subscribed',
        listId: 200,
        fields: { fieldFirstName: 'Anna', fieldLastName: 'Beispiel', fieldStreet1: 'Musterstraße 5', fieldZip: '10115', fieldCity: 'Berlin', fieldCountry: 'DE', field227685: 'KTORD001' },
      });
      expect(fake.tagNames('buyer@example.com')).toEqual([PRODUCT]);
      expect((await deliveries(connectionId)).map((d) => d.status)).toEqual(['delivered']);

      await postIpn('on_refund', { orderId: 'KTORD001', transactionId: '5002', email: 'buyer@example.com' });
      expect(await runtime.worker.runOnce()).toBe(1);
      expect(fake.tagNames('buyer@example.com')).toEqual([`refund: ${PRODUCT}`]);
      expect(fake.state.subscribers.size).toBe(1);
      expect((await deliveries(connectionId)).map((d) => d.status).sort()).toEqual(['delivered', 'delivered']);
      expect(fake.logins).toBe(1);
    });

    it('fails at once on wrong credentials and mails the error address with the cause', async () => {
      const connectionId = await createConnection('wrong-password');
      await postIpn('on_payment', { orderId: 'KTORD002', transactionId: '6001' });
      expect(await runtime.worker.runOnce()).toBe(1);
      const [failed] = await deliveries(connectionId);
      expect(failed).toMatchObject({ status: 'failed', attemptCount: 1 });
      expect(fake.logins).toBe(1);
      expect(fake.state.subscribers.size).toBe(0);

      await smtp.waitForMessages(1, 5000);
      const mail = smtp.messages.find((m) => m.subject.includes('Klick-Tipp buyers'));
      expect(mail?.to).toEqual(['ops@example.com']);
      expect(mail?.text).toContain('TARGET_AUTH_FAILED: Klick-Tipp rejected the credentials: login refused (HTTP 401): Wrong username or password.');
      clock.advance(3_600_000);
      expect(await runtime.worker.runOnce()).toBe(0);
      expect(fake.logins).toBe(1);
    });
  });
}
