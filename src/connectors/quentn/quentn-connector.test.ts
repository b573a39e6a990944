import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { closedPort } from '../../../test/helpers/closed-port.js';
import { QUENTN_FAKE_KEY, startQuentnFake } from '../../../test/fakes/quentn-fake.js';
import type { QuentnFake, QuentnFakeCustomField } from '../../../test/fakes/quentn-fake.js';
import type { CanonicalEvent } from '../../core/events.js';
import { sampleEvent } from '../sample-event.js';
import { DEFAULT_MAPPING } from './config.js';
import {
  calls,
  configFor,
  connector,
  context,
  EMAIL,
  http,
  testContext,
} from './test-support/contract-harness.js';

afterAll(async () => {
  await http.close();
});

describe('quentn connector', () => {
  let fake: QuentnFake;
  const customFields: QuentnFakeCustomField[] = [
    { field_name: 'ds24_affiliate', label: 'Affiliate', type: 'text_textfield' },
    { field_name: 'ds24_order_id', label: 'Order ID', type: 'text_textfield' },
    { field_name: 'ds24_invoice', label: 'Invoice', type: 'text_textfield' },
    { field_name: 'ds24_amount', label: 'Amount', type: 'text_textfield' },
  ];

  beforeEach(async () => {
    fake = await startQuentnFake({ customFields });
  });
  afterEach(async () => {
    await fake.close();
  });

  describe('payment', () => {
    it('creates the contact with the mapped fields and the product tag, through the documented calls', async () => {
      const result = await connector.deliver(sampleEvent('payment'), configFor(fake), context());
      expect(result).toEqual({
        outcome: 'delivered',
        response: 'contact 101 upserted, tags +1 -0',
      });
      expect(calls(fake)).toEqual([
        'POST /contact',
        'GET /contact/101/terms',
        'POST /terms',
        'PUT /contact/101/terms',
      ]);
      expect(
        fake.requests.every((r) => r.headers.authorization === `Bearer ${QUENTN_FAKE_KEY}`),
      ).toBe(true);
      expect(fake.requests[0]?.headers['content-type']).toBe('application/json');
      expect(fake.requests[0]?.body).toEqual({
        contact: {
          first_name: 'Anna',
          family_name: 'Beispiel',
          ba_street: 'Musterstraße 5',
          ba_postal_code: '10115',
          ba_city: 'Berlin',
          ba_country: 'DE',
          mail: EMAIL,
        },
        duplicate_check_method: 'email',
        duplicate_merge_method: 'update_add',
      });
      expect(fake.requests[2]?.body).toEqual({
        name: 'Online Course Basic',
        description: 'Created by ipnhub',
      });
      expect(fake.requests[3]?.body).toEqual([11]);
      expect([...fake.contacts.values()]).toEqual([
        {
          id: 101,
          fields: {
            mail_status: 'unknown',
            first_name: 'Anna',
            family_name: 'Beispiel',
            ba_street: 'Musterstraße 5',
            ba_postal_code: '10115',
            ba_city: 'Berlin',
            ba_country: 'DE',
            mail: EMAIL,
          },
          terms: [11],
        },
      ]);
    });

    it('changes nothing when the same delivery runs twice: one contact, each tag once, no second term write', async () => {
      const event = sampleEvent('payment');
      const first = await connector.deliver(
        event,
        configFor(fake),
        context({ deliveryId: 'dlv_SAME', attempt: 1 }),
      );
      const after = fake.snapshot();
      fake.requests.length = 0;
      const second = await connector.deliver(
        event,
        configFor(fake),
        context({ deliveryId: 'dlv_SAME', attempt: 2 }),
      );
      expect(first.outcome).toBe('delivered');
      expect(second).toEqual({
        outcome: 'delivered',
        response: 'contact 101 upserted, tags +0 -0',
      });
      expect(fake.snapshot()).toBe(after);
      expect(fake.contacts.size).toBe(1);
      expect(fake.tagsOf(101)).toEqual(['Online Course Basic']);
      expect(fake.writes().map((r) => `${r.method} ${r.path}`)).toEqual(['POST /contact']);
    });

    it('merges into the existing contact with the same e-mail instead of creating a second one', async () => {
      const existing = fake.seedContact(
        { mail: EMAIL, first_name: 'Ann', company: 'Beispiel GmbH' },
        ['Newsletter'],
      );
      const result = await connector.deliver(sampleEvent('payment'), configFor(fake), context());
      expect(result).toEqual({
        outcome: 'delivered',
        response: `contact ${existing.id} upserted, tags +1 -0`,
      });
      expect(fake.contacts.size).toBe(1);
      expect(existing.fields).toMatchObject({ first_name: 'Anna', company: 'Beispiel GmbH' });
      expect(fake.tagsOf(existing.id)).toEqual(['Newsletter', 'Online Course Basic']);
    });

    it('finishes a delivery that failed half-way on the retry without duplicating anything', async () => {
      fake.failOn('PUT', /^\/contact\/\d+\/terms$/, {
        status: 503,
        body: { message: 'maintenance' },
      });
      const event = sampleEvent('payment');
      const first = await connector.deliver(
        event,
        configFor(fake),
        context({ deliveryId: 'dlv_HALF' }),
      );
      expect(first).toMatchObject({
        outcome: 'retry',
        reason: 'Quentn answered HTTP 503: maintenance',
        statusCode: 503,
      });
      const second = await connector.deliver(
        event,
        configFor(fake),
        context({ deliveryId: 'dlv_HALF', attempt: 2 }),
      );
      expect(second).toEqual({
        outcome: 'delivered',
        response: 'contact 101 upserted, tags +1 -0',
      });
      expect(fake.contacts.size).toBe(1);
      expect(fake.terms.size).toBe(1);
      expect(fake.tagsOf(101)).toEqual(['Online Course Basic']);
    });
  });

  describe('refund and other events', () => {
    it('takes the product tag off on refund and adds the refund tag, without touching the contact fields', async () => {
      await connector.deliver(sampleEvent('payment'), configFor(fake), context());
      const fields = JSON.stringify(fake.contacts.get(101)?.fields);
      fake.requests.length = 0;
      const result = await connector.deliver(sampleEvent('refund'), configFor(fake), context());
      expect(result).toEqual({ outcome: 'delivered', response: 'contact 101 found, tags +1 -1' });
      expect(fake.tagsOf(101)).toEqual(['Online Course Basic - refund']);
      expect(calls(fake)).toEqual([
        `GET /contact/${EMAIL}?fields=mail`,
        'GET /contact/101/terms',
        'POST /terms',
        'DELETE /contact/101/terms',
        'PUT /contact/101/terms',
      ]);
      expect(fake.requests[3]?.body).toEqual([11]);
      expect(JSON.stringify(fake.contacts.get(101)?.fields)).toBe(fields);
    });

    it('skips a refund for a buyer Quentn does not know, and creates nothing', async () => {
      const result = await connector.deliver(sampleEvent('refund'), configFor(fake), context());
      expect(result).toEqual({
        outcome: 'skipped',
        reason: `no Quentn contact has the e-mail ${EMAIL}; nothing to change for refund`,
      });
      expect(fake.writes()).toEqual([]);
      expect(fake.snapshot()).toBe(JSON.stringify({ contacts: [], terms: [] }));
    });

    it('acts on the contact with the lowest id when several share the e-mail', async () => {
      const low = fake.seedContact({ mail: EMAIL }, ['Online Course Basic']);
      const high = fake.seedContact({ mail: EMAIL.toUpperCase() }, ['Online Course Basic']);
      const result = await connector.deliver(sampleEvent('chargeback'), configFor(fake), context());
      expect(result).toEqual({
        outcome: 'delivered',
        response: `contact ${low.id} found, tags +1 -1`,
      });
      expect(fake.tagsOf(low.id)).toEqual(['Online Course Basic - chargeback']);
      expect(fake.tagsOf(high.id)).toEqual(['Online Course Basic']);
    });

    it("removes by name when Quentn lists a contact's terms as bare ids, and never creates a term for a removal", async () => {
      await fake.close();
      fake = await startQuentnFake({ contactTermsShape: 'ids' });
      const contact = fake.seedContact({ mail: EMAIL }, ['Online Course Basic', 'Other']);
      const config = configFor(fake, {
        actions: {
          refund: {
            contact: 'existing',
            addTags: [],
            removeTags: ['{product.name}', 'never existed'],
            setEmailStatus: false,
          },
        },
      });
      const result = await connector.deliver(sampleEvent('refund'), config, context());
      expect(result).toEqual({
        outcome: 'delivered',
        response: `contact ${contact.id} found, tags +0 -1`,
      });
      expect(fake.tagsOf(contact.id)).toEqual(['Other']);
      expect(fake.terms.size).toBe(2);
      expect(calls(fake)).toContain('GET /terms/never existed');
    });

    it('skips events without an action, without calling Quentn', async () => {
      const result = await connector.deliver(
        sampleEvent('payment_pending'),
        configFor(fake),
        context(),
      );
      expect(result).toEqual({
        outcome: 'skipped',
        reason: 'no Quentn action for payment_pending events',
      });
      const onlyPayments = configFor(fake, { actions: { payment: { addTags: ['buyer'] } } });
      expect(await connector.deliver(sampleEvent('refund'), onlyPayments, context())).toEqual({
        outcome: 'skipped',
        reason: 'no Quentn action for refund events',
      });
      expect(fake.requests).toEqual([]);
    });

    it('fails an event without a buyer e-mail with a clear reason, and skips such an affiliation', async () => {
      const anonymous = sampleEvent('payment', { buyer: null });
      expect(await connector.deliver(anonymous, configFor(fake), context())).toEqual({
        outcome: 'failed',
        reason: 'the payment event has no buyer e-mail, and Quentn contacts are found by e-mail',
      });
      expect(
        (
          await connector.deliver(
            sampleEvent('affiliation', { buyer: null }),
            configFor(fake),
            context(),
          )
        ).outcome,
      ).toBe('skipped');
      expect(fake.requests).toEqual([]);
    });
  });

  describe('errors', () => {
    it('fails with TARGET_AUTH_FAILED on a wrong key after one request: no retry storm', async () => {
      const result = await connector.deliver(
        sampleEvent('payment'),
        configFor(fake, { apiKey: 'wrong-key' }),
        context(),
      );
      expect(result).toEqual({
        outcome: 'failed',
        reason:
          'TARGET_AUTH_FAILED: Quentn rejected the credentials (HTTP 401): Unauthorized: invalid or missing API key',
        statusCode: 401,
      });
      expect(fake.requests).toHaveLength(1);
      expect(fake.contacts.size).toBe(0);
    });

    it('fails once, without re-trying the call, when the key is revoked between deliveries (static keys have no session to renew)', async () => {
      expect(
        (await connector.deliver(sampleEvent('payment'), configFor(fake), context())).outcome,
      ).toBe('delivered');
      fake.setApiKey('rotated-key');
      fake.requests.length = 0;
      const result = await connector.deliver(sampleEvent('payment'), configFor(fake), context());
      expect(result).toMatchObject({
        outcome: 'failed',
        reason: expect.stringMatching(
          /^TARGET_AUTH_FAILED: Quentn rejected the credentials \(HTTP 401\)/,
        ),
      });
      expect(calls(fake)).toEqual(['POST /contact']);
    });

    it('asks for a retry after Retry-After on 429, marked as overload, and changes nothing', async () => {
      fake.failNext({
        status: 429,
        headers: { 'retry-after': '30' },
        body: { message: 'Too many requests' },
      });
      const result = await connector.deliver(sampleEvent('payment'), configFor(fake), context());
      expect(result).toMatchObject({
        outcome: 'retry',
        reason: 'Quentn answered HTTP 429: Too many requests',
        statusCode: 429,
        retryAfterSeconds: 30,
        overloaded: true,
      });
      expect(fake.requests).toHaveLength(1);
      expect(fake.contacts.size).toBe(0);
    });

    it('asks for a retry on 5xx and on an unreachable Quentn', async () => {
      fake.failNext({ status: 502, body: { message: 'Bad gateway' } });
      expect(
        await connector.deliver(sampleEvent('payment'), configFor(fake), context()),
      ).toMatchObject({
        outcome: 'retry',
        reason: 'Quentn answered HTTP 502: Bad gateway',
        statusCode: 502,
      });
      const port = await closedPort();
      const down = await connector.deliver(
        sampleEvent('payment'),
        configFor({ url: `http://127.0.0.1:${port}/public/api/V1/` }),
        context(),
      );
      expect(down).toMatchObject({
        outcome: 'retry',
        reason: expect.stringMatching(/^connection failed/),
      });
    });

    it("fails with Quentn's message when it refuses the data (a mapped field that does not exist)", async () => {
      const config = configFor(fake, {
        mapping: { ...DEFAULT_MAPPING, no_such_field: 'order.id' },
      });
      const result = await connector.deliver(sampleEvent('payment'), config, context());
      expect(result).toMatchObject({
        outcome: 'failed',
        reason:
          'TARGET_VALIDATION_FAILED: Quentn answered HTTP 400: Unknown contact field "no_such_field"',
        statusCode: 400,
      });
    });

    it('names the base URL when the path is not a Quentn API', async () => {
      const config = configFor({ url: fake.url.replace('/public/api/V1/', '/wrong/') });
      const result = await connector.deliver(sampleEvent('payment'), config, context());
      expect(result).toMatchObject({
        outcome: 'failed',
        reason:
          'TARGET_VALIDATION_FAILED: Quentn answered HTTP 404: Not found (POST contact; check the API base URL)',
      });
    });
  });

  describe('field mapping and field assignments', () => {
    it('fills custom fields from the assignments (affiliate name, order id, invoice link) and mapping templates', async () => {
      const config = configFor(fake, {
        mapping: {
          ...DEFAULT_MAPPING,
          ds24_amount: '{amount} {order.currency}',
          job_title: '{buyer.company|default:private customer}',
        },
        fieldAssignments: {
          affiliateName: 'ds24_affiliate',
          orderId: 'ds24_order_id',
          invoiceLink: 'ds24_invoice',
        },
      });
      const event = sampleEvent('payment', {
        affiliate: { id: '4711', name: 'maxpartner', email: null },
      });
      expect((await connector.deliver(event, config, context())).outcome).toBe('delivered');
      expect(fake.contacts.get(101)?.fields).toMatchObject({
        ds24_affiliate: 'maxpartner',
        ds24_order_id: 'K7QX2M9P',
        ds24_invoice: 'https://www.digistore24.com/invoice/K7QX2M9P/91000001/ABCD1234.pdf',
        ds24_amount: '97.00 EUR',
        job_title: 'private customer',
      });
    });

    it("leaves out empty values instead of blanking Quentn's data (no affiliate → no affiliate field)", async () => {
      fake.seedContact({ mail: EMAIL, ds24_affiliate: 'first-partner', phone: '+49 30 1' });
      const config = configFor(fake, { fieldAssignments: { affiliateName: 'ds24_affiliate' } });
      await connector.deliver(sampleEvent('payment'), config, context());
      const body = fake.requests[0]?.body as { contact: Record<string, unknown> };
      expect(Object.keys(body.contact)).not.toContain('ds24_affiliate');
      expect(Object.keys(body.contact)).not.toContain('phone');
      expect(fake.contacts.get(101)?.fields).toMatchObject({
        ds24_affiliate: 'first-partner',
        phone: '+49 30 1',
      });
    });

    it('leaves out a template that renders only whitespace (an amount template on an event without an amount)', async () => {
      fake.seedContact({ mail: EMAIL, ds24_amount: '97.00 EUR' });
      const config = configFor(fake, {
        mapping: { ...DEFAULT_MAPPING, ds24_amount: '{amount} {order.currency}' },
      });
      const order = { ...sampleEvent().order!, amount: null, currency: null };
      await connector.deliver(sampleEvent('payment', { order }), config, context());
      const body = fake.requests[0]?.body as { contact: Record<string, unknown> };
      expect(Object.keys(body.contact)).not.toContain('ds24_amount');
      expect(fake.contacts.get(101)?.fields).toMatchObject({ ds24_amount: '97.00 EUR' });
    });
  });

  describe('tag templates', () => {
    it('renders event and product templates, once per product of the order, and leaves out tags whose placeholders are empty', async () => {
      const config = configFor(fake, {
        actions: {
          payment: {
            addTags: [
              'paypal-integration',
              'paypal-integration-{event}',
              '{product.name}',
              'aff {affiliate.name}',
              'PayPal-Integration',
            ],
          },
        },
      });
      const base = sampleEvent('payment');
      const event: CanonicalEvent = {
        ...base,
        order: base.order && {
          ...base.order,
          items: [
            ...base.order.items,
            { productId: '543211', name: 'Workbook', quantity: 1, isAddon: true, amount: null },
          ],
        },
      };
      const result = await connector.deliver(event, config, context());
      expect(result).toEqual({
        outcome: 'delivered',
        response: 'contact 101 upserted, tags +4 -0',
      });
      expect(fake.tagsOf(101)).toEqual([
        'Online Course Basic',
        'Workbook',
        'paypal-integration',
        'paypal-integration-payment',
      ]);
    });

    it('reuses an existing term of the same name in another case instead of creating a second one', async () => {
      fake.seedContact({ mail: 'someone@example.com' }, ['online course basic']);
      await connector.deliver(sampleEvent('payment'), configFor(fake), context());
      expect(fake.terms.size).toBe(1);
      expect(fake.tagsOf(102)).toEqual(['online course basic']);
    });
  });

  describe('buyer e-mail status', () => {
    const consenting = () =>
      sampleEvent('payment', { buyer: { ...sampleEvent().buyer!, newsletterConsent: true } });

    it("confirms a new contact's e-mail when the buyer gave Digistore24's newsletter consent (default option)", async () => {
      const result = await connector.deliver(consenting(), configFor(fake), context());
      expect(result).toEqual({
        outcome: 'delivered',
        response: 'contact 101 created, e-mail confirmed, tags +1 -0',
      });
      expect(calls(fake)[0]).toBe(`GET /contact/${EMAIL}?fields=mail`);
      expect(
        (fake.requests[1]?.body as { contact: Record<string, unknown> } | undefined)?.contact
          .mail_status,
      ).toBe('confirmed');
      expect(fake.contacts.get(101)?.fields.mail_status).toBe('confirmed');
    });

    it('leaves the status alone without consent, and does not look the contact up', async () => {
      const declined = sampleEvent('payment', {
        buyer: { ...sampleEvent().buyer!, newsletterConsent: false },
      });
      expect(await connector.deliver(declined, configFor(fake), context())).toEqual({
        outcome: 'delivered',
        response: 'contact 101 upserted, tags +1 -0',
      });
      expect(fake.contacts.get(101)?.fields.mail_status).toBe('unknown');
      expect(calls(fake)[0]).toBe('POST /contact');
    });

    it('confirms every new buyer with "confirm_all", whatever the consent', async () => {
      await connector.deliver(
        sampleEvent('payment'),
        configFor(fake, { emailStatus: { mode: 'confirm_all' } }),
        context(),
      );
      expect(fake.contacts.get(101)?.fields.mail_status).toBe('confirmed');
    });

    it('never re-confirms an existing contact, e.g. one who unsubscribed', async () => {
      const contact = fake.seedContact({ mail: EMAIL, mail_status: 'unsubscribed' });
      const result = await connector.deliver(
        consenting(),
        configFor(fake, { emailStatus: { mode: 'confirm_all' } }),
        context(),
      );
      expect(result).toEqual({
        outcome: 'delivered',
        response: `contact ${contact.id} updated, tags +1 -0`,
      });
      expect(
        (fake.requests[1]?.body as { contact: Record<string, unknown> } | undefined)?.contact,
      ).not.toHaveProperty('mail_status');
      expect(contact.fields.mail_status).toBe('unsubscribed');
    });

    it('sets nothing with "unchanged", or on events whose action does not apply the option', async () => {
      await connector.deliver(
        consenting(),
        configFor(fake, { emailStatus: { mode: 'unchanged' } }),
        context(),
      );
      expect(fake.contacts.get(101)?.fields.mail_status).toBe('unknown');
      const affiliation = sampleEvent('affiliation', {
        buyer: { ...sampleEvent().buyer!, email: 'partner@example.com', newsletterConsent: true },
      });
      await connector.deliver(
        affiliation,
        configFor(fake, { emailStatus: { mode: 'confirm_all' } }),
        context(),
      );
      expect(fake.contactsByMail('partner@example.com')[0]?.fields.mail_status).toBe('unknown');
    });

    it('uses the configured status field and value (the API field name is unconfirmed)', async () => {
      await fake.close();
      fake = await startQuentnFake({
        customFields: [{ field_name: 'doi_state', label: 'DOI', type: 'text_textfield' }],
      });
      await connector.deliver(
        consenting(),
        configFor(fake, {
          emailStatus: { mode: 'newsletter_consent', field: 'doi_state', confirmedValue: 'yes' },
        }),
        context(),
      );
      expect(fake.contacts.get(101)?.fields).toMatchObject({
        doi_state: 'yes',
        mail_status: 'unknown',
      });
    });
  });

  describe('connection test', () => {
    it('passes with a valid key and changes nothing', async () => {
      fake.seedContact({ mail: EMAIL }, ['Online Course Basic']);
      const before = fake.snapshot();
      expect(await connector.testConnection(configFor(fake), testContext())).toEqual({
        ok: true,
        message: 'Quentn accepted the API key',
      });
      expect(calls(fake)).toEqual(['GET /check-credentials']);
      expect(fake.snapshot()).toBe(before);
    });

    it('fails with a wrong key, naming the cause, after one request', async () => {
      const result = await connector.testConnection(
        configFor(fake, { apiKey: 'wrong-key' }),
        testContext(),
      );
      expect(result).toEqual({
        ok: false,
        message:
          'TARGET_AUTH_FAILED: Quentn rejected the credentials (HTTP 401): Unauthorized: invalid or missing API key',
      });
      expect(fake.requests).toHaveLength(1);
    });

    it("fails with a hint when the base URL is not Quentn's API", async () => {
      const result = await connector.testConnection(
        configFor({ url: fake.url.replace('/public/api/V1/', '/api/') }),
        testContext(),
      );
      expect(result).toEqual({
        ok: false,
        message:
          'TARGET_VALIDATION_FAILED: Quentn answered HTTP 404: Not found (check the API base URL: it ends in /public/api/V1/)',
      });
    });

    it('checks that mapped custom fields exist, still without writing', async () => {
      const good = configFor(fake, {
        fieldAssignments: { orderId: 'ds24_order_id', invoiceLink: 'ds24_invoice' },
      });
      expect(await connector.testConnection(good, testContext())).toEqual({
        ok: true,
        message:
          'Quentn accepted the API key; mapped custom fields exist: ds24_order_id, ds24_invoice',
      });
      const bad = configFor(fake, {
        mapping: { ...DEFAULT_MAPPING, ds24_order: 'order.id' },
        fieldAssignments: { affiliateName: 'ds24_aff' },
      });
      expect(await connector.testConnection(bad, testContext())).toEqual({
        ok: false,
        message:
          'Quentn accepted the API key, but these mapped custom fields do not exist in Quentn: ds24_order, ds24_aff',
      });
      expect(fake.writes()).toEqual([]);
    });
  });
});
