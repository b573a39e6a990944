import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { startSalesforceFake } from '../../../test/fakes/salesforce-fake.js';
import type { SalesforceFake } from '../../../test/fakes/salesforce-fake.js';
import { salesforceConnector } from './salesforce-connector.js';
import { TEST_ORG, fakeConfig, http, testContext } from './test-support/salesforce-harness.js';

const connector = salesforceConnector();

afterAll(async () => {
  await http.close();
});

describe('salesforce connector: connection test', () => {
  let fake: SalesforceFake;

  beforeEach(async () => {
    fake = await startSalesforceFake(TEST_ORG);
    fake.seed('Contact', { LastName: 'Existing', Email: 'existing@example.com' });
    return () => fake.close();
  });

  it('logs in and reads the object description, writing nothing', async () => {
    const before = fake.records('Contact');
    const result = await connector.testConnection(
      fakeConfig(fake, {
        tagField: 'Ipnhub_Tags__c',
        mapping: { Product_Id__c: 'product.productId' },
      }),
      testContext(),
    );
    expect(result).toEqual({
      ok: true,
      message:
        'logged in (API v60.0); Contact has every field the connection writes; API usage 1/15000',
    });
    expect(fake.state.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'POST /services/oauth2/token',
      'GET /services/data/v60.0/sobjects/Contact/describe',
    ]);
    expect(fake.writes()).toEqual([]);
    expect(fake.records('Contact')).toEqual(before);
  });

  it('also checks the Opportunity fields when Opportunities are on', async () => {
    const config = fakeConfig(fake, {
      opportunity: { enabled: true, externalIdField: 'Order_Id__c' },
    });
    expect((await connector.testConnection(config, testContext())).ok).toBe(true);
    expect(fake.dataRequests().map((r) => r.path)).toEqual([
      '/services/data/v60.0/sobjects/Contact/describe',
      '/services/data/v60.0/sobjects/Opportunity/describe',
    ]);
  });

  it('fails with the login error on a wrong password, writing nothing', async () => {
    const config = fakeConfig(fake);
    const result = await connector.testConnection(
      { ...config, credentials: { ...config.credentials, password: 'wrong' } },
      testContext(),
    );
    expect(result).toEqual({
      ok: false,
      message:
        'TARGET_AUTH_FAILED: Salesforce rejected the credentials: invalid_grant: authentication failure (HTTP 400) — check the username, the password and the security token, and that the org allows the OAuth username-password flow',
    });
    expect(fake.dataRequests()).toEqual([]);
  });

  it('names mapped fields the org does not have and External ID fields that are not marked', async () => {
    const config = fakeConfig(fake, {
      mapping: {
        Shoe_Size__c: 'raw.shoe_size',
        'Account.Ext_Id__c': 'raw.account',
        'Nope.Ext__c': 'raw.x',
      },
      record: { matchBy: 'externalId', externalIdField: 'Product_Id__c' },
      actions: { refund: { fields: { Refund_Reason__c: 'refund' } } },
      opportunity: {
        enabled: true,
        externalIdField: 'Name',
        mapping: { Gone__c: 'order.id' },
        paymentsField: 'Payments_Gone__c',
      },
    });
    expect(await connector.testConnection(config, testContext())).toEqual({
      ok: false,
      message:
        'logged in, but the configuration does not match the org: Contact has no field "Shoe_Size__c"; Contact has no field "Nope.Ext__c"; Contact has no field "Refund_Reason__c"; Contact.Product_Id__c is not marked "External ID"; Opportunity has no field "Gone__c"; Opportunity has no field "Payments_Gone__c"; Opportunity.Name is not marked "External ID"',
    });
  });

  it('notes Lead fields the Contact lacks when converted Leads are followed to their Contact', async () => {
    const config = fakeConfig(fake, {
      record: { object: 'Lead', matchBy: 'externalId', externalIdField: 'Buyer_Key__c' },
      tagField: 'Ipnhub_Tags__c',
      mapping: { Product_Id__c: 'product.productId', Lead_Only__c: 'order.id' },
    });
    expect(await connector.testConnection(config, testContext())).toEqual({
      ok: true,
      message:
        'logged in (API v60.0); Lead has every field the connection writes; API usage 1/15000; note: buyers whose Lead was converted are written to their Contact, and Contact has no field "Lead_Only__c"',
    });
    expect(fake.dataRequests().map((r) => r.path)).toEqual([
      '/services/data/v60.0/sobjects/Lead/describe',
      '/services/data/v60.0/sobjects/Contact/describe',
    ]);
  });

  it('fails on an API version the org does not offer', async () => {
    const result = await connector.testConnection(
      fakeConfig(fake, { apiVersion: '99.0' }),
      testContext(),
    );
    expect(result).toEqual({
      ok: false,
      message:
        'TARGET_VALIDATION_FAILED: Salesforce answered HTTP 404: NOT_FOUND: The requested resource does not exist',
    });
  });
});
