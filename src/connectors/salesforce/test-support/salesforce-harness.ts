/**
 * Shared setup for the Salesforce connector tests: the real guarded HTTP client allowed to
 * reach the fake on 127.0.0.1, contexts, and configs pointing at a running fake.
 */
import type {
  SalesforceFake,
  SalesforceFakeOptions,
} from '../../../../test/fakes/salesforce-fake.js';
import { ManualClock } from '../../../lib/clock.js';
import { createHttpClient } from '../../../lib/http-client.js';
import type { DeliveryContext, TestContext } from '../../connector.js';
import { makeDeliveryContext, makeTestContext, unusedMailer } from '../../connector-contract.js';
import { salesforceConfigSchema } from '../config.js';
import type { SalesforceConfig } from '../config.js';
import { createCacheScope } from '../../../lib/cache-scope.js';

export const http = createHttpClient({ timeoutMs: 2000, allowList: ['127.0.0.1'] });

/** The salesforce connector never mails; a mailer that says so if it ever tries. */
export const mailer = unusedMailer('salesforce');

export const clock = new ManualClock('2026-03-01T10:00:00.000Z');

/** One runtime's caches for the test file, as deliveries of one server share them. */
const caches = createCacheScope();

export function context(overrides: Partial<DeliveryContext> = {}): DeliveryContext {
  return makeDeliveryContext({ http, mailer, clock, caches, ...overrides });
}

export function testContext(overrides: Partial<TestContext> = {}): TestContext {
  return makeTestContext({ http, mailer, clock, caches, ...overrides });
}

/** Custom fields of the test org: an external buyer key, a tag field, a few data fields, an order key. */
export const TEST_ORG: SalesforceFakeOptions = {
  customFields: {
    Contact: {
      Buyer_Key__c: { externalId: true, unique: true },
      Ipnhub_Tags__c: {},
      Product_Id__c: {},
      Customer_Status__c: {},
    },
    Lead: {
      Buyer_Key__c: { externalId: true, unique: true },
      Ipnhub_Tags__c: {},
      Product_Id__c: {},
      Lead_Only__c: {},
    },
    Opportunity: {
      Order_Id__c: { externalId: true, unique: true },
      Product_Id__c: {},
      Ipnhub_Payments__c: {},
    },
  },
};

/** The fake's credentials as a connection config; `overrides` are merged at the top level. */
export function configInput(
  fake: SalesforceFake,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    credentials: {
      loginUrl: fake.url,
      clientId: fake.credentials.clientId,
      clientSecret: fake.credentials.clientSecret,
      username: fake.credentials.username,
      password: fake.credentials.password,
      securityToken: fake.credentials.securityToken,
    },
    maxRequestsPerSecond: 1000,
    ...overrides,
  };
}

export function fakeConfig(
  fake: SalesforceFake,
  overrides: Record<string, unknown> = {},
): SalesforceConfig {
  return salesforceConfigSchema.parse(configInput(fake, overrides));
}
