/**
 * End to end through real HTTP, on both dialects: signed Digistore24 IPNs come in over a
 * socket, land in the ledger, and the worker delivers them to a local Salesforce fake: the
 * payment logs in (password + security token), creates the buyer's Contact with the mapped
 * fields and the product tag, and a Closed Won Opportunity for the order; the refund takes the
 * tag off and marks the Opportunity Closed Lost. A wrong password fails the delivery at once
 * and mails the connection's error address with the cause.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { request } from 'undici';
import type { FastifyInstance } from 'fastify';
import { ManualClock } from '../../src/lib/clock.js';
import { encodeDigistore24Body, sampleDigistore24Fields } from '../../src/providers/digistore24/sign-request.js';
import { startSalesforceFake } from '../fakes/salesforce-fake.js';
import type { SalesforceFake } from '../fakes/salesforce-fake.js';
import { startSmtpSink } from '../fakes/smtp-sink.js';
import { createTestRuntime, TEST_ADMIN_TOKEN } from '../helpers/test-runtime.js';
import type { TestRuntime } from '../helpers/test-runtime.js';
import { enabledDialects } from '../helpers/test-db.js';

const PASSPHRASE = 'e2e-passphrase-salesforce';
const auth = { authorization: `Bearer ${TEST_ADMIN_TOKEN}` };

type Smtp = Awaited<ReturnType<typeof startSmtpSink>>;

for (const dialect of enabledDialects()) {
  describe(`Digistore24 → ledger → Salesforce on ${dialect}`, () => {
    let smtp: Smtp;
    let salesforce: SalesforceFake;
    let runtime: TestRuntime;
    let app: FastifyInstance;
    let ipnUrl: string;

    beforeAll(async () => {
      smtp = await startSmtpSink();
    });
    afterAll(async () => smtp.close());

    beforeEach(async () => {
      const clock = new ManualClock('2026-03-01T10:00:00.000Z');
      salesforce = await startSalesforceFake({
        customFields: {
          Contact: { Ipnhub_Tags__c: {}, Order_Id__c: {} },
          Opportunity: { Order_Id__c: { externalId: true, unique: true } },
        },
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
      await salesforce.close();
      smtp.messages.length = 0;
    });

    async function createConnection(password: string): Promise<string> {
      const connection = await app.inject({
        method: 'POST',
        url: '/api/v1/connections',
        headers: auth,
        payload: {
          connector: 'salesforce',
          name: 'Salesforce CRM',
          filters: { eventTypes: ['payment', 'refund'] },
          config: {
            credentials: {
              loginUrl: salesforce.url,
              clientId: salesforce.credentials.clientId,
              clientSecret: salesforce.credentials.clientSecret,
              username: salesforce.credentials.username,
              password,
              securityToken: salesforce.credentials.securityToken,
            },
            mapping: { Order_Id__c: 'order.id' },
            tagField: 'Ipnhub_Tags__c',
            opportunity: { enabled: true, externalIdField: 'Order_Id__c' },
            maxRequestsPerSecond: 100,
          },
          errorEmails: ['ops@example.com'],
        },
      });
      expect(connection.statusCode).toBe(201);
      const created = connection.json<{ id: string; config: { credentials: Record<string, unknown> } }>();
      expect(Object.keys(created.config.credentials).sort()).toEqual(['clientId', 'flow', 'loginUrl', 'username']);
      return created.id;
    }

    async function postIpn(event: string) {
      const fields = sampleDigistore24Fields(event, { orderId: 'SFORD001', productId: '543210' });
      const res = await request(ipnUrl, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: encodeDigistore24Body(fields, PASSPHRASE) });
      expect(res.statusCode).toBe(200);
      expect(await res.body.text()).toBe('OK');
    }

    async function deliveries(connectionId: string) {
      const res = await app.inject({ method: 'GET', url: `/api/v1/deliveries?connectionId=${connectionId}`, headers: auth });
      return res.json<{ data: Array<{ id: string; status: string; attemptCount: number }> }>().data;
    }

    it('creates the tagged Contact and a Closed Won Opportunity on payment; the refund untags and closes it lost', async () => {
      const connectionId = await createConnection(salesforce.credentials.password);
      await postIpn('on_payment');
      expect(await runtime.worker.runOnce()).toBe(1);

      const [contact, ...others] = salesforce.records('Contact');
      expect(others).toEqual([]);
      expect(contact).toEqual({
        Id: contact?.Id,
        CreatedDate: contact?.CreatedDate,
        FirstName: 'Anna',
        LastName: 'Beispiel',
        Email: 'anna.beispiel@example.com',
        MailingStreet: 'Musterstraße 5',
        MailingPostalCode: '10115',
        MailingCity: 'Berlin',
        MailingCountry: 'DE',
        Order_Id__c: 'SFORD001',
        Ipnhub_Tags__c: 'Online Course Basic',
      });
      expect(salesforce.records('Opportunity')).toEqual([
        expect.objectContaining({ Order_Id__c: 'SFORD001', Name: 'SFORD001 Online Course Basic', StageName: 'Closed Won', Amount: 97 }),
      ]);
      expect(salesforce.records('OpportunityContactRole')).toEqual([expect.objectContaining({ ContactId: contact?.Id, IsPrimary: true })]);
      expect((await deliveries(connectionId)).map((d) => d.status)).toEqual(['delivered']);

      await postIpn('on_refund');
      expect(await runtime.worker.runOnce()).toBe(1);
      expect(salesforce.records('Contact')).toEqual([expect.objectContaining({ Id: contact?.Id, Ipnhub_Tags__c: 'Online Course Basic-refund' })]);
      expect(salesforce.records('Opportunity')).toEqual([expect.objectContaining({ StageName: 'Closed Lost', Amount: 97 })]);
      expect((await deliveries(connectionId)).map((d) => d.status)).toEqual(['delivered', 'delivered']);
      expect(salesforce.state.logins).toBe(1);
      expect(await runtime.worker.runOnce()).toBe(0);
    });

    it('fails a delivery with a wrong password at once, and mails the error address naming the connection and the cause', async () => {
      const connectionId = await createConnection('wrong-password');
      await postIpn('on_payment');
      expect(await runtime.worker.runOnce()).toBe(1);
      const [failed] = await deliveries(connectionId);
      expect(failed).toMatchObject({ status: 'failed', attemptCount: 1 });
      expect(salesforce.state.tokenRequests).toBe(1);
      expect(salesforce.dataRequests()).toEqual([]);

      await smtp.waitForMessages(1, 5000);
      const mail = smtp.messages.find((m) => m.subject.includes('Salesforce CRM'));
      expect(mail?.to).toEqual(['ops@example.com']);
      expect(mail?.subject).toContain('TARGET_AUTH_FAILED: Salesforce rejected the credentials: invalid_grant: authentication failure');
      expect(mail?.text).toContain(failed!.id);
    });
  });
}
