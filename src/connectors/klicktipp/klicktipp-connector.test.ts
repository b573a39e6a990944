import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startKlickTippFake } from '../../../test/fakes/klicktipp-fake.js';
import type { KlickTippFake } from '../../../test/fakes/klicktipp-fake.js';
import { sampleEvent } from '../sample-event.js';
import {
  calls,
  config,
  connector,
  context,
  EMAIL,
  fakeOptions,
  http,
  PASSWORD,
  PRODUCT,
  testContext,
  USER,
} from './test-support/contract-harness.js';

afterAll(async () => {
  await http.close();
});

describe('klicktipp connector', () => {
  let fake: KlickTippFake;

  beforeEach(async () => {
    fake = await startKlickTippFake(fakeOptions);
  });
  afterEach(async () => {
    await fake.close();
  });

  it('subscribes the first buyer with the address fields and the product tag', async () => {
    const result = await connector.deliver(sampleEvent('payment'), config(fake.url), context());
    expect(result).toEqual({
      outcome: 'delivered',
      response: 'contact 155988456 upserted (Opt-In Pending), tags +1 -0',
    });
    const contact = fake.subscriber(EMAIL);
    expect(contact?.fields).toEqual({
      fieldFirstName: 'Anna',
      fieldLastName: 'Beispiel',
      fieldStreet1: 'Musterstraße 5',
      fieldZip: '10115',
      fieldCity: 'Berlin',
      fieldCountry: 'DE',
    });
    expect(fake.tagNames(EMAIL)).toEqual([PRODUCT]);
    expect(fake.logins).toBe(1);
    expect(calls(fake)).toEqual(['GET /tag 200', 'POST /tag 200', 'POST /subscriber 200']);
    const subscribe = fake.requests.find((r) => r.path === '/subscriber');
    expect(subscribe?.contentType).toBe('application/json');
    expect(subscribe?.body).toEqual({
      email: EMAIL,
      tagid: 1001,
      fields: {
        fieldFirstName: 'Anna',
        fieldLastName: 'Beispiel',
        fieldStreet1: 'Musterstraße 5',
        fieldZip: '10115',
        fieldCity: 'Berlin',
        fieldCountry: 'DE',
      },
    });
  });

  it('subscribes through the configured opt-in process', async () => {
    await connector.deliver(sampleEvent('payment'), config(fake.url, { listId: 200 }), context());
    expect(fake.subscriber(EMAIL)).toMatchObject({ status: 'Subscribed', listId: 200 });
  });

  it('changes nothing when the same delivery runs twice', async () => {
    const event = sampleEvent('payment');
    const target = config(fake.url);
    const first = await connector.deliver(
      event,
      target,
      context({ deliveryId: 'dlv_SAME', attempt: 1 }),
    );
    const before = fake.snapshot();
    const second = await connector.deliver(
      event,
      target,
      context({ deliveryId: 'dlv_SAME', attempt: 2 }),
    );
    expect(first.outcome).toBe('delivered');
    expect(second).toEqual({
      outcome: 'delivered',
      response: 'contact 155988456 upserted (Opt-In Pending), tags +1 -0',
    });
    expect(fake.snapshot()).toBe(before);
    expect(fake.state.subscribers.size).toBe(1);
    expect(fake.state.tags.size).toBe(1);
    expect(fake.tagNames(EMAIL)).toEqual([PRODUCT]);
    expect(fake.logins).toBe(1);
  });

  it('removes the product tag and marks the refund', async () => {
    const target = config(fake.url);
    await connector.deliver(sampleEvent('payment'), target, context());
    const result = await connector.deliver(sampleEvent('refund'), target, context());
    expect(result).toEqual({
      outcome: 'delivered',
      response: 'contact 155988456 found, tags +1 -1',
    });
    expect(fake.tagNames(EMAIL)).toEqual([`refund: ${PRODUCT}`]);
    expect(fake.subscriber(EMAIL)?.status).toBe('Opt-In Pending');
    expect(calls(fake).slice(3)).toEqual([
      'GET /tag 200',
      'POST /tag 200',
      'POST /subscriber/search 200',
      'POST /subscriber/tag 200',
      'POST /subscriber/untag 200',
    ]);
    expect(fake.requests.find((r) => r.path === '/subscriber/untag')?.body).toEqual({
      email: EMAIL,
      tagid: 1001,
    });
  });

  it('unsubscribes on refund when configured, and a repeat finds the contact already unsubscribed', async () => {
    const target = config(fake.url, {
      listId: 200,
      actions: {
        payment: { subscribe: true, addTags: ['{product.name}'] },
        refund: { removeTags: ['{product.name}'], unsubscribe: true },
      },
    });
    await connector.deliver(sampleEvent('payment'), target, context());
    expect(await connector.deliver(sampleEvent('refund'), target, context())).toEqual({
      outcome: 'delivered',
      response: 'contact 155988456 found, tags +0 -1, unsubscribed',
    });
    expect(fake.subscriber(EMAIL)?.status).toBe('Unsubscribed');
    expect(fake.tagNames(EMAIL)).toEqual([]);
    expect(await connector.deliver(sampleEvent('refund'), target, context())).toEqual({
      outcome: 'delivered',
      response: 'contact 155988456 found, tags +0 -1, not subscribed (error 9)',
    });
  });

  it('skips a refund for a buyer Klick-Tipp does not know, without writing', async () => {
    const before = fake.snapshot();
    const result = await connector.deliver(
      sampleEvent('refund'),
      config(fake.url, {
        createMissingTags: false,
        actions: { refund: { removeTags: ['{product.name}'] } },
      }),
      context(),
    );
    expect(result).toEqual({
      outcome: 'skipped',
      reason: `${EMAIL} is not a Klick-Tipp contact; nothing to change on refund`,
    });
    expect(fake.snapshot()).toBe(before);
  });

  it('fails with TARGET_AUTH_FAILED on wrong credentials, after one login and no other call', async () => {
    const target = connector.configSchema.parse({
      baseUrl: fake.url,
      auth: { username: USER, password: 'wrong' },
      requestsPerSecond: 100,
    });
    const result = await connector.deliver(sampleEvent('payment'), target, context());
    expect(result).toEqual({
      outcome: 'failed',
      reason:
        'TARGET_AUTH_FAILED: Klick-Tipp rejected the credentials: login refused (HTTP 401): Wrong username or password.',
    });
    expect(fake.logins).toBe(1);
    expect(fake.requests).toHaveLength(1);
  });

  it('retries after Retry-After on 429', async () => {
    fake.failNext({
      status: 429,
      headers: { 'retry-after': '30' },
      body: ['Too many requests.'],
      path: '/subscriber',
    });
    const result = await connector.deliver(sampleEvent('payment'), config(fake.url), context());
    expect(result).toMatchObject({
      outcome: 'retry',
      statusCode: 429,
      retryAfterSeconds: 30,
      overloaded: true,
      reason: 'Klick-Tipp answered HTTP 429: Too many requests.',
    });
    expect(fake.state.subscribers.size).toBe(0);
  });

  it('retries on 5xx', async () => {
    fake.failNext({ status: 503, body: ['Maintenance.'] });
    const result = await connector.deliver(sampleEvent('payment'), config(fake.url), context());
    expect(result).toMatchObject({
      outcome: 'retry',
      statusCode: 503,
      reason: 'Klick-Tipp answered HTTP 503: Maintenance.',
    });
  });

  it('logs in exactly once more when the session expired, and delivers', async () => {
    const target = config(fake.url);
    await connector.deliver(sampleEvent('payment'), target, context());
    expect(fake.logins).toBe(1);
    fake.expireSessions();
    const result = await connector.deliver(sampleEvent('refund'), target, context());
    expect(result.outcome).toBe('delivered');
    expect(fake.logins).toBe(2);
    expect(fake.requests.filter((r) => r.status === 403)).toHaveLength(1);
    expect(fake.tagNames(EMAIL)).toEqual([`refund: ${PRODUCT}`]);
  });

  it('fails after one re-login when Klick-Tipp keeps denying API access', async () => {
    fake.failNext(
      { status: 403, body: ['API access denied.'], path: '/tag' },
      { status: 403, body: ['API access denied.'], path: '/tag' },
    );
    const result = await connector.deliver(sampleEvent('payment'), config(fake.url), context());
    expect(result).toMatchObject({
      outcome: 'failed',
      statusCode: 403,
      reason:
        'TARGET_AUTH_FAILED: Klick-Tipp rejected the credentials (HTTP 403): API access denied.',
    });
    expect(fake.logins).toBe(2);
    expect(fake.requests).toHaveLength(4);
  });

  it('maps custom fields, scaling amounts for decimal fields and dates to Unix seconds', async () => {
    const target = config(fake.url, {
      mapping: {
        fieldFirstName: 'buyer.firstName',
        field500: 'order.amount',
        field501: 'occurredAt',
        field502: '{order.id} / {raw.custom}',
      },
      fieldTypes: { field500: 'decimal', field501: 'date' },
    });
    await connector.deliver(sampleEvent('payment'), target, context());
    expect(fake.requests.find((r) => r.path === '/subscriber')?.body).toMatchObject({
      fields: {
        fieldFirstName: 'Anna',
        field500: '9700',
        field501: String(Date.parse('2024-05-14T07:12:45.000Z') / 1000),
        field502: 'K7QX2M9P / crm_contact=42',
      },
    });
    expect(fake.subscriber(EMAIL)?.fields).toEqual({
      fieldFirstName: 'Anna',
      field500: '97.00',
      field501: '1715670765',
      field502: 'K7QX2M9P / crm_contact=42',
    });
  });

  it('leaves out values that are only whitespace, so they never overwrite what Klick-Tipp holds', async () => {
    const order = { ...sampleEvent().order!, amount: null, currency: null };
    const event = sampleEvent('payment', { order, raw: { ...sampleEvent().raw, city: '  ' } });
    const target = config(fake.url, {
      mapping: {
        fieldFirstName: 'buyer.firstName',
        field502: '{amount} {order.currency}',
        fieldCity: 'raw.city',
      },
    });
    expect((await connector.deliver(event, target, context())).outcome).toBe('delivered');
    expect(fake.requests.find((r) => r.path === '/subscriber')?.body).toMatchObject({
      fields: { fieldFirstName: 'Anna' },
    });
    expect(fake.subscriber(EMAIL)?.fields).toEqual({ fieldFirstName: 'Anna' });
  });

  it("fails with Klick-Tipp's message when a mapped field does not exist", async () => {
    const result = await connector.deliver(
      sampleEvent('payment'),
      config(fake.url, { mapping: { field999: 'order.id' } }),
      context(),
    );
    expect(result).toMatchObject({
      outcome: 'failed',
      statusCode: 406,
      reason:
        'TARGET_VALIDATION_FAILED: Klick-Tipp answered HTTP 406: error 8 (field validation failed): field999: unknown field',
    });
    expect(fake.state.subscribers.size).toBe(0);
  });

  it('renders tag templates and creates each tag once', async () => {
    const target = config(fake.url, {
      actions: {
        payment: {
          subscribe: true,
          addTags: [
            'paypal-integration',
            'paypal-integration-{event}',
            '{product.name}',
            'paypal-integration',
          ],
        },
      },
    });
    const result = await connector.deliver(sampleEvent('payment'), target, context());
    expect(result).toEqual({
      outcome: 'delivered',
      response: 'contact 155988456 upserted (Opt-In Pending), tags +3 -0',
    });
    expect(fake.tagNames(EMAIL)).toEqual([
      PRODUCT,
      'paypal-integration',
      'paypal-integration-payment',
    ]);
    expect(fake.requests.find((r) => r.path === '/subscriber/tag')?.body).toEqual({
      email: EMAIL,
      tagids: [1002, 1003],
    });
    await connector.deliver(sampleEvent('payment'), target, context());
    expect(fake.state.tags.size).toBe(3);
  });

  it('uses existing tags only when creating tags is off, and names a missing one', async () => {
    const target = config(fake.url, { createMissingTags: false });
    const result = await connector.deliver(sampleEvent('payment'), target, context());
    expect(result).toEqual({
      outcome: 'failed',
      reason: `TARGET_VALIDATION_FAILED: Klick-Tipp has no tag named "${PRODUCT}"; create it in Klick-Tipp or turn on "Create missing tags"`,
    });
    expect(fake.state.subscribers.size).toBe(0);
  });

  it("fails to remove a smart tag with Klick-Tipp's error 31", async () => {
    const smart = await startKlickTippFake({ ...fakeOptions, smartTags: { 90: PRODUCT } });
    try {
      const target = config(smart.url);
      await connector.deliver(
        sampleEvent('payment'),
        config(smart.url, { actions: { payment: { subscribe: true } } }),
        context(),
      );
      smart.subscriber(EMAIL)?.tags.set(90, 1);
      const result = await connector.deliver(sampleEvent('refund'), target, context());
      expect(result).toMatchObject({
        outcome: 'failed',
        reason:
          'TARGET_VALIDATION_FAILED: Klick-Tipp answered HTTP 406: error 31 (smart tags cannot be removed)',
      });
    } finally {
      await smart.close();
    }
  });

  it('authenticates as a partner with X-Un and X-Ci instead of a session', async () => {
    const partner = await startKlickTippFake({
      ...fakeOptions,
      partner: { developerKey: '00112233445566778899aabbccddeeff', customerKey: 'cust-abc' },
    });
    try {
      const auth = {
        method: 'partner',
        username: USER,
        developerKey: '00112233445566778899aabbccddeeff',
        customerKey: 'cust-abc',
      };
      const result = await connector.deliver(
        sampleEvent('payment'),
        config(partner.url, { auth }),
        context(),
      );
      expect(result.outcome).toBe('delivered');
      expect(partner.logins).toBe(0);
      expect(partner.tagNames(EMAIL)).toEqual([PRODUCT]);
      const wrong = await connector.deliver(
        sampleEvent('payment'),
        config(partner.url, { auth: { ...auth, customerKey: 'cust-xyz' } }),
        context(),
      );
      expect(wrong).toMatchObject({
        outcome: 'failed',
        reason:
          'TARGET_AUTH_FAILED: Klick-Tipp rejected the credentials (HTTP 403): API access denied.',
      });
    } finally {
      await partner.close();
    }
  });

  it('skips events without an action, and handles events without a buyer e-mail by type', async () => {
    const target = config(fake.url);
    expect(await connector.deliver(sampleEvent('payment_pending'), target, context())).toEqual({
      outcome: 'skipped',
      reason: 'no Klick-Tipp action is configured for payment_pending events',
    });
    const noBuyer = { buyer: null };
    expect(await connector.deliver(sampleEvent('payment', noBuyer), target, context())).toEqual({
      outcome: 'failed',
      reason: 'the payment event carries no buyer e-mail, and Klick-Tipp finds contacts by e-mail',
    });
    expect(
      await connector.deliver(sampleEvent('rebill_cancelled', noBuyer), target, context()),
    ).toEqual({
      outcome: 'skipped',
      reason:
        'the rebill_cancelled event carries no buyer e-mail, and Klick-Tipp finds contacts by e-mail',
    });
    expect(fake.requests).toHaveLength(0);
  });

  it('passes the connection test without writing, and names mapped fields Klick-Tipp lacks', async () => {
    const before = fake.snapshot();
    expect(await connector.testConnection(config(fake.url), testContext())).toEqual({
      ok: true,
      message: 'logged in to Klick-Tipp as shop-owner; all 10 mapped fields exist',
    });
    expect(
      await connector.testConnection(
        config(fake.url, { mapping: { fieldCity: 'buyer.address.city', field777: 'order.id' } }),
        testContext(),
      ),
    ).toEqual({
      ok: false,
      message:
        'logged in to Klick-Tipp as shop-owner, but it has no field field777: create the fields in Klick-Tipp or fix the mapping (the connector never creates fields)',
    });
    const wrong = connector.configSchema.parse({
      baseUrl: fake.url,
      auth: { username: USER, password: 'wrong' },
    });
    expect(await connector.testConnection(wrong, testContext())).toEqual({
      ok: false,
      message:
        'TARGET_AUTH_FAILED: Klick-Tipp rejected the credentials: login refused (HTTP 401): Wrong username or password.',
    });
    expect(fake.snapshot()).toBe(before);
    expect(fake.requests.filter((r) => r.method !== 'GET' && r.path !== '/account/login')).toEqual(
      [],
    );
  });

  it('accepts the documented subscribe example shape in the config and refuses unknown field keys', () => {
    expect(
      connector.configSchema.safeParse({
        auth: { username: USER, password: PASSWORD },
        mapping: { field227685: 'order.id', fieldZip: 'buyer.address.zipcode' },
      }).success,
    ).toBe(true);
    const bad = connector.configSchema.safeParse({
      auth: { username: USER, password: PASSWORD },
      mapping: { email: 'buyer.email' },
    });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]?.path).toEqual(['mapping', 'email']);
    const partner = connector.configSchema.safeParse({
      auth: { method: 'partner', username: USER, developerKey: 'xyz' },
    });
    expect(partner.error?.issues.map((i) => i.path.join('.'))).toEqual([
      'auth.developerKey',
      'auth.customerKey',
    ]);
  });
});
