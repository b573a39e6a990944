import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { DEFAULT_ACTIONS, salesforceConfigSchema } from './config.js';

const credentials = {
  clientId: 'key',
  clientSecret: 'secret',
  username: 'u@example.com',
  password: 'pw',
  securityToken: 'tok',
};

function issues(input: unknown): string[] {
  const parsed = salesforceConfigSchema.safeParse(input);
  return parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}

describe('salesforce config', () => {
  it('fills every default from credentials alone', () => {
    expect(salesforceConfigSchema.parse({ credentials })).toEqual({
      credentials: { ...credentials, flow: 'password', loginUrl: 'https://login.salesforce.com' },
      apiVersion: '60.0',
      record: { object: 'Contact', matchBy: 'email', externalIdValue: '{buyer.email|lower}' },
      useDefaultMapping: true,
      mapping: {},
      opportunity: {
        enabled: false,
        key: '{order.id}',
        name: '{order.id} {product.name}',
        mapping: {},
        linkContact: true,
      },
      actions: DEFAULT_ACTIONS,
      allowDuplicateSave: false,
      requestLimitBackoffSeconds: 900,
      maxRequestsPerSecond: 10,
    });
  });

  it("has complete default actions for the issue's event types", () => {
    expect(Object.keys(DEFAULT_ACTIONS).sort()).toEqual([
      'affiliation',
      'chargeback',
      'last_paid_day',
      'payment',
      'payment_missed',
      'rebill_cancelled',
      'rebill_resumed',
      'refund',
      'refund_partial',
    ]);
    expect(DEFAULT_ACTIONS.payment).toEqual({
      record: 'upsert',
      fields: {},
      addTags: ['{product.name}'],
      removeTags: ['{product.name}-payment_missed'],
      opportunity: { stage: 'Closed Won', create: true },
    });
    expect(DEFAULT_ACTIONS.refund?.opportunity).toEqual({ stage: 'Closed Lost', create: false });
  });

  it('fills nested action defaults when actions are given', () => {
    const parsed = salesforceConfigSchema.parse({
      credentials,
      actions: { refund: { removeTags: ['vip'] } },
    });
    expect(parsed.actions).toEqual({
      refund: { record: 'update', fields: {}, addTags: [], removeTags: ['vip'] },
    });
  });

  it('needs username and password for the password flow, not for client credentials', () => {
    expect(issues({ credentials: { clientId: 'k', clientSecret: 's' } })).toEqual([
      'credentials.username: the password flow needs the username',
      'credentials.password: the password flow needs the password',
    ]);
    expect(
      issues({
        credentials: {
          flow: 'client_credentials',
          loginUrl: 'https://acme.my.salesforce.com',
          clientId: 'k',
          clientSecret: 's',
        },
      }),
    ).toEqual([]);
  });

  it('needs the External ID fields for external-id matching and for Opportunities', () => {
    expect(
      issues({ credentials, record: { matchBy: 'externalId' }, opportunity: { enabled: true } }),
    ).toEqual([
      "record.externalIdField: matching by external id needs the External ID field's API name",
      'opportunity.externalIdField: Opportunities need an External ID field on Opportunity (e.g. "Order_Id__c") so a retried delivery never creates a second one',
    ]);
  });

  it('refuses bad API versions, field names and templates', () => {
    expect(issues({ credentials, apiVersion: 'v60.0' })).toEqual([
      'apiVersion: must be an API version such as "60.0" (without the "v")',
    ]);
    expect(
      issues({ credentials, mapping: { 'Mailing City': 'buyer.address.city', Id: 'order.id' } }),
    ).toEqual([
      'mapping: "Mailing City" is not a Salesforce field API name (e.g. "MailingCity", "Order_Id__c", "Account.Ext_Id__c")',
      'mapping: "Id" is set by Salesforce and cannot be mapped',
    ]);
    expect(issues({ credentials, tagField: 'Tags c' })).toEqual([
      'tagField: must be a Salesforce field API name, e.g. "Buyer_Key__c"',
    ]);
    expect(issues({ credentials, actions: { payment: { addTags: ['{product.name'] } } })).toEqual([
      'actions.payment.addTags.0: unclosed "{" at position 0 (write "{{" for a literal brace)',
    ]);
  });

  it('renders as JSON Schema with titles on nested fields and the secrets writeOnly', () => {
    const schema = z.toJSONSchema(salesforceConfigSchema, { io: 'input' }) as {
      properties: Record<
        string,
        { properties?: Record<string, { title?: string; writeOnly?: boolean }> }
      >;
    };
    const creds = schema.properties.credentials?.properties ?? {};
    expect(
      Object.entries(creds)
        .filter(([, p]) => typeof p.title !== 'string')
        .map(([k]) => k),
    ).toEqual([]);
    expect(
      Object.entries(creds)
        .filter(([, p]) => p.writeOnly === true)
        .map(([k]) => k),
    ).toEqual(['clientSecret', 'password', 'securityToken']);
    for (const group of ['record', 'opportunity']) {
      const props = schema.properties[group]?.properties ?? {};
      expect(
        Object.entries(props)
          .filter(([, p]) => typeof p.title !== 'string')
          .map(([k]) => k),
      ).toEqual([]);
    }
  });
});
