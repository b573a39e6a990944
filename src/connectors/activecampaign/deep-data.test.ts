import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startActiveCampaignFake } from '../../../test/fakes/activecampaign-fake.js';
import type { ActiveCampaignFake } from '../../../test/fakes/activecampaign-fake.js';
import { createHttpClient } from '../../lib/http-client.js';
import { sampleEvent } from '../sample-event.js';
import { activeCampaignConnector } from './activecampaign-connector.js';
import { acConfig, deliveryContext } from './test-support/contexts.js';

const http = createHttpClient({ timeoutMs: 2000, allowList: ['127.0.0.1'] });
const connector = activeCampaignConnector({ requestsPerSecond: 1000 });
const EMAIL = 'anna.beispiel@example.com';

afterAll(async () => {
  await http.close();
});

describe('activecampaign Deep Data orders', () => {
  let fake: ActiveCampaignFake;

  beforeEach(async () => {
    fake = await startActiveCampaignFake();
  });
  afterEach(async () => {
    await fake.close();
  });

  const config = (deepData: Record<string, unknown> = { enabled: true }) =>
    acConfig(fake.url, fake.apiToken, { deepData });

  it('records the store, the customer and the payment as an order in cents', async () => {
    const result = await connector.deliver(
      sampleEvent('payment'),
      config({
        enabled: true,
        storeId: 'ds24-main',
        storeName: 'My Courses',
        storeUrl: 'https://courses.example.com',
      }),
      deliveryContext(http),
    );
    expect(result).toEqual({
      outcome: 'delivered',
      response: 'contact 1 upserted, tags +1 -0, order 1 recorded',
    });
    expect(fake.state.connections).toMatchObject([
      {
        id: '1',
        service: 'ipnhub',
        externalid: 'ds24-main',
        name: 'My Courses',
        linkUrl: 'https://courses.example.com',
        logoUrl: '',
      },
    ]);
    expect(fake.state.ecomCustomers).toMatchObject([
      { id: '1', connectionid: '1', externalid: EMAIL, email: EMAIL, acceptsMarketing: '0' },
    ]);
    const order = fake.requests.find(
      (r) => r.method === 'POST' && r.path === '/api/3/ecomOrders',
    )?.body;
    expect(order).toEqual({
      ecomOrder: {
        externalid: '91000001',
        source: 1,
        email: EMAIL,
        orderNumber: 'K7QX2M9P',
        orderProducts: [
          { externalid: '543210', name: 'Online Course Basic', price: 9700, quantity: 1 },
        ],
        totalPrice: 9700,
        taxAmount: 1549,
        currency: 'EUR',
        connectionid: '1',
        customerid: '1',
        externalCreatedDate: '2024-05-14T07:12:45.000Z',
        orderUrl: 'https://www.digistore24.com/receipt/543210/K7QX2M9P/ABCD1234',
      },
    });
    expect(
      fake.requests.find((r) => r.method === 'GET' && r.path === '/api/3/connections')?.query,
    ).toEqual({
      'filters[service]': 'ipnhub',
      'filters[externalid]': 'ds24-main',
      limit: '100',
      offset: '0',
    });
  });

  it('records nothing twice when the delivery is repeated', async () => {
    const event = sampleEvent('payment');
    await connector.deliver(event, config(), deliveryContext(http, { deliveryId: 'dlv_twice' }));
    const before = fake.snapshot();
    const again = await connector.deliver(
      event,
      config(),
      deliveryContext(http, { deliveryId: 'dlv_twice', attempt: 2 }),
    );
    expect(again).toEqual({
      outcome: 'delivered',
      response: 'contact 1 upserted, tags +0 -0, order 1 already recorded',
    });
    expect(fake.snapshot()).toBe(before);
    expect(fake.state.ecomOrders).toHaveLength(1);
    expect(fake.state.ecomCustomers).toHaveLength(1);
    expect(fake.state.connections).toHaveLength(1);
  });

  it('finds the order an earlier attempt created when its answer was lost', async () => {
    fake.failWhen({ request: 'POST /api/3/ecomOrders', status: 502, afterProcessing: true });
    const event = sampleEvent('payment');
    expect(
      await connector.deliver(event, config(), deliveryContext(http, { deliveryId: 'dlv_lost' })),
    ).toMatchObject({ outcome: 'retry', statusCode: 502 });
    expect(fake.state.ecomOrders).toHaveLength(1);
    expect(
      await connector.deliver(
        event,
        config(),
        deliveryContext(http, { deliveryId: 'dlv_lost', attempt: 2 }),
      ),
    ).toEqual({
      outcome: 'delivered',
      response: 'contact 1 upserted, tags +0 -0, order 1 already recorded',
    });
    expect(fake.state.ecomOrders).toHaveLength(1);
  });

  it('records each rebill of a subscription as its own order for the same customer', async () => {
    const first = sampleEvent('payment');
    const rebill = sampleEvent('payment', {
      order: {
        ...first.order!,
        transactionId: '91000002',
        paySequenceNo: 2,
        billingType: 'subscription',
        items: [{ ...first.order!.items[0]!, amount: null }],
      },
    });
    await connector.deliver(first, config(), deliveryContext(http));
    expect(await connector.deliver(rebill, config(), deliveryContext(http))).toMatchObject({
      outcome: 'delivered',
      response: 'contact 1 upserted, tags +0 -0, order 2 recorded',
    });
    expect(
      fake.state.ecomOrders.map((o) => [o.externalid, o.orderNumber, o.customerid, o.totalPrice]),
    ).toEqual([
      ['91000001', 'K7QX2M9P', '1', 9700],
      ['91000002', 'K7QX2M9P', '1', 9700],
    ]);
    // Without an item amount, a single item is priced at the order's amount.
    expect(fake.state.ecomOrders[1]?.orderProducts).toEqual([
      { externalid: '543210', name: 'Online Course Basic', price: 9700, quantity: 1 },
    ]);
  });

  it('marks buyers who opted in as accepting marketing', async () => {
    const event = sampleEvent('payment', {
      buyer: { ...sampleEvent().buyer!, newsletterConsent: true },
    });
    await connector.deliver(event, config(), deliveryContext(http));
    expect(fake.state.ecomCustomers[0]?.acceptsMarketing).toBe('1');
  });

  it('records orders for payments only', async () => {
    expect(await connector.deliver(sampleEvent('refund'), config(), deliveryContext(http))).toEqual(
      { outcome: 'delivered', response: 'contact 1 upserted, tags +1 -0' },
    );
    expect(
      fake.requests.filter(
        (r) => r.path.startsWith('/api/3/ecom') || r.path.startsWith('/api/3/connections'),
      ),
    ).toEqual([]);
  });

  it('says so, and still delivers, when a payment carries no amount', async () => {
    const event = sampleEvent('payment', { order: { ...sampleEvent().order!, amount: null } });
    expect(await connector.deliver(event, config(), deliveryContext(http))).toEqual({
      outcome: 'delivered',
      response:
        'contact 1 upserted, tags +1 -0, no order recorded (the event has no amount and currency)',
    });
    expect(fake.state.ecomOrders).toEqual([]);
  });

  it('stays off unless enabled', async () => {
    await connector.deliver(
      sampleEvent('payment'),
      acConfig(fake.url, fake.apiToken),
      deliveryContext(http),
    );
    expect(fake.state.connections).toEqual([]);
    expect(fake.state.ecomOrders).toEqual([]);
  });

  it('records an order without item lines as one line for the whole amount', async () => {
    const event = sampleEvent('payment', { order: { ...sampleEvent().order!, items: [] } });
    expect(await connector.deliver(event, config(), deliveryContext(http))).toMatchObject({
      outcome: 'delivered',
    });
    expect(fake.state.ecomOrders[0]?.orderProducts).toEqual([
      { externalid: 'K7QX2M9P', name: 'Order K7QX2M9P', price: 9700, quantity: 1 },
    ]);
  });

  it("fails with the target's message when an order is refused for another reason", async () => {
    const event = sampleEvent('payment', { order: { ...sampleEvent().order!, currency: 'EURO' } });
    const result = await connector.deliver(event, config(), deliveryContext(http));
    expect(result).toMatchObject({
      outcome: 'failed',
      statusCode: 422,
      reason:
        'TARGET_VALIDATION_FAILED: ActiveCampaign answered HTTP 422: currency must be a 3-letter ISO code',
    });
    expect(fake.state.ecomOrders).toEqual([]);
  });
});
