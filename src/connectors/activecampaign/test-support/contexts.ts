/**
 * Shared pieces of the ActiveCampaign connector tests: contexts over the real guarded HTTP
 * client (loopback allow-listed, as the fake listens there) and configs for a fake account.
 */
import { ManualClock } from '../../../lib/clock.js';
import type { HttpClient } from '../../../lib/http-client.js';
import type { DeliveryContext, TestContext } from '../../connector.js';
import { makeDeliveryContext, makeTestContext, unusedMailer } from '../../connector-contract.js';
import { activeCampaignConfigSchema } from '../config.js';
import type { ActiveCampaignConfig } from '../config.js';
import { createCacheScope } from '../../../lib/cache-scope.js';

/** The activecampaign connector never mails; a mailer that says so if it ever tries. */
export const mailer = unusedMailer('activecampaign');

/** One runtime's caches for the test file, as deliveries of one server share them. */
const caches = createCacheScope();

export function deliveryContext(
  http: HttpClient,
  overrides: Partial<DeliveryContext> = {},
): DeliveryContext {
  return makeDeliveryContext({
    http,
    mailer,
    clock: new ManualClock('2026-03-01T10:00:00.000Z'),
    caches,
    ...overrides,
  });
}

export function testContext(http: HttpClient, overrides: Partial<TestContext> = {}): TestContext {
  return makeTestContext({
    http,
    mailer,
    clock: new ManualClock('2026-03-01T10:00:00.000Z'),
    caches,
    ...overrides,
  });
}

/** A parsed config for the account at `url`; `input` overrides fields. */
export function acConfig(
  url: string,
  apiToken: string,
  input: Record<string, unknown> = {},
): ActiveCampaignConfig {
  return activeCampaignConfigSchema.parse({ accountUrl: url, apiToken, ...input });
}
