import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { closedPort } from '../../../test/helpers/closed-port.js';
import { pollUntil } from '../../../test/helpers/poll-until.js';
import { startActiveCampaignFake } from '../../../test/fakes/activecampaign-fake.js';
import type {
  ActiveCampaignFake,
  ActiveCampaignFakeOptions,
} from '../../../test/fakes/activecampaign-fake.js';
import { sampleEvent } from '../sample-event.js';
import { activeCampaignConnector } from './activecampaign-connector.js';
import { acConfig, deliveryContext, testContext } from './test-support/contexts.js';
import { connector, EMAIL, http, PRODUCT } from './test-support/contract-harness.js';

afterAll(async () => {
  await http.close();
});

describe('activecampaign connector', () => {
  let fake: ActiveCampaignFake;

  async function start(options: ActiveCampaignFakeOptions = {}): Promise<ActiveCampaignFake> {
    fake = await startActiveCampaignFake(options);
    return fake;
  }

  beforeEach(async () => {
    await start({ lists: ['Buyers', 'Newsletter'] });
  });
  afterEach(async () => {
    await fake.close();
  });

  const config = (input: Record<string, unknown> = {}) => acConfig(fake.url, fake.apiToken, input);
  const calls = () =>
    fake.requests.map(
      (r) =>
        `${r.method} ${r.path}${r.query.search !== undefined ? `?search=${r.query.search}` : ''}`,
    );

  it('creates the contact on the first payment with the mapped fields and the product tag', async () => {
    const result = await connector.deliver(sampleEvent('payment'), config(), deliveryContext(http));
    expect(result).toEqual({ outcome: 'delivered', response: 'contact 1 upserted, tags +1 -0' });
    expect(fake.state.contacts).toEqual([
      {
        id: '1',
        email: EMAIL,
        firstName: 'Anna',
        lastName: 'Beispiel',
        phone: '',
        cdate: expect.any(String),
        udate: expect.any(String),
      },
    ]);
    expect(fake.tagsOf(EMAIL)).toEqual([PRODUCT]);
    expect(calls()).toEqual([
      'POST /api/3/contact/sync',
      'GET /api/3/contacts/1/contactTags',
      `GET /api/3/tags?search=${PRODUCT}-payment_missed`,
      `GET /api/3/tags?search=${PRODUCT}`,
      'POST /api/3/tags',
      'POST /api/3/contactTags',
    ]);
    // No null sent as text: the buyer has no phone.
    expect(fake.requests[0]?.body).toEqual({
      contact: { email: EMAIL, firstName: 'Anna', lastName: 'Beispiel' },
    });
    expect(
      fake.requests.every((r) => r.headers['api-token'] === fake.apiToken && r.status < 300),
    ).toBe(true);
    expect(
      fake.requests.find((r) => r.path === '/api/3/tags' && r.method === 'GET')?.query.limit,
    ).toBe('100');
  });

  it('changes nothing when the same delivery runs twice', async () => {
    const event = sampleEvent('payment');
    const first = await connector.deliver(
      event,
      config(),
      deliveryContext(http, { deliveryId: 'dlv_same', attempt: 1 }),
    );
    const after = fake.snapshot();
    const second = await connector.deliver(
      event,
      config(),
      deliveryContext(http, { deliveryId: 'dlv_same', attempt: 2 }),
    );
    expect(first).toEqual({ outcome: 'delivered', response: 'contact 1 upserted, tags +1 -0' });
    expect(second).toEqual({ outcome: 'delivered', response: 'contact 1 upserted, tags +0 -0' });
    expect(fake.snapshot()).toBe(after);
    expect(fake.state.contacts).toHaveLength(1);
    expect(fake.state.tags.map((t) => t.tag)).toEqual([PRODUCT]);
    expect(fake.state.contactTags).toHaveLength(1);
    // The second run only re-syncs the contact (an upsert) and reads.
    expect(fake.writes().map((r) => `${r.method} ${r.path}`)).toEqual([
      'POST /api/3/contact/sync',
      'POST /api/3/tags',
      'POST /api/3/contactTags',
      'POST /api/3/contact/sync',
    ]);
  });

  it('takes the product tag off on a refund and leaves the refund tag', async () => {
    await connector.deliver(sampleEvent('payment'), config(), deliveryContext(http));
    const result = await connector.deliver(sampleEvent('refund'), config(), deliveryContext(http));
    expect(result).toEqual({ outcome: 'delivered', response: 'contact 1 upserted, tags +1 -1' });
    expect(fake.tagsOf(EMAIL)).toEqual([`${PRODUCT}-refund`]);
    expect(fake.state.tags.map((t) => t.tag)).toEqual([PRODUCT, `${PRODUCT}-refund`]);
    expect(fake.requests.filter((r) => r.method === 'DELETE').map((r) => r.path)).toEqual([
      '/api/3/contactTags/1',
    ]);
  });

  it('keeps the product tag on a partial refund and marks it, by the default refund_partial action', async () => {
    await connector.deliver(sampleEvent('payment'), config(), deliveryContext(http));
    const partial = sampleEvent('refund', {
      refund: {
        full: false,
        paymentTransactionId: '91000001',
        paymentAmount: 9700,
        refundedTotal: 2000,
      },
    });
    const result = await connector.deliver(partial, config(), deliveryContext(http));
    expect(result).toEqual({ outcome: 'delivered', response: 'contact 1 upserted, tags +1 -0' });
    expect(fake.tagsOf(EMAIL).sort()).toEqual([PRODUCT, `${PRODUCT}-partial_refund`]);
    expect(fake.requests.filter((r) => r.method === 'DELETE')).toEqual([]);
    // A connection whose own actions name no refund_partial does nothing on it.
    const own = await connector.deliver(
      partial,
      config({ actions: { refund: { removeTags: ['{product.name}'] } } }),
      deliveryContext(http),
    );
    expect(own).toEqual({
      outcome: 'skipped',
      reason: 'no ActiveCampaign action is configured for refund_partial events',
    });
  });

  it('subscribes to lists on payment and unsubscribes on refund, as configured', async () => {
    const actions = {
      payment: { addTags: ['customer'], subscribeLists: ['1'] },
      refund: { removeTags: ['customer'], unsubscribeLists: ['1'] },
    };
    const paid = await connector.deliver(
      sampleEvent('payment'),
      config({ actions }),
      deliveryContext(http),
    );
    expect(paid).toEqual({
      outcome: 'delivered',
      response: 'contact 1 upserted, tags +1 -0, lists +1 -0',
    });
    expect(fake.listStatus(EMAIL, '1')).toBe('1');
    expect(fake.tagsOf(EMAIL)).toEqual(['customer']);
    expect(fake.requests.find((r) => r.path === '/api/3/contactLists')?.body).toEqual({
      contactList: { list: '1', contact: '1', status: 1 },
    });

    const refunded = await connector.deliver(
      sampleEvent('refund'),
      config({ actions }),
      deliveryContext(http),
    );
    expect(refunded).toEqual({
      outcome: 'delivered',
      response: 'contact 1 upserted, tags +0 -1, lists +0 -1',
    });
    expect(fake.listStatus(EMAIL, '1')).toBe('2');
    expect(fake.tagsOf(EMAIL)).toEqual([]);
    expect(fake.listStatus(EMAIL, '2')).toBeUndefined();
  });

  it('fails with TARGET_AUTH_FAILED on a wrong API key after one request, without retrying', async () => {
    const result = await connector.deliver(
      sampleEvent('payment'),
      acConfig(fake.url, 'wrong-key'),
      deliveryContext(http),
    );
    expect(result).toEqual({
      outcome: 'failed',
      reason: 'TARGET_AUTH_FAILED: ActiveCampaign rejected the credentials (HTTP 403): Forbidden',
      statusCode: 403,
    });
    expect(fake.requests).toHaveLength(1);
    expect(fake.state.contacts).toEqual([]);
  });

  it('fails at once, with no second try, when the key was regenerated in ActiveCampaign', async () => {
    // An API key does not expire like a session: there is nothing to log in again with, so a
    // rejected key is one request and a failed delivery, never a storm.
    const old = config();
    expect(
      (await connector.deliver(sampleEvent('payment'), old, deliveryContext(http))).outcome,
    ).toBe('delivered');
    fake.setApiToken('regenerated-key');
    const before = fake.requests.length;
    const result = await connector.deliver(sampleEvent('refund'), old, deliveryContext(http));
    expect(result).toMatchObject({
      outcome: 'failed',
      reason: 'TARGET_AUTH_FAILED: ActiveCampaign rejected the credentials (HTTP 403): Forbidden',
    });
    expect(fake.requests.length - before).toBe(1);
    expect(fake.tagsOf(EMAIL)).toEqual([PRODUCT]);
  });

  it('asks for a retry after Retry-After on 429', async () => {
    fake.failNext({ status: 429, retryAfter: '7' });
    const result = await connector.deliver(sampleEvent('payment'), config(), deliveryContext(http));
    expect(result).toEqual({
      outcome: 'retry',
      reason: 'ActiveCampaign answered HTTP 429: Too Many Requests',
      statusCode: 429,
      response: '{"message":"Too Many Requests"}',
      retryAfterSeconds: 7,
      overloaded: true,
    });
    expect(fake.requests).toHaveLength(1);
    expect(
      await connector.deliver(sampleEvent('payment'), config(), deliveryContext(http)),
    ).toEqual({ outcome: 'delivered', response: 'contact 1 upserted, tags +1 -0' });
  });

  it('asks for a retry on 503 (with Retry-After) and on 500', async () => {
    fake.failNext({ status: 503, retryAfter: '30' });
    expect(
      await connector.deliver(sampleEvent('payment'), config(), deliveryContext(http)),
    ).toMatchObject({
      outcome: 'retry',
      statusCode: 503,
      retryAfterSeconds: 30,
      reason: 'ActiveCampaign answered HTTP 503: Service Unavailable',
    });
    fake.failNext({ status: 500, body: { message: 'Internal error' } });
    const result = await connector.deliver(sampleEvent('payment'), config(), deliveryContext(http));
    expect(result).toMatchObject({
      outcome: 'retry',
      statusCode: 500,
      reason: 'ActiveCampaign answered HTTP 500: Internal error',
    });
    expect(result).not.toHaveProperty('retryAfterSeconds');
  });

  it('finishes a delivery that failed half-way without a second contact or tag', async () => {
    fake.failWhen({ request: 'POST /api/3/contactTags', status: 503, afterProcessing: true });
    const event = sampleEvent('payment');
    expect(
      await connector.deliver(
        event,
        config(),
        deliveryContext(http, { deliveryId: 'dlv_half', attempt: 1 }),
      ),
    ).toMatchObject({ outcome: 'retry', statusCode: 503 });
    expect(
      await connector.deliver(
        event,
        config(),
        deliveryContext(http, { deliveryId: 'dlv_half', attempt: 2 }),
      ),
    ).toEqual({ outcome: 'delivered', response: 'contact 1 upserted, tags +0 -0' });
    expect(fake.state.contacts).toHaveLength(1);
    expect(fake.state.tags).toHaveLength(1);
    expect(fake.state.contactTags).toHaveLength(1);
  });

  it('reuses an existing tag whatever its case, and re-finds a tag a concurrent delivery just created', async () => {
    await fake.close();
    await start({ tags: ['online course basic'] });
    expect(
      await connector.deliver(sampleEvent('payment'), config(), deliveryContext(http)),
    ).toMatchObject({ outcome: 'delivered' });
    expect(fake.state.tags.map((t) => t.tag)).toEqual(['online course basic']);
    expect(fake.tagsOf(EMAIL)).toEqual(['online course basic']);

    // The tag appears between this delivery's search and its create: the create is refused as a duplicate.
    fake.failWhen({
      request: 'POST /api/3/tags',
      status: 422,
      afterProcessing: true,
      body: {
        message: 'Could not process request',
        error: "Duplicate entry 'contact-vip' for key 'typetag'",
      },
    });
    const result = await connector.deliver(
      sampleEvent('payment'),
      config({ actions: { payment: { addTags: ['vip'] } } }),
      deliveryContext(http),
    );
    expect(result).toEqual({ outcome: 'delivered', response: 'contact 1 upserted, tags +1 -0' });
    expect(fake.tagsOf(EMAIL)).toEqual(['online course basic', 'vip']);
  });

  describe('a tag the contact already has', () => {
    const order = (id: string) => ({ ...sampleEvent().order!, id, transactionId: `${id}-1` });

    it('is attached once when two deliveries for the same buyer run at the same time (ActiveCampaign storing duplicates)', async () => {
      await fake.close();
      await start({ duplicateContactTag: 'duplicate' });
      // The first delivery is held just before it attaches the product tag…
      const held = fake.hold('POST /api/3/contactTags');
      const first = connector.deliver(
        sampleEvent('payment', { order: order('ORDER-A') }),
        config(),
        deliveryContext(http),
      );
      await held.arrived;
      // …while a payment on another order of the same buyer starts.
      const second = connector.deliver(
        sampleEvent('payment', { order: order('ORDER-B') }),
        config(),
        deliveryContext(http),
      );
      const syncs = await pollUntil(
        async () => fake.requests.filter((r) => r.path === '/api/3/contact/sync').length,
        (n) => n >= 2,
      );
      expect(syncs).toBe(2);
      held.release();
      const results = await Promise.all([first, second]);
      expect(results).toEqual([
        { outcome: 'delivered', response: 'contact 1 upserted, tags +1 -0' },
        { outcome: 'delivered', response: 'contact 1 upserted, tags +0 -0' },
      ]);
      expect(fake.state.contactTags).toHaveLength(1);
      expect(
        fake.requests.filter((r) => r.method === 'POST' && r.path === '/api/3/contactTags'),
      ).toHaveLength(1);
    });

    it('counts as attached when ActiveCampaign refuses it because another process attached it meanwhile', async () => {
      await fake.close();
      await start({ duplicateContactTag: 'refuse', tags: [PRODUCT] });
      const held = fake.hold('POST /api/3/contactTags');
      const delivery = connector.deliver(sampleEvent('payment'), config(), deliveryContext(http));
      await held.arrived;
      // Another ipnhub process (or a person in ActiveCampaign) attaches the tag first.
      fake.state.contactTags.push({
        id: '900',
        contact: '1',
        tag: '1',
        cdate: '2026-03-01T10:00:00-06:00',
      });
      held.release();
      expect(await delivery).toEqual({
        outcome: 'delivered',
        response: 'contact 1 upserted, tags +0 -0',
      });
      expect(
        fake.requests.find((r) => r.method === 'POST' && r.path === '/api/3/contactTags')?.status,
      ).toBe(422);
      expect(fake.state.contactTags).toHaveLength(1);
    });

    it('still fails when ActiveCampaign refuses to attach a tag the contact does not have', async () => {
      await fake.close();
      await start({ duplicateContactTag: 'refuse', tags: [PRODUCT] });
      fake.failWhen({
        request: 'POST /api/3/contactTags',
        status: 422,
        body: { errors: [{ title: 'Contact is not allowed to receive tags' }] },
      });
      expect(
        await connector.deliver(sampleEvent('payment'), config(), deliveryContext(http)),
      ).toMatchObject({
        outcome: 'failed',
        reason:
          'TARGET_VALIDATION_FAILED: ActiveCampaign answered HTTP 422: Contact is not allowed to receive tags',
      });
    });
  });

  it('finds an existing tag beyond the first page of search results', async () => {
    await fake.close();
    await start({ tags: [...Array.from({ length: 120 }, (_, i) => `vip-${i}`), 'VIP'] });
    const result = await connector.deliver(
      sampleEvent('payment'),
      config({ actions: { payment: { addTags: ['vip'] } } }),
      deliveryContext(http),
    );
    expect(result).toEqual({ outcome: 'delivered', response: 'contact 1 upserted, tags +1 -0' });
    expect(fake.state.tags).toHaveLength(121);
    expect(fake.tagsOf(EMAIL)).toEqual(['VIP']);
    expect(fake.requests.filter((r) => r.path === '/api/3/tags').map((r) => r.query)).toEqual([
      { search: 'vip', limit: '100', offset: '0' },
      { search: 'vip', limit: '100', offset: '100' },
    ]);
  });

  it('renders tag templates such as paypal-integration-{event} and {product.name}', async () => {
    const actions = {
      payment: {
        addTags: [
          'paypal-integration',
          'paypal-integration-{event}',
          '{product.name}',
          'city-{buyer.address.city|lower}',
          'company-{buyer.company}',
          'PayPal-Integration',
        ],
      },
    };
    const result = await connector.deliver(
      sampleEvent('payment'),
      config({ actions }),
      deliveryContext(http),
    );
    // `company-{buyer.company}` has no value (no company) and is left out; the duplicate in another case too.
    expect(result).toEqual({ outcome: 'delivered', response: 'contact 1 upserted, tags +4 -0' });
    expect(fake.tagsOf(EMAIL)).toEqual([
      PRODUCT,
      'city-berlin',
      'paypal-integration',
      'paypal-integration-payment',
    ]);
  });

  it('ignores tags to remove that the contact does not have or that do not exist', async () => {
    const actions = { refund: { removeTags: ['never-created', '{product.name}'] } };
    const result = await connector.deliver(
      sampleEvent('refund'),
      config({ actions }),
      deliveryContext(http),
    );
    expect(result).toEqual({ outcome: 'delivered', response: 'contact 1 upserted, tags +0 -0' });
    expect(fake.writes().map((r) => r.path)).toEqual(['/api/3/contact/sync']);
  });

  it('maps values to existing custom fields by personalization tag or title', async () => {
    await fake.close();
    await start({
      fields: [
        { title: 'Order ID', perstag: 'ORDER_ID' },
        { title: 'City', perstag: 'CITY' },
        { title: 'Purchase date', perstag: 'PURCHASE_DATE', type: 'date' },
        { title: 'Affiliate', perstag: 'AFFILIATE' },
        { title: 'Last amount', perstag: 'LAST_AMOUNT' },
      ],
    });
    const customFields = {
      '%ORDER_ID%': 'order.id',
      city: 'buyer.address.city',
      'Purchase date': 'occurredAt',
      AFFILIATE: 'affiliate.name',
      'last amount': '{amount} {order.currency}',
    };
    const result = await connector.deliver(
      sampleEvent('payment'),
      config({ customFields }),
      deliveryContext(http),
    );
    expect(result).toMatchObject({ outcome: 'delivered' });
    expect(fake.requests.find((r) => r.path === '/api/3/fields')?.query).toEqual({
      limit: '100',
      offset: '0',
    });
    // Field ids in mapping order; the empty affiliate is not sent.
    expect(fake.requests.find((r) => r.path === '/api/3/contact/sync')?.body).toEqual({
      contact: {
        email: EMAIL,
        firstName: 'Anna',
        lastName: 'Beispiel',
        fieldValues: [
          { field: '1', value: 'K7QX2M9P' },
          { field: '2', value: 'Berlin' },
          { field: '3', value: '2024-05-14' },
          { field: '5', value: '97.00 EUR' },
        ],
      },
    });
    expect(fake.fieldValue(EMAIL, 'PURCHASE_DATE')).toBe('2024-05-14');
    expect(fake.fieldValue(EMAIL, 'AFFILIATE')).toBeUndefined();
  });

  it('sends per-event custom fields on their event only, so a refund never overwrites the purchase date', async () => {
    await fake.close();
    await start({
      fields: [
        { title: 'City', perstag: 'CITY' },
        { title: 'Purchase date', perstag: 'PURCHASE_DATE', type: 'date' },
        { title: 'Refund date', perstag: 'REFUND_DATE', type: 'date' },
        { title: 'Status', perstag: 'STATUS' },
      ],
    });
    const customFields = { City: 'buyer.address.city', STATUS: '{event}' };
    const actions = {
      payment: {
        addTags: ['{product.name}'],
        customFields: { 'Purchase date': '{occurredAt}', '%STATUS%': 'customer' },
      },
      refund: { removeTags: ['{product.name}'], customFields: { REFUND_DATE: '{occurredAt}' } },
    };
    await connector.deliver(
      sampleEvent('payment'),
      config({ customFields, actions }),
      deliveryContext(http),
    );
    const paid = fake.requests.filter((r) => r.path === '/api/3/contact/sync')[0]?.body as {
      contact: { fieldValues: unknown[] };
    };
    // One value per field: the action's STATUS wins over the connection's.
    expect(paid.contact.fieldValues).toEqual([
      { field: '1', value: 'Berlin' },
      { field: '4', value: 'customer' },
      { field: '2', value: '2024-05-14' },
    ]);

    const refund = sampleEvent('refund', { occurredAt: '2024-06-02T08:00:00.000Z' });
    await connector.deliver(refund, config({ customFields, actions }), deliveryContext(http));
    const refunded = fake.requests.filter((r) => r.path === '/api/3/contact/sync')[1]?.body as {
      contact: { fieldValues: unknown[] };
    };
    expect(refunded.contact.fieldValues).toEqual([
      { field: '1', value: 'Berlin' },
      { field: '4', value: 'refund' },
      { field: '3', value: '2024-06-02' },
    ]);
    expect(fake.fieldValue(EMAIL, 'PURCHASE_DATE')).toBe('2024-05-14');
    expect(fake.fieldValue(EMAIL, 'REFUND_DATE')).toBe('2024-06-02');
  });

  it('fails naming a per-event custom field that does not exist, and the connection test names it too', async () => {
    await fake.close();
    await start({ fields: [{ title: 'Purchase date', perstag: 'PURCHASE_DATE', type: 'date' }] });
    const actions = {
      payment: { customFields: { 'Purchase date': '{occurredAt}' } },
      refund: { customFields: { 'Refund date': '{occurredAt}' } },
    };
    expect(
      (await connector.deliver(sampleEvent('payment'), config({ actions }), deliveryContext(http)))
        .outcome,
    ).toBe('delivered');
    const refunded = await connector.deliver(
      sampleEvent('refund'),
      config({ actions }),
      deliveryContext(http),
    );
    expect(refunded).toMatchObject({
      outcome: 'failed',
      reason: expect.stringContaining('ActiveCampaign has no custom field "Refund date"'),
    });
    const tested = await connector.testConnection(config({ actions }), testContext(http));
    expect(tested).toEqual({
      ok: false,
      message: expect.stringContaining('has no custom field "Refund date"'),
    });
  });

  it('leaves out custom field values that are only whitespace', async () => {
    await fake.close();
    await start({ fields: [{ title: 'Last amount', perstag: 'LAST_AMOUNT' }] });
    const order = { ...sampleEvent().order!, amount: null, currency: null };
    await connector.deliver(
      sampleEvent('payment', { order }),
      config({ customFields: { LAST_AMOUNT: '{amount} {order.currency}' } }),
      deliveryContext(http),
    );
    expect(fake.requests.find((r) => r.path === '/api/3/contact/sync')?.body).toEqual({
      contact: { email: EMAIL, firstName: 'Anna', lastName: 'Beispiel' },
    });
  });

  it('fails naming a custom field that does not exist, before writing anything', async () => {
    const result = await connector.deliver(
      sampleEvent('payment'),
      config({ customFields: { '%ORDER_ID%': 'order.id' } }),
      deliveryContext(http),
    );
    expect(result).toEqual({
      outcome: 'failed',
      reason:
        'TARGET_VALIDATION_FAILED: ActiveCampaign has no custom field "%ORDER_ID%" (matched by personalization tag or title); create it in ActiveCampaign under Contacts → Fields or fix the connection\'s custom fields — ipnhub never creates fields',
    });
    expect(fake.writes()).toEqual([]);
  });

  it('uses a contact mapping with templates', async () => {
    const contact = {
      email: 'buyer.email',
      firstName: '{buyer.firstName|upper}',
      lastName: '{buyer.lastName} ({order.id})',
    };
    await connector.deliver(sampleEvent('payment'), config({ contact }), deliveryContext(http));
    expect(fake.contactByEmail(EMAIL)).toMatchObject({
      firstName: 'ANNA',
      lastName: 'Beispiel (K7QX2M9P)',
    });
  });

  it("fails with ActiveCampaign's own message on a validation error", async () => {
    const event = sampleEvent('payment', {
      buyer: { ...sampleEvent().buyer!, email: 'not-an-address' },
    });
    const result = await connector.deliver(event, config(), deliveryContext(http));
    expect(result).toMatchObject({
      outcome: 'failed',
      statusCode: 422,
      reason:
        'TARGET_VALIDATION_FAILED: ActiveCampaign answered HTTP 422: Email address is not valid.',
    });
  });

  it("fails on a list that does not exist, with the target's message", async () => {
    const result = await connector.deliver(
      sampleEvent('payment'),
      config({ actions: { payment: { subscribeLists: ['99'] } } }),
      deliveryContext(http),
    );
    expect(result).toMatchObject({
      outcome: 'failed',
      statusCode: 404,
      reason:
        'TARGET_VALIDATION_FAILED: ActiveCampaign answered HTTP 404: No Result found for List with id 99',
    });
  });

  it('skips event types without an action, and connection tests, without calling ActiveCampaign', async () => {
    const actions = { payment: { addTags: ['customer'] } };
    expect(
      await connector.deliver(sampleEvent('refund'), config({ actions }), deliveryContext(http)),
    ).toEqual({
      outcome: 'skipped',
      reason: 'no ActiveCampaign action is configured for refund events',
    });
    expect(
      await connector.deliver(sampleEvent('connection_test'), config(), deliveryContext(http)),
    ).toEqual({
      outcome: 'skipped',
      reason: 'no ActiveCampaign action is configured for connection_test events',
    });
    expect(
      await connector.deliver(sampleEvent('payment_pending'), config(), deliveryContext(http)),
    ).toMatchObject({ outcome: 'skipped' });
    expect(fake.requests).toEqual([]);
  });

  it('fails an event without a buyer e-mail, without calling ActiveCampaign', async () => {
    const result = await connector.deliver(
      sampleEvent('payment', { buyer: null }),
      config(),
      deliveryContext(http),
    );
    expect(result).toEqual({
      outcome: 'failed',
      reason:
        'ActiveCampaign identifies contacts by e-mail and this payment event has none (contact field "email" ← "buyer.email")',
    });
    expect(fake.requests).toEqual([]);
  });

  it('adds the affiliate of an affiliation event as a tagged contact', async () => {
    const event = sampleEvent('affiliation', {
      order: null,
      buyer: {
        email: 'max@partner.example',
        firstName: 'Max',
        lastName: 'Partner',
        company: null,
        phone: null,
        address: null,
        newsletterConsent: null,
        language: 'de',
      },
    });
    expect(await connector.deliver(event, config(), deliveryContext(http))).toEqual({
      outcome: 'delivered',
      response: 'contact 1 upserted, tags +1 -0',
    });
    // No product in this event: "affiliate-{product.name}" is left out rather than sent as "affiliate-".
    expect(fake.tagsOf('max@partner.example')).toEqual(['affiliate']);
  });

  describe('connection test', () => {
    it('passes with a working key and writes nothing', async () => {
      const before = fake.snapshot();
      expect(await connector.testConnection(config(), testContext(http))).toEqual({
        ok: true,
        message:
          'connected to ActiveCampaign: the API key works and the account has 0 custom fields',
      });
      expect(fake.snapshot()).toBe(before);
      expect(fake.writes()).toEqual([]);
      expect(fake.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /api/3/fields']);
    });

    it('fails with the reason on a wrong key, and writes nothing', async () => {
      const before = fake.snapshot();
      expect(
        await connector.testConnection(acConfig(fake.url, 'wrong-key'), testContext(http)),
      ).toEqual({
        ok: false,
        message:
          'TARGET_AUTH_FAILED: ActiveCampaign rejected the credentials (HTTP 403): Forbidden',
      });
      expect(fake.snapshot()).toBe(before);
      expect(fake.requests).toHaveLength(1);
    });

    it('checks that the configured custom fields exist', async () => {
      await fake.close();
      await start({ fields: [{ title: 'Order ID', perstag: 'ORDER_ID' }] });
      expect(
        await connector.testConnection(
          config({ customFields: { ORDER_ID: 'order.id' } }),
          testContext(http),
        ),
      ).toEqual({
        ok: true,
        message:
          'connected to ActiveCampaign: the API key works and the account has 1 custom field, including the 1 configured',
      });
      const missing = await connector.testConnection(
        config({ customFields: { ORDER_ID: 'order.id', 'Invoice link': 'order.invoiceUrl' } }),
        testContext(http),
      );
      expect(missing).toEqual({
        ok: false,
        message:
          'connected, but ActiveCampaign has no custom field "Invoice link" (matched by personalization tag or title); create it in ActiveCampaign under Contacts → Fields or fix the connection\'s custom fields — ipnhub never creates fields',
      });
    });

    it('fails on an unreachable account without throwing', async () => {
      const result = await connector.testConnection(
        acConfig(`http://127.0.0.1:${await closedPort()}`, 'k'),
        testContext(http),
      );
      expect(result.ok).toBe(false);
      expect(result.message).toMatch(/^connection failed: /);
    });
  });

  it('accepts the API URL with /api/3 and a trailing slash', async () => {
    const result = await connector.deliver(
      sampleEvent('payment'),
      acConfig(`${fake.url}/api/3/`, fake.apiToken),
      deliveryContext(http),
    );
    expect(result.outcome).toBe('delivered');
    expect(fake.requests[0]?.path).toBe('/api/3/contact/sync');
  });
});

describe('activecampaign connector within the 5 requests/s budget', () => {
  it('spreads concurrent deliveries so the account never answers 429', async () => {
    // The real budget; the fake allows one request of slack for network jitter.
    const limited = activeCampaignConnector();
    const fake = await startActiveCampaignFake({ rateLimit: { perSecond: 5, burst: 6 } });
    try {
      const config = acConfig(fake.url, fake.apiToken, {
        actions: { payment: { addTags: ['customer'] } },
      });
      const events = ['a', 'b', 'c'].map((name) =>
        sampleEvent('payment', {
          buyer: { ...sampleEvent().buyer!, email: `${name}@example.com` },
        }),
      );
      const results = await Promise.all(
        events.map((event) => limited.deliver(event, config, deliveryContext(http))),
      );
      expect(results.map((r) => r.outcome)).toEqual(['delivered', 'delivered', 'delivered']);
      expect(fake.requests.filter((r) => r.status === 429)).toEqual([]);
      expect(fake.requests.length).toBeGreaterThan(6);
    } finally {
      await fake.close();
    }
  });
});
