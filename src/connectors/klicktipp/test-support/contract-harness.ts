/**
 * The Klick-Tipp connector's contract harness (run by `src/connectors/connector-contracts.test.ts`)
 * and the helpers its own tests share with it.
 */
import { expect } from 'vitest';
import { startKlickTippFake } from '../../../../test/fakes/klicktipp-fake.js';
import type { KlickTippFake, KlickTippFakeOptions } from '../../../../test/fakes/klicktipp-fake.js';
import { closedPort } from '../../../../test/helpers/closed-port.js';
import { createCacheScope } from '../../../lib/cache-scope.js';
import { ManualClock } from '../../../lib/clock.js';
import { createHttpClient } from '../../../lib/http-client.js';
import type { DeliveryContext, TestContext } from '../../connector.js';
import { makeDeliveryContext, makeTestContext, unusedMailer } from '../../connector-contract.js';
import type { ConnectorHarness } from '../../connector-contract.js';
import type { KlickTippConfig } from '../config.js';
import { klickTippConnector } from '../klicktipp-connector.js';

export const USER = 'shop-owner';
export const PASSWORD = 'kt-password-1';
export const EMAIL = 'anna.beispiel@example.com';
export const PRODUCT = 'Online Course Basic';
export const connector = klickTippConnector();
export const http = createHttpClient({ timeoutMs: 2000, allowList: ['127.0.0.1'] });

/** The klicktipp connector never mails; a mailer that says so if it ever tries. */
export const mailer = unusedMailer('klicktipp');

/** One runtime's caches for the test file, as deliveries of one server share them (and its logins). */
const caches = createCacheScope();

export function context(overrides: Partial<DeliveryContext> = {}): DeliveryContext {
  return makeDeliveryContext({
    http,
    mailer,
    clock: new ManualClock('2026-03-01T10:00:00.000Z'),
    caches,
    ...overrides,
  });
}

export function testContext(overrides: Partial<TestContext> = {}): TestContext {
  return makeTestContext({
    http,
    mailer,
    clock: new ManualClock('2026-03-01T10:00:00.000Z'),
    caches,
    ...overrides,
  });
}

export function config(baseUrl: string, input: Record<string, unknown> = {}): KlickTippConfig {
  return connector.configSchema.parse({
    baseUrl,
    auth: { username: USER, password: PASSWORD },
    requestsPerSecond: 100,
    ...input,
  });
}

export const fakeOptions: KlickTippFakeOptions = {
  username: USER,
  password: PASSWORD,
  customFields: {
    field500: { label: 'Order total', type: 'decimal' },
    field501: { label: 'Paid at', type: 'date' },
    field502: { label: 'Order reference', type: 'text' },
  },
};

/** Requests without the login, as "METHOD /path status". */
export function calls(fake: KlickTippFake): string[] {
  return fake.requests
    .filter((r) => r.path !== '/account/login')
    .map((r) => `${r.method} ${r.path} ${r.status}`);
}

/** The Klick-Tipp connector's contract harness: its fake target, configs and contexts. */
export function klickTippContractHarness(): ConnectorHarness<KlickTippConfig> {
  return {
    connector,
    async start() {
      const fake = await startKlickTippFake(fakeOptions);
      const down = await closedPort();
      return {
        validConfig: config(fake.url),
        downConfig: config(`http://127.0.0.1:${down}`),
        async assertDelivered(event) {
          expect(fake.subscriber(event.buyer?.email ?? '')?.fields).toMatchObject({
            fieldFirstName: 'Anna',
            fieldCity: 'Berlin',
          });
          expect(fake.tagNames(event.buyer?.email ?? '')).toEqual([PRODUCT]);
        },
        async assertRedeliverySafe(event) {
          expect(fake.state.subscribers.size).toBe(1);
          expect(fake.tagNames(event.buyer?.email ?? '')).toEqual([PRODUCT]);
          expect([...fake.state.tags.values()].map((t) => t.name)).toEqual([PRODUCT]);
        },
        stop: () => fake.close(),
      };
    },
    makeContext: (overrides) => context(overrides),
    makeTestContext: (overrides) => testContext(overrides),
    dispose: () => http.close(),
  };
}
