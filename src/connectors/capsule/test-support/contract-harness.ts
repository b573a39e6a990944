/**
 * The Capsule connector's contract harness (run by `src/connectors/connector-contracts.test.ts`)
 * and the pieces its own tests share with it: contexts over the real guarded HTTP client
 * (loopback allowed, as the fake listens there) and configs for the fake account.
 */
import { expect } from 'vitest';
import { closedPort } from '../../../../test/helpers/closed-port.js';
import { startCapsuleFake } from '../../../../test/fakes/capsule-fake.js';
import { createCacheScope } from '../../../lib/cache-scope.js';
import { ManualClock } from '../../../lib/clock.js';
import { createHttpClient } from '../../../lib/http-client.js';
import type { HttpClient } from '../../../lib/http-client.js';
import type { DeliveryContext, TestContext } from '../../connector.js';
import { makeDeliveryContext, makeTestContext, unusedMailer } from '../../connector-contract.js';
import type { ConnectorHarness } from '../../connector-contract.js';
import { capsuleConnector } from '../capsule-connector.js';
import { capsuleConfigSchema } from '../config.js';
import type { CapsuleConfig } from '../config.js';

export const http = createHttpClient({ timeoutMs: 2000, allowList: ['127.0.0.1'] });
// The hourly budget is tested on its own; here the limiter never makes a test wait.
export const connector = capsuleConnector({ requestsPerHour: 1_000_000 });
export const EMAIL = 'anna.beispiel@example.com';
export const PRODUCT = 'Online Course Basic';
export const mailer = unusedMailer('capsule');
const caches = createCacheScope();

export function deliveryContext(
  client: HttpClient,
  overrides: Partial<DeliveryContext> = {},
): DeliveryContext {
  return makeDeliveryContext({
    http: client,
    mailer,
    clock: new ManualClock('2026-03-01T10:00:00.000Z'),
    caches,
    ...overrides,
  });
}

export function testContext(client: HttpClient, overrides: Partial<TestContext> = {}): TestContext {
  return makeTestContext({
    http: client,
    mailer,
    clock: new ManualClock('2026-03-01T10:00:00.000Z'),
    caches,
    ...overrides,
  });
}

/** A parsed config for the account at `url`; `input` overrides fields. */
export function capsuleConfig(
  url: string,
  apiToken: string,
  input: Record<string, unknown> = {},
): CapsuleConfig {
  return capsuleConfigSchema.parse({ apiUrl: url, apiToken, ...input });
}

export function capsuleContractHarness(): ConnectorHarness<CapsuleConfig> {
  return {
    connector,
    async start() {
      const fake = await startCapsuleFake();
      const down = await closedPort();
      return {
        validConfig: capsuleConfig(fake.url, fake.token),
        downConfig: capsuleConfig(`http://127.0.0.1:${down}/api/v2`, fake.token),
        async assertDelivered(event) {
          const people = fake.peopleByEmail(event.buyer?.email ?? '');
          expect(people).toHaveLength(1);
          expect(people[0]).toMatchObject({ firstName: 'Anna', lastName: 'Beispiel' });
          expect(people.map((p) => fake.tagsOf(p.id))).toEqual([[PRODUCT]]);
        },
        async assertRedeliverySafe(event) {
          const people = fake.peopleByEmail(event.buyer?.email ?? '');
          expect(people).toHaveLength(1);
          expect(people[0]?.addresses).toHaveLength(1);
          expect([...fake.tags.values()].map((t) => t.name)).toEqual([PRODUCT]);
          expect(people.map((p) => fake.tagsOf(p.id))).toEqual([[PRODUCT]]);
        },
        stop: () => fake.close(),
      };
    },
    makeContext: (overrides) => deliveryContext(http, overrides),
    makeTestContext: (overrides) => testContext(http, overrides),
    dispose: () => http.close(),
  };
}
