/**
 * End to end through real HTTP, on both dialects: a signed Digistore24 IPN comes in over a
 * socket, lands in the ledger, and the worker subscribes and tags the buyer in a local
 * Klick-Tipp fake; a refund IPN takes the product tag off again. Wrong credentials fail the
 * delivery at once and mail the connection's error address with the cause.
 */
import { describe, expect, it } from 'vitest';
import { startKlickTippFake } from '../fakes/klicktipp-fake.js';
import { useDs24Hub } from '../helpers/ds24-hub.js';
import { enabledDialects } from '../helpers/test-db.js';

const USER = 'e2e-shop';
const PASSWORD = 'kt-e2e-password';
const PRODUCT = 'Online Course Basic';

for (const dialect of enabledDialects()) {
  describe(`Digistore24 → ledger → Klick-Tipp on ${dialect}`, () => {
    const stage = useDs24Hub(dialect, () =>
      startKlickTippFake({
        username: USER,
        password: PASSWORD,
        customFields: { field227685: { label: 'DS24 order id' } },
      }),
    );

    async function createConnection(password: string): Promise<string> {
      const created = await stage.hub.addConnection(
        'klicktipp',
        {
          baseUrl: stage.target.url,
          auth: { username: USER, password },
          listId: 200,
          mapping: {
            fieldFirstName: 'buyer.firstName',
            fieldLastName: 'buyer.lastName',
            fieldStreet1: 'buyer.address.street',
            fieldZip: 'buyer.address.zipcode',
            fieldCity: 'buyer.address.city',
            fieldCountry: 'buyer.address.country',
            field227685: 'order.id',
          },
        },
        {
          name: 'Klick-Tipp buyers',
          filters: { eventTypes: ['payment', 'refund'], productIds: ['543210'] },
          errorEmails: ['ops@example.com'],
        },
      );
      expect(created.response.text).not.toContain(password);
      return created.id;
    }

    it('subscribes and tags the buyer with the address on payment, and untags on refund', async () => {
      const { hub, target: fake } = stage;
      const connectionId = await createConnection(PASSWORD);
      await hub.postIpn('on_payment', {
        orderId: 'KTORD001',
        transactionId: '5001',
        email: 'Buyer@Example.com',
      });
      expect(await hub.runtime.worker.runOnce()).toBe(1);

      expect(fake.state.subscribers.size).toBe(1);
      expect(fake.subscriber('buyer@example.com')).toMatchObject({
        status: 'Subscribed',
        listId: 200,
        fields: {
          fieldFirstName: 'Anna',
          fieldLastName: 'Beispiel',
          fieldStreet1: 'Musterstraße 5',
          fieldZip: '10115',
          fieldCity: 'Berlin',
          fieldCountry: 'DE',
          field227685: 'KTORD001',
        },
      });
      expect(fake.tagNames('buyer@example.com')).toEqual([PRODUCT]);
      expect((await hub.deliveries(connectionId)).map((d) => d.status)).toEqual(['delivered']);

      await hub.postIpn('on_refund', {
        orderId: 'KTORD001',
        transactionId: '5002',
        email: 'buyer@example.com',
      });
      expect(await hub.runtime.worker.runOnce()).toBe(1);
      expect(fake.tagNames('buyer@example.com')).toEqual([`refund: ${PRODUCT}`]);
      expect(fake.state.subscribers.size).toBe(1);
      expect((await hub.deliveries(connectionId)).map((d) => d.status).sort()).toEqual([
        'delivered',
        'delivered',
      ]);
      expect(fake.logins).toBe(1);
    });

    it('fails at once on wrong credentials and mails the error address with the cause', async () => {
      const { hub, target: fake } = stage;
      const connectionId = await createConnection('wrong-password');
      await hub.postIpn('on_payment', { orderId: 'KTORD002', transactionId: '6001' });
      expect(await hub.runtime.worker.runOnce()).toBe(1);
      const [failed] = await hub.deliveries(connectionId);
      expect(failed).toMatchObject({ status: 'failed', attemptCount: 1 });
      expect(fake.logins).toBe(1);
      expect(fake.state.subscribers.size).toBe(0);

      await hub.smtp.waitForMessages(1);
      const mail = hub.smtp.messages.find((m) => m.subject.includes('Klick-Tipp buyers'));
      expect(mail?.to).toEqual(['ops@example.com']);
      expect(mail?.text).toContain(
        'TARGET_AUTH_FAILED: Klick-Tipp rejected the credentials: login refused (HTTP 401): Wrong username or password.',
      );
      hub.clock.advance(3_600_000);
      expect(await hub.runtime.worker.runOnce()).toBe(0);
      expect(fake.logins).toBe(1);
    });
  });
}
