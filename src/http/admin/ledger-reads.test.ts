import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enabledDialects } from '../../../test/helpers/test-db.js';
import {
  encodeDigistore24Body,
  sampleDigistore24Fields,
} from '../../providers/digistore24/sign-request.js';
import type { Digistore24SampleOverrides } from '../../providers/digistore24/sign-request.js';
import { startAdminHarness } from './test-support/admin-harness.js';
import type { AdminHarness } from './test-support/admin-harness.js';

const PASSPHRASE = 'ledger-test-passphrase';
const EMAIL = 'anna.beispiel@example.com';

interface PageBody<T = { id: string }> {
  data: T[];
  nextCursor: string | null;
}
interface ErrorBody {
  error: { code: string; message: string; fields?: Array<{ path: string; problem: string }> };
}

for (const dialect of enabledDialects()) {
  describe(`admin API ledger reads and the access check on ${dialect}`, () => {
    let h: AdminHarness;
    let sourceId: string;
    let connectionId: string;
    const bodies: string[] = [];

    async function ingest(event: string, overrides: Digistore24SampleOverrides): Promise<string[]> {
      const body = encodeDigistore24Body(sampleDigistore24Fields(event, overrides), PASSPHRASE);
      bodies.push(body);
      const result = await h.runtime.ingest.receive(sourceId, {
        receivedAt: new Date(),
        method: 'POST',
        url: `/ipn/${sourceId}`,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        rawBody: Buffer.from(body, 'utf8'),
        remoteAddress: '127.0.0.1',
      });
      if (result.outcome.kind !== 'accepted')
        throw new Error(`${event} was not accepted: ${JSON.stringify(result.outcome)}`);
      return result.outcome.eventIds;
    }

    beforeAll(async () => {
      h = await startAdminHarness(dialect);
      sourceId = (
        await h.call('POST', '/sources', {
          provider: 'digistore24',
          name: 'DS24',
          config: { passphrase: PASSPHRASE },
        })
      ).json<{ id: string }>().id;
      connectionId = (
        await h.call('POST', '/connections', {
          connector: 'webhook',
          name: 'Hook',
          config: { url: 'https://hooks.example.com/in' },
        })
      ).json<{ id: string }>().id;
      // Product 100: a single payment that stays, and a second order of it that is refunded.
      await ingest('on_payment', { orderId: 'SINGLE1', productId: '100', transactionId: '5001' });
      await ingest('on_payment', { orderId: 'SINGLE2', productId: '100', transactionId: '5002' });
      await ingest('on_refund', { orderId: 'SINGLE2', productId: '100', transactionId: '5003' });
      // Product 200: a subscription whose second payment is missed.
      await ingest('on_payment', {
        orderId: 'SUBSCR1',
        productId: '200',
        billingType: 'subscription',
        paySequenceNo: 1,
        transactionId: '6001',
      });
      await ingest('on_payment_missed', {
        orderId: 'SUBSCR1',
        productId: '200',
        billingType: 'subscription',
        paySequenceNo: 2,
      });
      // Product 300: refunded only after being paid; nothing else.
      await ingest('on_payment', { orderId: 'REFUND1', productId: '300', transactionId: '7001' });
      await ingest('on_refund', { orderId: 'REFUND1', productId: '300', transactionId: '7002' });
      // Product 400: 20.00 of 97.00 refunded; access stays.
      await ingest('on_payment', { orderId: 'PARTIAL1', productId: '400', transactionId: '8001' });
      await ingest('on_refund', {
        orderId: 'PARTIAL1',
        productId: '400',
        transactionId: '8002',
        amount: '20.00',
      });
    });
    afterAll(async () => h.close());

    describe('GET /access', () => {
      it('grants access when any grant is active, listing every grant', async () => {
        const res = await h.call('GET', `/access?email=${EMAIL}&productId=100`);
        expect(res.status).toBe(200);
        expect(res.json()).toEqual({
          email: EMAIL,
          productId: '100',
          hasAccess: true,
          status: 'active',
          paidUntil: null,
          grants: [
            {
              orderId: 'SINGLE1',
              ledgerOrderId: expect.stringMatching(/^ord_/),
              productName: 'Online Course Basic',
              orderStatus: 'paid',
              status: 'active',
              paidUntil: null,
              grantedAt: expect.any(String),
              updatedAt: expect.any(String),
              test: false,
            },
            {
              orderId: 'SINGLE2',
              ledgerOrderId: expect.stringMatching(/^ord_/),
              productName: 'Online Course Basic',
              orderStatus: 'refunded',
              status: 'revoked',
              paidUntil: null,
              grantedAt: expect.any(String),
              updatedAt: expect.any(String),
              test: false,
            },
          ],
        });
        // The ledger order behind each grant, to open it.
        const grants = res.json<{ grants: Array<{ ledgerOrderId: string }> }>().grants;
        for (const [index, externalId] of ['SINGLE1', 'SINGLE2'].entries()) {
          expect(
            (await h.call('GET', `/orders/${grants[index]?.ledgerOrderId}`)).json(),
          ).toMatchObject({ externalId });
        }
      });

      it('reports a suspended subscription without access', async () => {
        const res = await h.call('GET', `/access?email=${EMAIL}&productId=200`);
        expect(res.json()).toMatchObject({
          hasAccess: false,
          status: 'suspended',
          paidUntil: null,
          grants: [{ orderId: 'SUBSCR1', status: 'suspended', paidUntil: null }],
        });
      });

      it('reports a refunded product as revoked', async () => {
        const res = await h.call('GET', `/access?email=${EMAIL}&productId=300`);
        expect(res.json()).toMatchObject({
          hasAccess: false,
          status: 'revoked',
          grants: [{ orderId: 'REFUND1', status: 'revoked' }],
        });
      });

      it('keeps access after a partial refund and says the order is partially refunded', async () => {
        const res = await h.call('GET', `/access?email=${EMAIL}&productId=400`);
        expect(res.json()).toMatchObject({
          hasAccess: true,
          status: 'active',
          grants: [{ orderId: 'PARTIAL1', orderStatus: 'partially_refunded', status: 'active' }],
        });
      });

      it('compares the e-mail trimmed and case-insensitively', async () => {
        const res = await h.call(
          'GET',
          `/access?email=%20Anna.Beispiel@EXAMPLE.com%20&productId=100`,
        );
        expect(res.json()).toMatchObject({ email: EMAIL, hasAccess: true, status: 'active' });
      });

      it('answers none for an unknown buyer or product', async () => {
        for (const query of [
          'email=nobody@example.com&productId=100',
          `email=${EMAIL}&productId=999`,
        ]) {
          const res = await h.call('GET', `/access?${query}`);
          expect(res.status).toBe(200);
          expect(res.json()).toMatchObject({
            hasAccess: false,
            status: 'none',
            paidUntil: null,
            grants: [],
          });
        }
      });

      it('requires both e-mail and product id', async () => {
        const noProduct = await h.call('GET', `/access?email=${EMAIL}`);
        expect(noProduct.status).toBe(400);
        expect(noProduct.json<ErrorBody>().error).toEqual({
          code: 'VALIDATION_FAILED',
          message: 'The request is not valid. productId: is required (text)',
          fields: [{ path: 'productId', problem: 'is required (text)' }],
        });
        const blank = await h.call('GET', `/access?email=%20&productId=100`);
        expect(blank.status).toBe(400);
        expect(blank.json<ErrorBody>().error.message).toContain('email: ');
      });
    });

    describe('customers, orders and subscriptions', () => {
      it('finds the customer by e-mail with orders and access rows', async () => {
        const list = await h.call('GET', `/customers?email=${EMAIL.toUpperCase()}`);
        const customers =
          list.json<PageBody<{ id: string; email: string; firstName: string; address: unknown }>>()
            .data;
        expect(customers).toHaveLength(1);
        expect(customers[0]).toMatchObject({
          email: EMAIL,
          firstName: 'Anna',
          lastName: 'Beispiel',
          address: { city: 'Berlin', country: 'DE', street: 'Musterstraße 5' },
        });
        const detail = await h.call('GET', `/customers/${customers[0]?.id}`);
        expect(detail.status).toBe(200);
        const body = detail.json<{
          orders: Array<{ externalId: string }>;
          access: Array<{
            productId: string;
            productName: string | null;
            externalOrderId: string;
            status: string;
          }>;
        }>();
        expect(body.orders.map((o) => o.externalId)).toEqual([
          'PARTIAL1',
          'REFUND1',
          'SUBSCR1',
          'SINGLE2',
          'SINGLE1',
        ]);
        expect(
          body.access.map((a) => [a.externalOrderId, a.productId, a.productName, a.status]),
        ).toEqual([
          ['SINGLE1', '100', 'Online Course Basic', 'active'],
          ['SINGLE2', '100', 'Online Course Basic', 'revoked'],
          ['SUBSCR1', '200', 'Premium Membership (monthly)', 'suspended'],
          ['REFUND1', '300', 'Online Course Basic', 'revoked'],
          ['PARTIAL1', '400', 'Online Course Basic', 'active'],
        ]);
        expect((await h.call('GET', '/customers?email=nobody@example.com')).json()).toEqual({
          data: [],
          nextCursor: null,
        });
        expect((await h.call('GET', '/customers/cus_missing')).status).toBe(404);
      });

      it('lists orders by status and shows one with items, transactions, subscription and access', async () => {
        const refunded = await h.call('GET', '/orders?status=refunded');
        expect(
          refunded.json<PageBody<{ externalId: string }>>().data.map((o) => o.externalId),
        ).toEqual(['REFUND1', 'SINGLE2']);
        const bySource = await h.call('GET', `/orders?sourceId=${sourceId}&email=${EMAIL}&limit=2`);
        expect(bySource.json<PageBody>().data).toHaveLength(2);
        expect(bySource.json<PageBody>().nextCursor).not.toBeNull();

        const subscription = (await h.call('GET', '/orders'))
          .json<PageBody<{ id: string; externalId: string }>>()
          .data.find((o) => o.externalId === 'SUBSCR1');
        const detail = await h.call('GET', `/orders/${subscription?.id}`);
        expect(detail.status).toBe(200);
        expect(detail.json()).toMatchObject({
          externalId: 'SUBSCR1',
          provider: 'digistore24',
          sourceId,
          email: EMAIL,
          billingType: 'subscription',
          currency: 'EUR',
          status: 'paid',
          test: false,
          items: [{ productId: '200', quantity: 1, isAddon: false, amount: 2900 }],
          transactions: [
            {
              kind: 'payment',
              externalId: '6001',
              amount: 2900,
              currency: 'EUR',
              paySequenceNo: 1,
            },
          ],
          subscription: {
            externalOrderId: 'SUBSCR1',
            status: 'suspended',
            cancelled: false,
            billingType: 'subscription',
          },
          access: [{ productId: '200', status: 'suspended', externalOrderId: 'SUBSCR1' }],
        });
        expect((await h.call('GET', '/orders/ord_missing')).status).toBe(404);
      });

      it('shows a partially refunded order with what was paid and refunded, per payment', async () => {
        const partial = await h.call('GET', '/orders?status=partially_refunded');
        const orders = partial.json<PageBody<{ id: string; externalId: string }>>().data;
        expect(orders.map((o) => o.externalId)).toEqual(['PARTIAL1']);
        const detail = (await h.call('GET', `/orders/${orders[0]?.id}`)).json<{
          transactions: Array<{ id: string }>;
        }>();
        const paymentId = detail.transactions[0]?.id;
        expect(detail).toMatchObject({
          status: 'partially_refunded',
          paidAmount: 9700,
          refundedAmount: 2000,
          transactions: [
            {
              kind: 'payment',
              externalId: '8001',
              amount: 9700,
              refundedAmount: 2000,
              fullyRefunded: false,
              refundOf: null,
            },
            {
              kind: 'refund',
              externalId: '8002',
              amount: 2000,
              refundedAmount: null,
              fullyRefunded: false,
              refundOf: paymentId,
            },
          ],
          access: [{ productId: '400', status: 'active' }],
        });
      });

      it('lists subscriptions by status', async () => {
        const suspended = await h.call('GET', '/subscriptions?status=suspended');
        expect(
          suspended.json<PageBody<{ externalOrderId: string; cancelled: boolean }>>().data,
        ).toEqual([expect.objectContaining({ externalOrderId: 'SUBSCR1', cancelled: false })]);
        expect((await h.call('GET', '/subscriptions?status=active')).json<PageBody>().data).toEqual(
          [],
        );
      });
    });

    describe('searches, timelines and ledger effects', () => {
      const ids = <T extends { id: string }>(res: { json<U>(): U }): string[] =>
        res.json<PageBody<T>>().data.map((item) => item.id);

      it('finds the customer by e-mail, order id or transaction id (q), exactly', async () => {
        const [customer] = ids(await h.call('GET', `/customers?email=${EMAIL}`));
        for (const q of [EMAIL.toUpperCase(), 'SUBSCR1', '8002'])
          expect(ids(await h.call('GET', `/customers?q=${encodeURIComponent(q)}`)), q).toEqual([
            customer,
          ]);
        for (const q of ['anna', 'SUBSCR', '999999'])
          expect(ids(await h.call('GET', `/customers?q=${q}`)), q).toEqual([]);
        expect((await h.call('GET', '/customers?q=')).status).toBe(400);
      });

      it('finds orders by order id, transaction id or e-mail (q)', async () => {
        const externalIds = async (q: string) =>
          (await h.call('GET', `/orders?q=${encodeURIComponent(q)}`))
            .json<PageBody<{ externalId: string }>>()
            .data.map((o) => o.externalId);
        expect(await externalIds('REFUND1')).toEqual(['REFUND1']);
        expect(await externalIds('7002')).toEqual(['REFUND1']);
        expect(await externalIds(` ${EMAIL} `)).toEqual([
          'PARTIAL1',
          'REFUND1',
          'SUBSCR1',
          'SINGLE2',
          'SINGLE1',
        ]);
        expect(await externalIds('nothing-like-it')).toEqual([]);
      });

      it("shows an order's timeline: every event of the order in the order received", async () => {
        const [order] = (await h.call('GET', '/orders?q=SUBSCR1')).json<PageBody<{ id: string }>>()
          .data;
        const detail = (await h.call('GET', `/orders/${order?.id}`)).json<{
          events: Array<{ id: string; type: string }>;
        }>();
        expect(detail.events.map((e) => e.type)).toEqual(['payment', 'payment_missed']);
        const events = (await h.call('GET', '/events?orderId=SUBSCR1'))
          .json<PageBody<{ id: string }>>()
          .data.map((e) => e.id)
          .reverse();
        expect(detail.events.map((e) => e.id)).toEqual(events);
      });

      it('shows what an event changed in the ledger: its order and the transaction it recorded', async () => {
        const [refund] = (await h.call('GET', '/events?orderId=REFUND1&type=refund')).json<
          PageBody<{ id: string }>
        >().data;
        const [order] = (await h.call('GET', '/orders?q=REFUND1')).json<
          PageBody<{ id: string; customerId: string }>
        >().data;
        const detail = (await h.call('GET', `/events/${refund?.id}`)).json<{ ledger: unknown }>();
        expect(detail.ledger).toEqual({
          order: {
            id: order?.id,
            externalId: 'REFUND1',
            status: 'refunded',
            customerId: order?.customerId,
          },
          transaction: {
            id: expect.stringMatching(/^txn_/),
            kind: 'refund',
            externalId: '7002',
            amount: 9700,
            currency: 'EUR',
          },
        });
        const [missed] = (await h.call('GET', '/events?orderId=SUBSCR1&type=payment_missed')).json<
          PageBody<{ id: string }>
        >().data;
        expect(
          (await h.call('GET', `/events/${missed?.id}`)).json<{
            ledger: { transaction: unknown };
          }>().ledger.transaction,
        ).toBeNull();
      });

      it('searches the notification log by order id, transaction id, e-mail or request id, and by time', async () => {
        const search = async (query: string) =>
          ids(await h.call('GET', `/inbound-requests?${query}`));
        const refund1 = await search('q=REFUND1');
        expect(refund1).toHaveLength(2);
        expect(await search('q=7001')).toEqual([refund1[1]]);
        expect(await search(`q=${encodeURIComponent(EMAIL.toUpperCase())}&limit=500`)).toHaveLength(
          bodies.length,
        );
        expect(await search(`q=${refund1[0]}`)).toEqual([refund1[0]]);
        expect(await search('q=no-such-order')).toEqual([]);
        expect(await search(`q=REFUND1&verdict=rejected`)).toEqual([]);
        const all = await search('limit=500');
        expect(await search('from=2000-01-01T00:00:00Z&limit=500')).toEqual(all);
        expect(await search('from=2999-01-01T00:00:00Z')).toEqual([]);
        expect(await search('to=2000-01-01T00:00:00%2B02:00')).toEqual([]);
        expect(await search('from=2000-01-01T00:00:00Z&to=2999-01-01T00:00:00Z&q=REFUND1')).toEqual(
          refund1,
        );
        const bad = await h.call('GET', '/inbound-requests?from=yesterday');
        expect(bad.status).toBe(400);
        expect(bad.json<ErrorBody>().error.code).toBe('VALIDATION_FAILED');
      });
    });

    describe('events and inbound requests', () => {
      it('shows an event as the full canonical event with its deliveries', async () => {
        const list = await h.call('GET', '/events?orderId=SUBSCR1&type=payment');
        const [item] = list.json<PageBody<{ id: string }>>().data;
        const res = await h.call('GET', `/events/${item?.id}`);
        expect(res.status).toBe(200);
        expect(res.json()).toMatchObject({
          id: item?.id,
          type: 'payment',
          source: { id: sourceId, provider: 'digistore24', test: false },
          order: {
            id: 'SUBSCR1',
            transactionId: '6001',
            amount: 2900,
            currency: 'EUR',
            items: [{ productId: '200' }],
          },
          buyer: { email: EMAIL },
          raw: { order_id: 'SUBSCR1', product_id: '200' },
          inboundRequestId: expect.stringMatching(/^req_/),
          deliveries: [
            {
              connectionId,
              connectionName: 'Hook',
              eventId: item?.id,
              status: 'pending',
              attemptCount: 0,
            },
          ],
        });
        expect((await h.call('GET', '/events/evt_missing')).json<ErrorBody>().error.code).toBe(
          'NOT_FOUND',
        );
      });

      it('lists inbound requests without bodies and shows one byte-exact', async () => {
        const list = await h.call(
          'GET',
          `/inbound-requests?verdict=accepted&sourceId=${sourceId}&limit=500`,
        );
        const items = list.json<PageBody<Record<string, unknown>>>().data;
        expect(items).toHaveLength(bodies.length);
        expect(items[0]).not.toHaveProperty('body');
        expect(items[0]).toMatchObject({
          verdict: 'accepted',
          provider: 'digistore24',
          method: 'POST',
          verification: expect.any(String),
          bodyBytes: Buffer.byteLength(bodies.at(-1) ?? ''),
        });
        expect(list.text).not.toContain('sha_sign=');

        const detail = await h.call('GET', `/inbound-requests/${String(items[0]?.id)}`);
        const body = detail.json<{
          body: string;
          bodyBase64: string;
          headers: Record<string, string>;
          eventIds: string[];
          fields: Array<{ name: string; value: string }> | null;
          fieldsError: string | null;
        }>();
        expect(body.body).toBe(bodies.at(-1));
        expect(body.fields).toEqual(
          [...new URLSearchParams(bodies.at(-1))].map(([name, value]) => ({ name, value })),
        );
        expect(body.fields).toContainEqual({ name: 'address_street', value: 'Musterstraße 5' });
        expect(body.fieldsError).toBeNull();
        expect(detail.json<{ charset: unknown }>().charset).toEqual({
          name: 'utf-8',
          basis: 'provider',
        });
        expect(Buffer.from(body.bodyBase64, 'base64').toString('utf8')).toBe(bodies.at(-1));
        expect(body.headers).toEqual({ 'content-type': 'application/x-www-form-urlencoded' });
        expect(body.eventIds).toHaveLength(1);
        expect(detail.text).not.toContain(PASSPHRASE);
        expect((await h.call('GET', '/inbound-requests?verdict=rejected')).json()).toEqual({
          data: [],
          nextCursor: null,
        });
      });
    });
  });
}
