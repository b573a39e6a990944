/**
 * End to end through real HTTP, on both dialects: a signed Digistore24 IPN comes in over a
 * socket, lands in the ledger, and the worker upserts the buyer in a local ActiveCampaign fake
 * with tags, a list and a Deep Data order; a refund takes the tag and the list off again. A
 * rejected API key fails the delivery at once and mails the connection's error address.
 */
import { describe, expect, it } from 'vitest';
import { startActiveCampaignFake } from '../fakes/activecampaign-fake.js';
import { useDs24Hub } from '../helpers/ds24-hub.js';
import { enabledDialects } from '../helpers/test-db.js';

const EMAIL = 'anna.beispiel@example.com';
const PRODUCT = 'Online Course Basic';

for (const dialect of enabledDialects()) {
  describe(`Digistore24 → ledger → ActiveCampaign on ${dialect}`, () => {
    const stage = useDs24Hub(dialect, () =>
      startActiveCampaignFake({
        lists: ['Buyers'],
        fields: [
          { title: 'Order ID', perstag: 'ORDER_ID' },
          { title: 'Purchase date', perstag: 'PURCHASE_DATE', type: 'date' },
        ],
      }),
    );

    async function connect(apiToken: string): Promise<string> {
      const created = await stage.hub.addConnection(
        'activecampaign',
        {
          accountUrl: stage.target.url,
          apiToken,
          customFields: { '%ORDER_ID%': 'order.id' },
          actions: {
            payment: {
              addTags: ['{product.name}', 'paypal-integration-{event}'],
              subscribeLists: ['1'],
              customFields: { 'Purchase date': '{occurredAt}' },
            },
            refund: {
              addTags: ['refunded'],
              removeTags: ['{product.name}'],
              unsubscribeLists: ['1'],
            },
          },
          deepData: { enabled: true, storeId: 'ds24-main', storeName: 'DS24 main' },
        },
        {
          name: 'AC buyers',
          filters: { eventTypes: ['payment', 'refund'] },
          errorEmails: ['ops@example.com'],
        },
      );
      return created.id;
    }

    it('upserts the buyer with tags, list, custom field and order on payment, and untags on refund', async () => {
      const { hub, target: fake } = stage;
      const connectionId = await connect(fake.apiToken);
      await hub.postIpn('on_payment', {
        orderId: 'E2EAC001',
        transactionId: '5001',
        email: 'Anna.Beispiel@Example.com',
      });
      expect(await hub.runtime.worker.runOnce()).toBe(1);

      expect(fake.state.contacts).toMatchObject([
        { email: EMAIL, firstName: 'Anna', lastName: 'Beispiel' },
      ]);
      expect(fake.tagsOf(EMAIL)).toEqual([PRODUCT, 'paypal-integration-payment']);
      expect(fake.listStatus(EMAIL, '1')).toBe('1');
      expect(fake.fieldValue(EMAIL, 'ORDER_ID')).toBe('E2EAC001');
      const purchased = fake.fieldValue(EMAIL, 'PURCHASE_DATE');
      expect(purchased).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(fake.state.ecomOrders).toMatchObject([
        {
          externalid: '5001',
          orderNumber: 'E2EAC001',
          totalPrice: 9700,
          currency: 'EUR',
          email: EMAIL,
        },
      ]);
      expect(fake.requests.every((r) => r.headers['api-token'] === fake.apiToken)).toBe(true);

      await hub.postIpn('on_refund', { orderId: 'E2EAC001', transactionId: '5002' });
      expect(await hub.runtime.worker.runOnce()).toBe(1);
      expect(fake.state.contacts).toHaveLength(1);
      expect(fake.tagsOf(EMAIL)).toEqual(['paypal-integration-payment', 'refunded']);
      expect(fake.listStatus(EMAIL, '1')).toBe('2');
      expect(fake.state.ecomOrders).toHaveLength(1);
      // The purchase date is the payment's: the refund sends its own fields only.
      expect(fake.fieldValue(EMAIL, 'PURCHASE_DATE')).toBe(purchased);
      const refundSync = fake.requests.filter((r) => r.path === '/api/3/contact/sync')[1]?.body as {
        contact: { fieldValues: Array<{ field: string }> };
      };
      expect(refundSync.contact.fieldValues.map((v) => v.field)).toEqual(['1']);

      expect((await hub.deliveries(connectionId)).map((d) => d.status)).toEqual([
        'delivered',
        'delivered',
      ]);
      const detail = await hub.call(
        'GET',
        `/deliveries/${(await hub.deliveries(connectionId))[0]!.id}`,
      );
      expect(JSON.stringify(detail.json())).toContain('contact 1 upserted');
    });

    it('keeps the buyer tagged through a partial refund and untags on the refund that completes it', async () => {
      const { hub, target: fake } = stage;
      await stage.hub.addConnection(
        'activecampaign',
        { accountUrl: fake.url, apiToken: fake.apiToken },
        { name: 'AC defaults', filters: { eventTypes: ['payment', 'refund'] } },
      );
      await hub.postIpn('on_payment', {
        orderId: 'E2EAC003',
        transactionId: '7001',
        amount: '97.00',
      });
      expect(await hub.runtime.worker.runOnce()).toBe(1);
      expect(fake.tagsOf(EMAIL)).toEqual([PRODUCT]);

      await hub.postIpn('on_refund', {
        orderId: 'E2EAC003',
        transactionId: '7002',
        amount: '20.00',
      });
      expect(await hub.runtime.worker.runOnce()).toBe(1);
      expect(fake.tagsOf(EMAIL).sort()).toEqual([PRODUCT, `${PRODUCT}-partial_refund`]);

      await hub.postIpn('on_refund', {
        orderId: 'E2EAC003',
        transactionId: '7003',
        amount: '77.00',
      });
      expect(await hub.runtime.worker.runOnce()).toBe(1);
      expect(fake.tagsOf(EMAIL).sort()).toEqual([`${PRODUCT}-partial_refund`, `${PRODUCT}-refund`]);
      const access = await hub.call(
        'GET',
        `/access?email=${encodeURIComponent(EMAIL)}&productId=543210`,
      );
      expect(access.json<{ hasAccess: boolean }>().hasAccess).toBe(false);
    });

    it('fails a delivery with a rejected API key at once and mails the error address', async () => {
      const { hub, target: fake } = stage;
      const connectionId = await connect('wrong-key');
      await hub.postIpn('on_payment', { orderId: 'E2EAC002', transactionId: '6001' });
      expect(await hub.runtime.worker.runOnce()).toBe(1);
      const [failed] = await hub.deliveries(connectionId);
      expect(failed).toMatchObject({ status: 'failed', attemptCount: 1 });
      expect(fake.requests).toHaveLength(1);
      expect(fake.state.contacts).toEqual([]);

      await hub.smtp.waitForMessages(1);
      const mail = hub.smtp.messages.find((m) => m.subject.includes('AC buyers'));
      expect(mail?.to).toEqual(['ops@example.com']);
      expect(mail?.text).toContain(
        'TARGET_AUTH_FAILED: ActiveCampaign rejected the credentials (HTTP 403)',
      );
    });

    it('tests a connection through the API with an authenticated read that writes nothing', async () => {
      const { hub, target: fake } = stage;
      const good = await connect(fake.apiToken);
      const bad = await connect('wrong-key');
      const passed = await hub.call('POST', `/connections/${good}/test`);
      expect(passed.json()).toMatchObject({ ok: true, message: expect.any(String) });
      const refused = await hub.call('POST', `/connections/${bad}/test`);
      expect(refused.json()).toMatchObject({
        ok: false,
        message: expect.stringContaining('TARGET_AUTH_FAILED'),
      });
      expect(fake.requests.map((r) => r.method)).toEqual(['GET', 'GET']);
      expect(fake.state.contacts).toEqual([]);
    });
  });
}
