import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { startSalesforceFake } from '../../../test/fakes/salesforce-fake.js';
import type { SalesforceFake } from '../../../test/fakes/salesforce-fake.js';
import { sampleEvent } from '../sample-event.js';
import { TEST_ORG, context, fakeConfig, http } from './test-support/salesforce-harness.js';
import { connector, EMAIL } from './test-support/contract-harness.js';

afterAll(async () => {
  await http.close();
});

describe('salesforce connector: buyer records', () => {
  let fake: SalesforceFake;

  beforeEach(async () => {
    fake = await startSalesforceFake(TEST_ORG);
    return () => fake.close();
  });

  it('creates the Contact on the first payment with the mapped fields, the address and the tags', async () => {
    const config = fakeConfig(fake, {
      tagField: 'Ipnhub_Tags__c',
      mapping: {
        Product_Id__c: 'product.productId',
        Description: 'Bought {product.name} for {amount} {order.currency}',
      },
    });
    const result = await connector.deliver(sampleEvent('payment'), config, context());
    const [contact, ...others] = fake.records('Contact');
    expect(others).toEqual([]);
    expect(result).toEqual({
      outcome: 'delivered',
      response: `Contact ${contact?.Id} created, tags +1 -0`,
    });
    expect(contact).toEqual({
      Id: contact?.Id,
      CreatedDate: contact?.CreatedDate,
      FirstName: 'Anna',
      LastName: 'Beispiel',
      Email: EMAIL,
      MailingStreet: 'Musterstraße 5',
      MailingPostalCode: '10115',
      MailingCity: 'Berlin',
      MailingCountry: 'DE',
      Product_Id__c: '543210',
      Description: 'Bought Online Course Basic for 97.00 EUR',
      Ipnhub_Tags__c: 'Online Course Basic',
    });
    expect(fake.state.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'POST /services/oauth2/token',
      'GET /services/data/v60.0/query',
      'POST /services/data/v60.0/sobjects/Contact/',
    ]);
    expect(fake.dataRequests()[0]?.query.q).toBe(
      `SELECT Id, Ipnhub_Tags__c FROM Contact WHERE Email = '${EMAIL}' ORDER BY CreatedDate ASC LIMIT 1`,
    );
    expect(fake.dataRequests()[1]?.headers).toMatchObject({
      authorization: expect.stringMatching(/^Bearer 00DFAKE/),
      'content-type': 'application/json',
    });
  });

  it('changes nothing when the same delivery runs twice: one Contact, each tag once', async () => {
    const config = fakeConfig(fake, { tagField: 'Ipnhub_Tags__c' });
    const event = sampleEvent('payment');
    const first = await connector.deliver(
      event,
      config,
      context({ deliveryId: 'dlv_SAME', attempt: 1 }),
    );
    const before = fake.records('Contact');
    const second = await connector.deliver(
      event,
      config,
      context({ deliveryId: 'dlv_SAME', attempt: 2 }),
    );
    expect(first.outcome).toBe('delivered');
    expect(second).toEqual({
      outcome: 'delivered',
      response: `Contact ${before[0]?.Id} updated, tags +0 -0`,
    });
    expect(fake.records('Contact')).toEqual(before);
    expect(fake.state.logins).toBe(1);
    const update = fake.writes()[1];
    expect(update?.method).toBe('PATCH');
    expect(update?.path).toBe(`/services/data/v60.0/sobjects/Contact/${before[0]?.Id}`);
    expect(update?.json).not.toHaveProperty('Ipnhub_Tags__c');
  });

  it('takes the product tag off on refund and leaves a refund tag, keeping other tags', async () => {
    const seeded = fake.seed('Contact', {
      LastName: 'Beispiel',
      Email: EMAIL,
      Phone: '+49 30 1234',
      Ipnhub_Tags__c: 'vip;Online Course Basic',
    });
    const config = fakeConfig(fake, { tagField: 'Ipnhub_Tags__c' });
    const result = await connector.deliver(sampleEvent('refund'), config, context());
    expect(result).toEqual({
      outcome: 'delivered',
      response: `Contact ${seeded.Id} updated, tags +1 -1`,
    });
    expect(fake.records('Contact')).toEqual([
      expect.objectContaining({
        Id: seeded.Id,
        Ipnhub_Tags__c: 'vip;Online Course Basic-refund',
        Phone: '+49 30 1234',
      }),
    ]);
  });

  it('renders tag templates per event and matches tags case-insensitively', async () => {
    fake.seed('Contact', {
      LastName: 'Beispiel',
      Email: EMAIL,
      Ipnhub_Tags__c: 'DIGISTORE24-PAYMENT',
    });
    const actions = {
      payment: {
        record: 'upsert',
        addTags: ['digistore24-{event}', 'product-{product.productId}', '{buyer.company}'],
        removeTags: ['lead'],
      },
    };
    const result = await connector.deliver(
      sampleEvent('payment'),
      fakeConfig(fake, { tagField: 'Ipnhub_Tags__c', actions }),
      context(),
    );
    expect(result.outcome).toBe('delivered');
    expect(fake.records('Contact')[0]?.Ipnhub_Tags__c).toBe('DIGISTORE24-PAYMENT;product-543210');
  });

  it('writes per-event fields as text and never clears data with empty values', async () => {
    const seeded = fake.seed('Contact', {
      LastName: 'Beispiel',
      Email: EMAIL,
      Phone: '+49 30 1234',
      MailingState: 'BE',
    });
    const actions = {
      refund: {
        record: 'update',
        fields: {
          Customer_Status__c: 'refunded',
          Description: '{event} of {order.id} on {occurredAt}',
          Title: '{buyer.company}',
        },
      },
    };
    const result = await connector.deliver(
      sampleEvent('refund'),
      fakeConfig(fake, { actions }),
      context(),
    );
    expect(result).toEqual({ outcome: 'delivered', response: `Contact ${seeded.Id} updated` });
    expect(fake.writes()[0]?.json).toEqual({
      FirstName: 'Anna',
      LastName: 'Beispiel',
      Email: EMAIL,
      MailingStreet: 'Musterstraße 5',
      MailingPostalCode: '10115',
      MailingCity: 'Berlin',
      MailingCountry: 'DE',
      Customer_Status__c: 'refunded',
      Description: 'refund of K7QX2M9P on 2024-05-14T07:12:45.000Z',
    });
    expect(fake.records('Contact')[0]).toMatchObject({
      Phone: '+49 30 1234',
      MailingState: 'BE',
      Customer_Status__c: 'refunded',
    });
  });

  it('never overwrites stored data with a value that is only whitespace (a template without its values, a blank provider field)', async () => {
    fake.seed('Contact', {
      LastName: 'Beispiel',
      Email: EMAIL,
      Description: '97.00 EUR',
      Title: 'CEO',
      Customer_Status__c: 'vip',
    });
    const order = { ...sampleEvent().order!, amount: null, currency: null };
    const event = sampleEvent('refund', { order, raw: { ...sampleEvent().raw, job_title: '   ' } });
    const config = fakeConfig(fake, {
      mapping: { Description: '{amount} {order.currency}', Title: 'raw.job_title' },
      actions: {
        refund: { record: 'update', fields: { Customer_Status__c: ' {buyer.company} ' } },
      },
    });
    expect((await connector.deliver(event, config, context())).outcome).toBe('delivered');
    const sent = fake.writes()[0]?.json as Record<string, unknown>;
    expect(Object.keys(sent)).toEqual([
      'FirstName',
      'LastName',
      'Email',
      'MailingStreet',
      'MailingPostalCode',
      'MailingCity',
      'MailingCountry',
    ]);
    expect(fake.records('Contact')[0]).toMatchObject({
      Description: '97.00 EUR',
      Title: 'CEO',
      Customer_Status__c: 'vip',
    });
  });

  it('sends only the own mapping when the default mapping is off', async () => {
    const config = fakeConfig(fake, {
      useDefaultMapping: false,
      mapping: { LastName: 'buyer.lastName', Email: 'buyer.email' },
    });
    await connector.deliver(sampleEvent('payment'), config, context());
    expect(fake.writes()[0]?.json).toEqual({ LastName: 'Beispiel', Email: EMAIL });
  });

  it('writes nothing to an existing record when there is nothing to change', async () => {
    const seeded = fake.seed('Contact', {
      LastName: 'Beispiel',
      Email: EMAIL,
      Ipnhub_Tags__c: 'Online Course Basic',
    });
    const config = fakeConfig(fake, { useDefaultMapping: false, tagField: 'Ipnhub_Tags__c' });
    const result = await connector.deliver(sampleEvent('payment'), config, context());
    expect(result).toEqual({
      outcome: 'delivered',
      response: `Contact ${seeded.Id} unchanged, tags +0 -0`,
    });
    expect(fake.writes()).toEqual([]);
  });

  it('skips an "update" event when there is no record to update, and writes nothing', async () => {
    const result = await connector.deliver(sampleEvent('refund'), fakeConfig(fake), context());
    expect(result).toEqual({
      outcome: 'skipped',
      reason: `no Contact with Email ${EMAIL} to update`,
    });
    expect(fake.writes()).toEqual([]);
  });

  it('skips events without an action without calling Salesforce', async () => {
    const result = await connector.deliver(
      sampleEvent('payment_pending'),
      fakeConfig(fake),
      context(),
    );
    expect(result).toEqual({
      outcome: 'skipped',
      reason: 'no action configured for payment_pending events',
    });
    expect(fake.state.requests).toEqual([]);
  });

  it('fails a payment without a buyer e-mail, and skips a missed payment without one', async () => {
    const buyer = { ...sampleEvent().buyer!, email: null };
    expect(
      await connector.deliver(sampleEvent('payment', { buyer }), fakeConfig(fake), context()),
    ).toEqual({
      outcome: 'failed',
      reason: 'the payment event has no buyer e-mail, and Contacts are matched by e-mail',
    });
    expect(
      await connector.deliver(
        sampleEvent('payment_missed', { buyer }),
        fakeConfig(fake),
        context(),
      ),
    ).toEqual({
      outcome: 'skipped',
      reason: 'the payment_missed event has no buyer e-mail, and Contacts are matched by e-mail',
    });
    expect(fake.state.requests).toEqual([]);
  });

  it('takes the oldest Contact when several share the e-mail', async () => {
    const oldest = fake.seed('Contact', { LastName: 'Old', Email: 'ANNA.BEISPIEL@example.com' });
    fake.seed('Contact', { LastName: 'New', Email: EMAIL });
    const result = await connector.deliver(sampleEvent('payment'), fakeConfig(fake), context());
    expect(result).toEqual({ outcome: 'delivered', response: `Contact ${oldest.Id} updated` });
    expect(fake.records('Contact').map((c) => c.LastName)).toEqual(['Beispiel', 'New']);
  });

  it('upserts by an External ID field, atomically, and updates by Id once the record exists', async () => {
    const config = fakeConfig(fake, {
      record: {
        matchBy: 'externalId',
        externalIdField: 'Buyer_Key__c',
        externalIdValue: 'ds24-{raw.buyer_id}',
      },
    });
    const event = sampleEvent('payment', { raw: { ...sampleEvent().raw, buyer_id: '8800123' } });
    const first = await connector.deliver(event, config, context());
    const [contact] = fake.records('Contact');
    expect(first).toEqual({ outcome: 'delivered', response: `Contact ${contact?.Id} created` });
    expect(contact).toMatchObject({
      Buyer_Key__c: 'ds24-8800123',
      LastName: 'Beispiel',
      Email: EMAIL,
    });
    const upsert = fake.writes()[0];
    expect(`${upsert?.method} ${upsert?.path}`).toBe(
      'PATCH /services/data/v60.0/sobjects/Contact/Buyer_Key__c/ds24-8800123',
    );
    expect(upsert?.json).not.toHaveProperty('Buyer_Key__c');
    expect(fake.dataRequests()[0]?.query.q).toBe(
      "SELECT Id FROM Contact WHERE Buyer_Key__c = 'ds24-8800123' ORDER BY CreatedDate ASC LIMIT 1",
    );

    const second = await connector.deliver(event, config, context());
    expect(second).toEqual({ outcome: 'delivered', response: `Contact ${contact?.Id} updated` });
    expect(fake.records('Contact')).toHaveLength(1);
  });

  it('URL-encodes external id values and escapes them in queries', async () => {
    const config = fakeConfig(fake, {
      record: {
        matchBy: 'externalId',
        externalIdField: 'Buyer_Key__c',
        externalIdValue: "{buyer.lastName}'s key/1",
      },
    });
    await connector.deliver(sampleEvent('payment'), config, context());
    expect(fake.dataRequests()[0]?.query.q).toBe(
      "SELECT Id FROM Contact WHERE Buyer_Key__c = 'Beispiel\\'s key/1' ORDER BY CreatedDate ASC LIMIT 1",
    );
    expect(fake.writes()[0]?.path).toBe(
      "/services/data/v60.0/sobjects/Contact/Buyer_Key__c/Beispiel's%20key%2F1",
    );
    expect(fake.records('Contact')[0]?.Buyer_Key__c).toBe("Beispiel's key/1");
  });

  it('writes Leads with Company and the Lead address fields, never touching a converted Lead', async () => {
    const converted = fake.seed('Lead', {
      LastName: 'Beispiel',
      Company: 'Old Co',
      Email: EMAIL,
      IsConverted: true,
    });
    const config = fakeConfig(fake, { record: { object: 'Lead' }, tagField: 'Ipnhub_Tags__c' });
    const result = await connector.deliver(sampleEvent('payment'), config, context());
    const leads = fake.records('Lead');
    expect(leads).toHaveLength(2);
    expect(leads[0]).toEqual(converted);
    expect(result).toEqual({
      outcome: 'delivered',
      response: `Lead ${leads[1]?.Id} created, tags +1 -0`,
    });
    expect(leads[1]).toMatchObject({
      FirstName: 'Anna',
      LastName: 'Beispiel',
      Company: '[not provided]',
      Email: EMAIL,
      Street: 'Musterstraße 5',
      PostalCode: '10115',
      City: 'Berlin',
      Country: 'DE',
      IsConverted: false,
      Ipnhub_Tags__c: 'Online Course Basic',
    });
    expect(fake.dataRequests()[0]?.query.q).toBe(
      `SELECT Id, Ipnhub_Tags__c FROM Lead WHERE Email = '${EMAIL}' AND IsConverted = false ORDER BY CreatedDate ASC LIMIT 1`,
    );
  });

  describe('a buyer whose Lead was converted', () => {
    const leads = (extra: Record<string, unknown> = {}) =>
      fakeConfig(fake, {
        record: { object: 'Lead', matchBy: 'externalId', externalIdField: 'Buyer_Key__c' },
        tagField: 'Ipnhub_Tags__c',
        mapping: { Product_Id__c: 'product.productId' },
        ...extra,
      });

    it('matched by External ID: the next payment updates the Contact the Lead became, never the Lead', async () => {
      expect((await connector.deliver(sampleEvent('payment'), leads(), context())).outcome).toBe(
        'delivered',
      );
      const [lead] = fake.records('Lead');
      const contact = fake.convertLead(lead?.Id ?? '');
      fake.resetLog();

      const rebill = sampleEvent('payment', {
        order: { ...sampleEvent().order!, transactionId: '91000002' },
        buyer: { ...sampleEvent().buyer!, phone: '+49 30 555' },
      });
      const result = await connector.deliver(rebill, leads(), context());
      expect(result).toEqual({
        outcome: 'delivered',
        response: `Lead ${lead?.Id} was converted: Contact ${contact.Id} updated, tags +0 -0`,
      });
      expect(fake.records('Lead')).toEqual([
        expect.objectContaining({ Id: lead?.Id, IsConverted: true }),
      ]);
      expect(fake.records('Contact')).toEqual([
        expect.objectContaining({
          Id: contact.Id,
          Phone: '+49 30 555',
          MailingCity: 'Berlin',
          Product_Id__c: '543210',
        }),
      ]);
      const write = fake.writes()[0];
      expect(`${write?.method} ${write?.path}`).toBe(
        `PATCH /services/data/v60.0/sobjects/Contact/${contact.Id}`,
      );
      // Lead-named fields as the Contact names them; the company stays with the Account, the key with the Lead.
      expect(write?.json).toEqual({
        FirstName: 'Anna',
        LastName: 'Beispiel',
        Email: EMAIL,
        Phone: '+49 30 555',
        MailingStreet: 'Musterstraße 5',
        MailingPostalCode: '10115',
        MailingCity: 'Berlin',
        MailingCountry: 'DE',
        Product_Id__c: '543210',
      });
      expect(fake.dataRequests()[0]?.query.q).toBe(
        "SELECT Id, Ipnhub_Tags__c, IsConverted, ConvertedContactId FROM Lead WHERE Buyer_Key__c = 'anna.beispiel@example.com' ORDER BY CreatedDate ASC LIMIT 1",
      );
    });

    it("moves the tags on the Contact on a refund, and links the Contact to the order's Opportunity", async () => {
      const lead = fake.seed('Lead', {
        LastName: 'Beispiel',
        Company: 'Acme',
        Email: EMAIL,
        Buyer_Key__c: EMAIL,
      });
      const contact = fake.convertLead(lead.Id);
      fake.seed('Contact', { LastName: 'Someone else', Email: 'other@example.com' });
      const opportunities = { enabled: true, externalIdField: 'Order_Id__c' };
      const paid = await connector.deliver(
        sampleEvent('payment'),
        leads({ opportunity: opportunities }),
        context(),
      );
      expect(paid.outcome).toBe('delivered');
      expect(fake.records('Contact').find((c) => c.Id === contact.Id)?.Ipnhub_Tags__c).toBe(
        'Online Course Basic',
      );
      expect(fake.records('OpportunityContactRole')).toEqual([
        expect.objectContaining({
          ContactId: contact.Id,
          OpportunityId: fake.records('Opportunity')[0]?.Id,
        }),
      ]);

      const refunded = await connector.deliver(
        sampleEvent('refund'),
        leads({ opportunity: opportunities }),
        context(),
      );
      expect(refunded.outcome === 'delivered' && refunded.response).toContain(
        `Lead ${lead.Id} was converted: Contact ${contact.Id} updated, tags +1 -1`,
      );
      expect(fake.records('Contact').find((c) => c.Id === contact.Id)?.Ipnhub_Tags__c).toBe(
        'Online Course Basic-refund',
      );
      expect(fake.records('Lead')).toHaveLength(1);
    });

    it('fails with the reason when the converted Lead names no Contact', async () => {
      const lead = fake.seed('Lead', {
        LastName: 'Beispiel',
        Company: 'Acme',
        Email: EMAIL,
        Buyer_Key__c: EMAIL,
        IsConverted: true,
      });
      expect(await connector.deliver(sampleEvent('payment'), leads(), context())).toEqual({
        outcome: 'failed',
        reason: `Lead ${lead.Id} was converted without a Contact (ConvertedContactId is empty), and Salesforce refuses updates to converted Leads (CANNOT_UPDATE_CONVERTED_LEAD)`,
      });
      expect(fake.writes()).toEqual([]);
    });

    it("fails with Salesforce's message when a mapped Lead field does not exist on Contact", async () => {
      const lead = fake.seed('Lead', {
        LastName: 'Beispiel',
        Company: 'Acme',
        Email: EMAIL,
        Buyer_Key__c: EMAIL,
      });
      fake.convertLead(lead.Id);
      expect(
        await connector.deliver(
          sampleEvent('payment'),
          leads({ mapping: { Lead_Only__c: 'order.id' } }),
          context(),
        ),
      ).toMatchObject({
        outcome: 'failed',
        reason:
          "TARGET_VALIDATION_FAILED: Salesforce answered HTTP 400: INVALID_FIELD: No such column 'Lead_Only__c' on sobject of type Contact",
      });
    });
  });

  it('fills "[not provided]" only when creating, so an existing last name is never overwritten', async () => {
    const buyer = { ...sampleEvent().buyer!, lastName: null };
    const created = await connector.deliver(
      sampleEvent('payment', { buyer }),
      fakeConfig(fake),
      context(),
    );
    expect(created.outcome).toBe('delivered');
    expect(fake.records('Contact')[0]?.LastName).toBe('[not provided]');
    fake.seed('Contact', { LastName: 'Schmidt', Email: 'other@example.com' });
    await connector.deliver(
      sampleEvent('payment', { buyer: { ...buyer, email: 'other@example.com' } }),
      fakeConfig(fake),
      context(),
    );
    expect(fake.records('Contact')[1]?.LastName).toBe('Schmidt');
  });

  it('adds the affiliate of an affiliation event as a Contact with affiliate tags', async () => {
    const buyer = {
      ...sampleEvent().buyer!,
      email: 'max.partner@example.org',
      firstName: 'Max',
      lastName: 'Partner',
    };
    const result = await connector.deliver(
      sampleEvent('affiliation', { buyer }),
      fakeConfig(fake, { tagField: 'Ipnhub_Tags__c' }),
      context(),
    );
    expect(result.outcome).toBe('delivered');
    expect(fake.records('Contact')[0]).toMatchObject({
      Email: 'max.partner@example.org',
      Ipnhub_Tags__c: 'affiliate;affiliate-Online Course Basic',
    });
  });

  it('uses the configured API version in every path', async () => {
    await connector.deliver(
      sampleEvent('payment'),
      fakeConfig(fake, { apiVersion: '52.0' }),
      context(),
    );
    expect(fake.dataRequests().map((r) => r.path)).toEqual([
      '/services/data/v52.0/query',
      '/services/data/v52.0/sobjects/Contact/',
    ]);
  });
});
