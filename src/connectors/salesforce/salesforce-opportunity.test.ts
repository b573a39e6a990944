import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { startSalesforceFake } from '../../../test/fakes/salesforce-fake.js';
import type { SalesforceFake } from '../../../test/fakes/salesforce-fake.js';
import { sampleEvent } from '../sample-event.js';
import { closingStages } from './opportunity-sync.js';
import { salesforceConnector } from './salesforce-connector.js';
import { TEST_ORG, context, fakeConfig, http } from './test-support/salesforce-harness.js';

const connector = salesforceConnector();
const OPPORTUNITIES = {
  enabled: true,
  externalIdField: 'Order_Id__c',
  contactRole: 'Decision Maker',
};

afterAll(async () => {
  await http.close();
});

describe('salesforce connector: opportunities', () => {
  let fake: SalesforceFake;

  beforeEach(async () => {
    fake = await startSalesforceFake(TEST_ORG);
    return () => fake.close();
  });

  it('records a payment as a Closed Won Opportunity linked to the Contact, once, even when redelivered', async () => {
    const config = fakeConfig(fake, {
      opportunity: { ...OPPORTUNITIES, mapping: { Product_Id__c: 'product.productId' } },
    });
    const first = await connector.deliver(
      sampleEvent('payment'),
      config,
      context({ deliveryId: 'dlv_OPP' }),
    );
    const [contact] = fake.records('Contact');
    const [opportunity, ...moreOpportunities] = fake.records('Opportunity');
    expect(first).toEqual({
      outcome: 'delivered',
      response: `Contact ${contact?.Id} created; Opportunity ${opportunity?.Id} created Closed Won, contact ${contact?.Id} linked`,
    });
    expect(moreOpportunities).toEqual([]);
    expect(opportunity).toEqual({
      Id: opportunity?.Id,
      CreatedDate: opportunity?.CreatedDate,
      Name: 'K7QX2M9P Online Course Basic',
      StageName: 'Closed Won',
      CloseDate: '2024-05-14',
      Amount: 97,
      Product_Id__c: '543210',
      Order_Id__c: 'K7QX2M9P',
    });
    expect(fake.records('OpportunityContactRole')).toEqual([
      expect.objectContaining({
        OpportunityId: opportunity?.Id,
        ContactId: contact?.Id,
        IsPrimary: true,
        Role: 'Decision Maker',
      }),
    ]);
    const upsert = fake.writes()[1];
    expect(`${upsert?.method} ${upsert?.path}`).toBe(
      'PATCH /services/data/v60.0/sobjects/Opportunity/Order_Id__c/K7QX2M9P',
    );
    expect(upsert?.json).not.toHaveProperty('Order_Id__c');

    const second = await connector.deliver(
      sampleEvent('payment'),
      config,
      context({ deliveryId: 'dlv_OPP', attempt: 2 }),
    );
    expect(second).toEqual({
      outcome: 'delivered',
      response: `Contact ${contact?.Id} updated; Opportunity ${opportunity?.Id} updated Closed Won`,
    });
    expect(fake.records('Opportunity')).toEqual([opportunity]);
    expect(fake.records('OpportunityContactRole')).toHaveLength(1);
  });

  it('marks the Opportunity Closed Lost on refund without touching its amount', async () => {
    const config = fakeConfig(fake, { opportunity: OPPORTUNITIES });
    await connector.deliver(sampleEvent('payment'), config, context());
    const refund = sampleEvent('refund', { order: { ...sampleEvent().order!, amount: 5000 } });
    const result = await connector.deliver(refund, config, context());
    const [opportunity] = fake.records('Opportunity');
    expect(result).toEqual({
      outcome: 'delivered',
      response: `Contact ${fake.records('Contact')[0]?.Id} updated; Opportunity ${opportunity?.Id} Closed Lost`,
    });
    expect(opportunity).toMatchObject({ StageName: 'Closed Lost', Amount: 97 });
    expect(fake.writes().at(-1)?.json).toEqual({ StageName: 'Closed Lost' });
    const again = await connector.deliver(refund, config, context());
    expect(again.outcome === 'delivered' && again.response).toContain(
      `Opportunity ${opportunity?.Id} already Closed Lost`,
    );
  });

  describe('later payments on the order', () => {
    const rebill = (transactionId: string, amount: number, occurredAt: string) =>
      sampleEvent('payment', {
        occurredAt,
        order: {
          ...sampleEvent().order!,
          transactionId,
          amount,
          billingType: 'subscription',
          paySequenceNo: 2,
        },
      });

    it('adds each payment to Amount exactly once with a payments field, keeping the close date', async () => {
      const config = fakeConfig(fake, {
        opportunity: { ...OPPORTUNITIES, paymentsField: 'Ipnhub_Payments__c' },
      });
      await connector.deliver(sampleEvent('payment'), config, context());
      expect(fake.records('Opportunity')[0]).toMatchObject({
        Amount: 97,
        Ipnhub_Payments__c: '91000001',
        CloseDate: '2024-05-14',
      });

      const second = rebill('91000002', 2900, '2024-06-14T07:12:45.000Z');
      const result = await connector.deliver(second, config, context({ deliveryId: 'dlv_REBILL' }));
      const [opportunity] = fake.records('Opportunity');
      expect(result.outcome === 'delivered' && result.response).toContain(
        `Opportunity ${opportunity?.Id} updated Closed Won, Amount 126.00 (+29.00)`,
      );
      expect(opportunity).toMatchObject({
        Amount: 126,
        Ipnhub_Payments__c: '91000001\n91000002',
        CloseDate: '2024-05-14',
        StageName: 'Closed Won',
      });

      // A retried or repeated delivery of the same payment adds nothing.
      const again = await connector.deliver(
        second,
        config,
        context({ deliveryId: 'dlv_REBILL', attempt: 2 }),
      );
      expect(again.outcome === 'delivered' && again.response).toContain(
        'payment 91000002 already in Amount',
      );
      expect(fake.records('Opportunity')[0]).toMatchObject({
        Amount: 126,
        Ipnhub_Payments__c: '91000001\n91000002',
      });
      const write = fake.writes().at(-1);
      expect(write?.json).not.toHaveProperty('Amount');
      expect(write?.json).not.toHaveProperty('CloseDate');
    });

    it('never replaces Amount with a later payment without a payments field', async () => {
      const config = fakeConfig(fake, { opportunity: OPPORTUNITIES });
      await connector.deliver(sampleEvent('payment'), config, context());
      await connector.deliver(
        rebill('91000002', 2900, '2024-06-14T07:12:45.000Z'),
        config,
        context(),
      );
      expect(fake.records('Opportunity')[0]).toMatchObject({ Amount: 97, CloseDate: '2024-05-14' });
    });

    it('leaves an Opportunity a refund closed as lost, still adding the payment to Amount', async () => {
      const config = fakeConfig(fake, {
        opportunity: { ...OPPORTUNITIES, paymentsField: 'Ipnhub_Payments__c' },
      });
      await connector.deliver(sampleEvent('payment'), config, context());
      await connector.deliver(sampleEvent('refund'), config, context());
      const late = await connector.deliver(
        rebill('91000002', 2900, '2024-06-14T07:12:45.000Z'),
        config,
        context(),
      );
      const [opportunity] = fake.records('Opportunity');
      expect(late.outcome === 'delivered' && late.response).toContain(
        `Opportunity ${opportunity?.Id} updated, stays Closed Lost (a refund or chargeback closed it; a payment does not reopen it), Amount 126.00 (+29.00)`,
      );
      expect(opportunity).toMatchObject({ StageName: 'Closed Lost', Amount: 126 });
      expect(fake.writes().at(-1)?.json).not.toHaveProperty('StageName');
    });

    it("moves an Opportunity in any other stage (e.g. one a person set) to the payment's stage", async () => {
      const config = fakeConfig(fake, { opportunity: OPPORTUNITIES });
      fake.seed('Opportunity', {
        Name: 'K7QX2M9P',
        StageName: 'Negotiation/Review',
        CloseDate: '2024-05-01',
        Amount: 97,
        Order_Id__c: 'K7QX2M9P',
      });
      await connector.deliver(sampleEvent('payment'), config, context());
      expect(fake.records('Opportunity')[0]).toMatchObject({
        StageName: 'Closed Won',
        CloseDate: '2024-05-01',
        Amount: 97,
      });
    });

    it('knows which stages only refunds and chargebacks set', () => {
      expect([...closingStages(fakeConfig(fake))]).toEqual(['Closed Lost']);
      const actions = {
        payment: { record: 'upsert', opportunity: { stage: 'Closed Won', create: true } },
        chargeback: { opportunity: { stage: 'Chargeback' } },
        chargeback_reversed: { opportunity: { stage: 'Closed Won' } },
      };
      expect([...closingStages(fakeConfig(fake, { actions }))]).toEqual(['Chargeback']);
    });
  });

  it('uses the configured stage for chargebacks', async () => {
    const actions = {
      payment: { record: 'upsert', opportunity: { stage: 'Closed Won', create: true } },
      chargeback: { opportunity: { stage: 'Chargeback' } },
    };
    const config = fakeConfig(fake, { opportunity: OPPORTUNITIES, actions });
    await connector.deliver(sampleEvent('payment'), config, context());
    await connector.deliver(sampleEvent('chargeback'), config, context());
    expect(fake.records('Opportunity')[0]?.StageName).toBe('Chargeback');
  });

  it('skips a refund for an order Salesforce has neither a buyer nor an Opportunity for', async () => {
    const result = await connector.deliver(
      sampleEvent('refund'),
      fakeConfig(fake, { opportunity: OPPORTUNITIES }),
      context(),
    );
    expect(result).toEqual({
      outcome: 'skipped',
      reason:
        'no Contact with Email anna.beispiel@example.com to update; no Opportunity for K7QX2M9P',
    });
    expect(fake.writes()).toEqual([]);
  });

  it('keeps one Opportunity per payment with a per-payment key', async () => {
    const config = fakeConfig(fake, {
      opportunity: { ...OPPORTUNITIES, key: '{order.id}-{order.paySequenceNo}' },
    });
    await connector.deliver(sampleEvent('payment'), config, context());
    await connector.deliver(
      sampleEvent('payment', { order: { ...sampleEvent().order!, paySequenceNo: 1 } }),
      config,
      context(),
    );
    expect(fake.records('Opportunity').map((o) => o.Order_Id__c)).toEqual([
      'K7QX2M9P-0',
      'K7QX2M9P-1',
    ]);
  });

  it('reads the Opportunity id back when API ≤ 45.0 answers an update with 204', async () => {
    const config = fakeConfig(fake, {
      apiVersion: '45.0',
      record: { object: 'Lead' },
      opportunity: OPPORTUNITIES,
    });
    await connector.deliver(sampleEvent('payment'), config, context());
    const result = await connector.deliver(sampleEvent('payment'), config, context());
    const [opportunity] = fake.records('Opportunity');
    expect(result).toEqual({
      outcome: 'delivered',
      response: `Lead ${fake.records('Lead')[0]?.Id} updated; Opportunity ${opportunity?.Id} updated Closed Won`,
    });
    expect(
      fake
        .dataRequests()
        .slice(-2)
        .map((r) => `${r.method} ${r.path} ${r.query.q ?? ''}`.trim()),
    ).toEqual([
      'PATCH /services/data/v45.0/sobjects/Opportunity/Order_Id__c/K7QX2M9P',
      "GET /services/data/v45.0/query SELECT Id FROM Opportunity WHERE Order_Id__c = 'K7QX2M9P' LIMIT 1",
    ]);
    expect(fake.records('OpportunityContactRole')).toEqual([]);
  });

  it('fails when several Opportunities carry the order key (300 Multiple Choices)', async () => {
    const org = await startSalesforceFake({
      customFields: { Opportunity: { Order_Id__c: { externalId: true } } },
    });
    try {
      for (let i = 0; i < 2; i += 1)
        org.seed('Opportunity', {
          Name: `dup ${i}`,
          StageName: 'Prospecting',
          CloseDate: '2024-05-01',
          Order_Id__c: 'K7QX2M9P',
        });
      const actions = {
        payment: { record: 'none', opportunity: { stage: 'Closed Won', create: true } },
      };
      const result = await connector.deliver(
        sampleEvent('payment'),
        fakeConfig(org, { opportunity: OPPORTUNITIES, actions }),
        context(),
      );
      const ids = org
        .records('Opportunity')
        .map((o) => `/services/data/v60.0/sobjects/Opportunity/${o.Id}`);
      expect(result).toMatchObject({
        outcome: 'failed',
        reason: `TARGET_VALIDATION_FAILED: Salesforce answered HTTP 300: several records match (${ids.join(', ')}); make the External ID field unique`,
        statusCode: 300,
      });
    } finally {
      await org.close();
    }
  });

  it('fails with the target message when the order key field is not an External ID', async () => {
    const config = fakeConfig(fake, {
      opportunity: { ...OPPORTUNITIES, externalIdField: 'Product_Id__c' },
    });
    expect(await connector.deliver(sampleEvent('payment'), config, context())).toMatchObject({
      outcome: 'failed',
      reason:
        'TARGET_VALIDATION_FAILED: Salesforce answered HTTP 404: NOT_FOUND: The requested resource does not exist',
    });
  });

  it('leaves Opportunities alone while they are disabled', async () => {
    await connector.deliver(sampleEvent('payment'), fakeConfig(fake), context());
    expect(fake.records('Opportunity')).toEqual([]);
    expect(fake.writes().map((w) => w.path)).toEqual(['/services/data/v60.0/sobjects/Contact/']);
  });
});
