/**
 * The Keap connector's contract harness (run by `src/connectors/connector-contracts.test.ts`)
 * and the helpers its own tests share with it.
 */
import { expect } from 'vitest';
import { closedPort } from '../../../../test/helpers/closed-port.js';
import {
  KEAP_FAKE_CLIENT_ID,
  KEAP_FAKE_CLIENT_SECRET,
  startKeapFake,
} from '../../../../test/fakes/keap-fake.js';
import type { KeapFake } from '../../../../test/fakes/keap-fake.js';
import { createCacheScope } from '../../../lib/cache-scope.js';
import { ManualClock } from '../../../lib/clock.js';
import { createHttpClient } from '../../../lib/http-client.js';
import type { DeliveryContext, TestContext } from '../../connector.js';
import { makeDeliveryContext, makeTestContext, unusedMailer } from '../../connector-contract.js';
import type { ConnectorHarness } from '../../connector-contract.js';
import { keapConfigSchema } from '../config.js';
import type { KeapConfig } from '../config.js';
import { keapConnector } from '../keap-connector.js';

export const http = createHttpClient({ timeoutMs: 2000, allowList: ['127.0.0.1'] });
export const connector = keapConnector();
export const mailer = unusedMailer('keap');
export const EMAIL = 'anna.beispiel@example.com';
export const PRODUCT = 'Online Course Basic';

/** A parsed config for the fake, signing in with its API key; `input` overrides fields. */
export function apiKeyConfig(
  fake: Pick<KeapFake, 'apiUrl' | 'apiKey'>,
  input: Record<string, unknown> = {},
): KeapConfig {
  return keapConfigSchema.parse({
    apiUrl: fake.apiUrl,
    credentials: { method: 'apiKey', apiKey: fake.apiKey },
    // Tests need no budget; the limits are tested on the rate limiter.
    maxRequestsPerSecond: 25,
    ...input,
  });
}

/** A parsed config for the fake's OAuth app with `refreshToken`. */
export function oauthConfig(
  fake: KeapFake,
  refreshToken: string,
  input: Record<string, unknown> = {},
): KeapConfig {
  return keapConfigSchema.parse({
    apiUrl: fake.apiUrl,
    credentials: {
      method: 'oauth',
      clientId: KEAP_FAKE_CLIENT_ID,
      clientSecret: KEAP_FAKE_CLIENT_SECRET,
      refreshToken,
      tokenUrl: fake.tokenUrl,
    },
    ...input,
  });
}

export function deliveryContext(overrides: Partial<DeliveryContext> = {}): DeliveryContext {
  return makeDeliveryContext({
    http,
    mailer,
    clock: new ManualClock('2026-03-01T10:00:00.000Z'),
    caches: createCacheScope(),
    ...overrides,
  });
}

export function testContext(overrides: Partial<TestContext> = {}): TestContext {
  return makeTestContext({
    http,
    mailer,
    clock: new ManualClock('2026-03-01T10:00:00.000Z'),
    caches: createCacheScope(),
    ...overrides,
  });
}

/** The Keap connector's contract harness: its fake target, configs and contexts. */
export function keapContractHarness(): ConnectorHarness<KeapConfig> {
  return {
    connector,
    async start() {
      const fake = await startKeapFake();
      const down = await closedPort();
      return {
        validConfig: apiKeyConfig(fake, { customFields: { 'Order ID': 'order.id' } }),
        downConfig: apiKeyConfig({
          apiUrl: `http://127.0.0.1:${down}/crm/rest`,
          apiKey: fake.apiKey,
        }),
        async assertDelivered(event) {
          const [contact, ...others] = fake.contactsByEmail(event.buyer?.email ?? '');
          expect(others).toEqual([]);
          expect(contact).toMatchObject({ given_name: 'Anna', family_name: 'Beispiel' });
          expect(fake.tagsOf(contact?.id ?? 0)).toEqual([PRODUCT]);
        },
        async assertRedeliverySafe(event) {
          const found = fake.contactsByEmail(event.buyer?.email ?? '');
          expect(found).toHaveLength(1);
          expect([...fake.tags.values()]).toEqual([PRODUCT]);
          expect(fake.tagsOf(found[0]?.id ?? 0)).toEqual([PRODUCT]);
        },
        stop: () => fake.close(),
      };
    },
    makeContext: (overrides) => deliveryContext(overrides),
    makeTestContext: (overrides) => testContext(overrides),
    dispose: () => http.close(),
  };
}
