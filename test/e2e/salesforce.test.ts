/**
 * End to end through real HTTP, on both dialects: signed Digistore24 IPNs come in over a
 * socket, land in the ledger, and the worker delivers them to a local Salesforce fake: the
 * payment logs in (password + security token), creates the buyer's Contact with the mapped
 * fields and the product tag, and a Closed Won Opportunity for the order; the refund takes the
 * tag off and marks the Opportunity Closed Lost. Rebills add up in the Opportunity's Amount
 * once each, a redelivery included. A wrong password fails the delivery at once and mails the
 * connection's error address with the cause.
 */
import { describe, expect, it } from 'vitest';
import { startSalesforceFake } from '../fakes/salesforce-fake.js';
import { useDs24Hub } from '../helpers/ds24-hub.js';
import { enabledDialects } from '../helpers/test-db.js';

for (const dialect of enabledDialects()) {
  describe(`Digistore24 → ledger → Salesforce on ${dialect}`, () => {
    const customFields = {
      Contact: { Ipnhub_Tags__c: {}, Order_Id__c: {} },
      Opportunity: { Order_Id__c: { externalId: true, unique: true }, Ipnhub_Payments__c: {} },
    };
    const stage = useDs24Hub(dialect, () => startSalesforceFake({ customFields }), {
      passphrase: 'e2e-passphrase-salesforce',
    });

    async function createConnection(
      password: string,
      opportunity: Record<string, unknown> = {},
    ): Promise<string> {
      const { url, credentials } = stage.target;
      const created = await stage.hub.addConnection(
        'salesforce',
        {
          credentials: {
            loginUrl: url,
            clientId: credentials.clientId,
            clientSecret: credentials.clientSecret,
            username: credentials.username,
            password,
            securityToken: credentials.securityToken,
          },
          mapping: { Order_Id__c: 'order.id' },
          tagField: 'Ipnhub_Tags__c',
          opportunity: { enabled: true, externalIdField: 'Order_Id__c', ...opportunity },
          maxRequestsPerSecond: 100,
        },
        {
          name: 'Salesforce CRM',
          filters: { eventTypes: ['payment', 'refund'] },
          errorEmails: ['ops@example.com'],
        },
      );
      const { config } = created.response.json<{
        config: { credentials: Record<string, unknown> };
      }>();
      expect(Object.keys(config.credentials).sort()).toEqual([
        'clientId',
        'flow',
        'loginUrl',
        'username',
      ]);
      return created.id;
    }

    async function postIpn(event: string): Promise<void> {
      await stage.hub.postIpn(event, { orderId: 'SFORD001' });
    }

    it('creates the tagged Contact and a Closed Won Opportunity on payment; the refund untags and closes it lost', async () => {
      const { hub, target: salesforce } = stage;
      const connectionId = await createConnection(salesforce.credentials.password);
      await postIpn('on_payment');
      expect(await hub.runtime.worker.runOnce()).toBe(1);

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
        expect.objectContaining({
          Order_Id__c: 'SFORD001',
          Name: 'SFORD001 Online Course Basic',
          StageName: 'Closed Won',
          Amount: 97,
        }),
      ]);
      expect(salesforce.records('OpportunityContactRole')).toEqual([
        expect.objectContaining({ ContactId: contact?.Id, IsPrimary: true }),
      ]);
      expect((await hub.deliveries(connectionId)).map((d) => d.status)).toEqual(['delivered']);

      await postIpn('on_refund');
      expect(await hub.runtime.worker.runOnce()).toBe(1);
      expect(salesforce.records('Contact')).toEqual([
        expect.objectContaining({ Id: contact?.Id, Ipnhub_Tags__c: 'Online Course Basic-refund' }),
      ]);
      expect(salesforce.records('Opportunity')).toEqual([
        expect.objectContaining({ StageName: 'Closed Lost', Amount: 97 }),
      ]);
      expect((await hub.deliveries(connectionId)).map((d) => d.status)).toEqual([
        'delivered',
        'delivered',
      ]);
      expect(salesforce.state.logins).toBe(1);
      expect(await hub.runtime.worker.runOnce()).toBe(0);
    });

    it("adds each rebill to the Opportunity's Amount once, also when a delivery is redelivered by hand", async () => {
      const { hub, target: salesforce } = stage;
      const connectionId = await createConnection(salesforce.credentials.password, {
        paymentsField: 'Ipnhub_Payments__c',
      });
      const plan = { orderId: 'SFSUB001', billingType: 'subscription' as const };
      await hub.postIpn('on_payment', {
        ...plan,
        transactionId: '7001',
        paySequenceNo: 1,
        amount: '29.00',
      });
      expect(await hub.runtime.worker.runOnce()).toBe(1);
      await hub.postIpn('on_payment', {
        ...plan,
        transactionId: '7002',
        paySequenceNo: 2,
        amount: '29.00',
      });
      expect(await hub.runtime.worker.runOnce()).toBe(1);
      expect(salesforce.records('Opportunity')).toEqual([
        expect.objectContaining({
          Order_Id__c: 'SFSUB001',
          Amount: 58,
          Ipnhub_Payments__c: '7001\n7002',
          StageName: 'Closed Won',
        }),
      ]);

      const second = (await hub.deliveries(connectionId))[1];
      expect((await hub.call('POST', `/deliveries/${second!.id}/redeliver`)).status).toBe(202);
      expect(await hub.runtime.worker.runOnce()).toBe(1);
      expect(salesforce.records('Opportunity')).toEqual([
        expect.objectContaining({ Amount: 58, Ipnhub_Payments__c: '7001\n7002' }),
      ]);
      expect((await hub.deliveries(connectionId)).map((d) => d.status)).toEqual([
        'delivered',
        'delivered',
      ]);
    });

    it('fails a delivery with a wrong password at once, and mails the error address naming the connection and the cause', async () => {
      const { hub, target: salesforce } = stage;
      const connectionId = await createConnection('wrong-password');
      await postIpn('on_payment');
      expect(await hub.runtime.worker.runOnce()).toBe(1);
      const [failed] = await hub.deliveries(connectionId);
      expect(failed).toMatchObject({ status: 'failed', attemptCount: 1 });
      expect(salesforce.state.tokenRequests).toBe(1);
      expect(salesforce.dataRequests()).toEqual([]);

      await hub.smtp.waitForMessages(1);
      const mail = hub.smtp.messages.find((m) => m.subject.includes('Salesforce CRM'));
      expect(mail?.to).toEqual(['ops@example.com']);
      expect(mail?.subject).toContain(
        'TARGET_AUTH_FAILED: Salesforce rejected the credentials: invalid_grant: authentication failure',
      );
      expect(mail?.text).toContain(failed!.id);
    });
  });
}
