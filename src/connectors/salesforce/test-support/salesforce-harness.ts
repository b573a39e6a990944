/**
 * Shared setup for the Salesforce connector tests: the real guarded HTTP client allowed to
 * reach the fake on 127.0.0.1, contexts, and configs pointing at a running fake.
 */
import type { SalesforceFake, SalesforceFakeOptions } from '../../../../test/fakes/salesforce-fake.js';
import { ManualClock } from '../../../lib/clock.js';
import { createHttpClient } from '../../../lib/http-client.js';
import { silentLogger } from '../../../lib/logger.js';
import type { Mailer } from '../../../lib/mailer.js';
import type { DeliveryContext, TestContext } from '../../connector.js';
import { makeDeliveryContext } from '../../connector-contract.js';
import { salesforceConfigSchema } from '../config.js';
import type { SalesforceConfig } from '../config.js';
import { createCacheScope } from '../../../lib/cache-scope.js';

export const http = createHttpClient({ timeoutMs: 2000, allowList: ['127.0.0.1'] });

/** The Salesforce connector never mails; a mailer that says so if it ever tries. */
export const unusedMailer: Mailer = {
  send: async () => ({ ok: false, transient: false, error: 'the salesforce connector must not send mail' }),
  verify: async () => ({ ok: false, message: 'unused' }),
  close: async () => undefined,
};

export const clock = new ManualClock('2026-03-01T10:00:00.000Z');

/** One runtime's caches for the test file, as deliveries of one server share them. */
const caches = createCacheScope();

export function context(overrides: Partial<DeliveryContext> = {}): DeliveryContext {
  return makeDeliveryContext({ http, mailer: unusedMailer, clock, caches, ...overrides });
}

export function testContext(overrides: Partial<TestContext> = {}): TestContext {
  return { http, mailer: unusedMailer, logger: silentLogger(), clock, signal: new AbortController().signal, caches, ...overrides };
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
    Lead: { Buyer_Key__c: { externalId: true, unique: true }, Ipnhub_Tags__c: {}, Product_Id__c: {}, Lead_Only__c: {} },
    Opportunity: { Order_Id__c: { externalId: true, unique: true }, Product_Id__c: {}, Ipnhub_Payments__c: {} },
  },
};

/** The fake's credentials as a connection config; `overrides` are merged at the top level. */
export function configInput(fake: SalesforceFake, overrides: Record<string, unknown> = {}): Record<string, unknown> {
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

export function fakeConfig(fake: SalesforceFake, overrides: Record<string, unknown> = {}): SalesforceConfig {
  return salesforceConfigSchema.parse(configInput(fake, overrides));
}
