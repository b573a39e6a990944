/**
 * End to end through real HTTP, on both dialects: signed Digistore24 IPNs come in over a
 * socket, land in the ledger, and the worker delivers them to a local Quentn fake: the payment
 * creates the contact (mapped fields, field assignments, product tag, e-mail confirmed from the
 * buyer's newsletter consent), the refund takes the product tag off again. A wrong API key
 * fails the delivery at once and mails the connection's error address with the cause.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { request } from 'undici';
import type { FastifyInstance } from 'fastify';
import { ManualClock } from '../../src/lib/clock.js';
import { encodeDigistore24Body, sampleDigistore24Fields } from '../../src/providers/digistore24/sign-request.js';
import { QUENTN_FAKE_KEY, startQuentnFake } from '../fakes/quentn-fake.js';
import type { QuentnFake } from '../fakes/quentn-fake.js';
import { startSmtpSink } from '../fakes/smtp-sink.js';
import { createTestRuntime, TEST_ADMIN_TOKEN } from '../helpers/test-runtime.js';
import type { TestRuntime } from '../helpers/test-runtime.js';
import { enabledDialects } from '../helpers/test-db.js';

const PASSPHRASE = 'e2e-passphrase-quentn';
const auth = { authorization: `Bearer ${TEST_ADMIN_TOKEN}` };

type Smtp = Awaited<ReturnType<typeof startSmtpSink>>;

for (const dialect of enabledDialects()) {
  describe(`Digistore24 → ledger → Quentn on ${dialect}`, () => {
    let smtp: Smtp;
    let quentn: QuentnFake;
    let runtime: TestRuntime;
    let app: FastifyInstance;
    let ipnUrl: string;

    beforeAll(async () => {
      smtp = await startSmtpSink();
    });
    afterAll(async () => smtp.close());

    beforeEach(async () => {
      const clock = new ManualClock('2026-03-01T10:00:00.000Z');
      quentn = await startQuentnFake({
        customFields: [
          { field_name: 'ds24_affiliate', label: 'Affiliate', type: 'text_textfield' },
          { field_name: 'ds24_order_id', label: 'Order ID', type: 'text_textfield' },
          { field_name: 'ds24_invoice', label: 'Invoice', type: 'text_textfield' },
        ],
      });
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
      await quentn.close();
      smtp.messages.length = 0;
    });

    async function createConnection(apiKey: string): Promise<string> {
      const connection = await app.inject({
        method: 'POST',
        url: '/api/v1/connections',
        headers: auth,
        payload: {
          connector: 'quentn',
          name: 'Quentn buyers',
          filters: { eventTypes: ['payment', 'refund'] },
          config: {
            baseUrl: quentn.url,
            apiKey,
            requestsPerSecond: 50,
            fieldAssignments: { affiliateName: 'ds24_affiliate', orderId: 'ds24_order_id', invoiceLink: 'ds24_invoice' },
          },
          errorEmails: ['ops@example.com'],
        },
      });
      expect(connection.statusCode).toBe(201);
      const created = connection.json<{ id: string; config: Record<string, unknown> }>();
      expect(created.config).not.toHaveProperty('apiKey');
      return created.id;
    }

    async function postIpn(event: string, extra: Record<string, string> = {}) {
      const fields = { ...sampleDigistore24Fields(event, { orderId: 'QNTORD01', productId: '543210' }), ...extra };
      const res = await request(ipnUrl, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: encodeDigistore24Body(fields, PASSPHRASE) });
      expect(res.statusCode).toBe(200);
      expect(await res.body.text()).toBe('OK');
    }

    async function deliveries(connectionId: string) {
      const res = await app.inject({ method: 'GET', url: `/api/v1/deliveries?connectionId=${connectionId}`, headers: auth });
      return res.json<{ data: Array<{ id: string; status: string; attemptCount: number }> }>().data;
    }

    it('creates the tagged contact on payment and takes the tag off on refund', async () => {
      const connectionId = await createConnection(QUENTN_FAKE_KEY);
      await postIpn('on_payment', { newsletter_choice: 'single_optin', affiliate_name: 'maxpartner', affiliate_id: '4711' });
      expect(await runtime.worker.runOnce()).toBe(1);

      const [contact, ...others] = quentn.contactsByMail('anna.beispiel@example.com');
      expect(others).toEqual([]);
      expect(contact?.fields).toEqual({
        mail_status: 'confirmed',
        first_name: 'Anna',
        family_name: 'Beispiel',
        ba_street: 'Musterstraße 5',
        ba_postal_code: '10115',
        ba_city: 'Berlin',
        ba_country: 'DE',
        ds24_affiliate: 'maxpartner',
        ds24_order_id: 'QNTORD01',
        ds24_invoice: 'https://www.digistore24.com/invoice/QNTORD01/91000001/ABCD1234.pdf',
        mail: 'anna.beispiel@example.com',
      });
      expect(quentn.tagsOf(contact!.id)).toEqual(['Online Course Basic']);
      expect((await deliveries(connectionId)).map((d) => d.status)).toEqual(['delivered']);

      await postIpn('on_refund');
      expect(await runtime.worker.runOnce()).toBe(1);
      expect(quentn.contacts.size).toBe(1);
      expect(quentn.tagsOf(contact!.id)).toEqual(['Online Course Basic - refund']);
      expect(contact?.fields.mail_status).toBe('confirmed');
      expect((await deliveries(connectionId)).map((d) => d.status).sort()).toEqual(['delivered', 'delivered']);
      expect(await runtime.worker.runOnce()).toBe(0);
    });

    it('fails a delivery with a wrong API key at once, and mails the error address naming the connection and the cause', async () => {
      const connectionId = await createConnection('not-the-key');
      await postIpn('on_payment');
      expect(await runtime.worker.runOnce()).toBe(1);
      const [failed] = await deliveries(connectionId);
      expect(failed).toMatchObject({ status: 'failed', attemptCount: 1 });
      expect(quentn.requests).toHaveLength(1);
      expect(quentn.contacts.size).toBe(0);

      await smtp.waitForMessages(1, 5000);
      const mail = smtp.messages.find((m) => m.subject.includes('Quentn buyers'));
      expect(mail?.to).toEqual(['ops@example.com']);
      expect(mail?.subject).toContain('TARGET_AUTH_FAILED: Quentn rejected the credentials (HTTP 401)');
      expect(mail?.text).toContain(failed!.id);
    });
  });
}
