/**
 * The Quentn connector's contract harness (run by `src/connectors/connector-contracts.test.ts`)
 * and the helpers its own tests share with it.
 */
import { expect } from 'vitest';
import { closedPort } from '../../../../test/helpers/closed-port.js';
import { QUENTN_FAKE_KEY, startQuentnFake } from '../../../../test/fakes/quentn-fake.js';
import type { QuentnFake } from '../../../../test/fakes/quentn-fake.js';
import { ManualClock } from '../../../lib/clock.js';
import { createHttpClient } from '../../../lib/http-client.js';
import type { DeliveryContext, TestContext } from '../../connector.js';
import { makeDeliveryContext, makeTestContext, unusedMailer } from '../../connector-contract.js';
import type { ConnectorHarness } from '../../connector-contract.js';
import type { QuentnConfig } from '../config.js';
import { quentnConnector } from '../quentn-connector.js';

export const connector = quentnConnector();
export const http = createHttpClient({ timeoutMs: 2000, allowList: ['127.0.0.1'] });
export const EMAIL = 'anna.beispiel@example.com';

/** The quentn connector never mails; a mailer that says so if it ever tries. */
export const mailer = unusedMailer('quentn');

export function context(overrides: Partial<DeliveryContext> = {}): DeliveryContext {
  return makeDeliveryContext({
    http,
    mailer,
    clock: new ManualClock('2026-03-01T10:00:00.000Z'),
    ...overrides,
  });
}

export function testContext(overrides: Partial<TestContext> = {}): TestContext {
  return makeTestContext({
    http,
    mailer,
    clock: new ManualClock('2026-03-01T10:00:00.000Z'),
    ...overrides,
  });
}

export function configFor(
  fake: { url: string },
  extra: Record<string, unknown> = {},
): QuentnConfig {
  return connector.configSchema.parse({
    baseUrl: fake.url,
    apiKey: QUENTN_FAKE_KEY,
    requestsPerSecond: 100,
    ...extra,
  });
}

export function calls(fake: QuentnFake): string[] {
  return fake.requests.map(
    (r) => `${r.method} ${r.path}${r.query.size > 0 ? `?${r.query.toString()}` : ''}`,
  );
}

/** The Quentn connector's contract harness: its fake target, configs and contexts. */
export function quentnContractHarness(): ConnectorHarness<QuentnConfig> {
  return {
    connector,
    async start() {
      const fake = await startQuentnFake();
      const down = await closedPort();
      return {
        validConfig: configFor(fake),
        downConfig: configFor({ url: `http://127.0.0.1:${down}/public/api/V1/` }),
        async assertDelivered(event) {
          const [contact, ...more] = fake.contactsByMail(event.buyer?.email ?? '');
          expect(more).toEqual([]);
          expect(contact?.fields).toMatchObject({
            mail: EMAIL,
            first_name: 'Anna',
            family_name: 'Beispiel',
          });
          expect(fake.tagsOf(contact?.id ?? 0)).toEqual(['Online Course Basic']);
        },
        async assertRedeliverySafe(event) {
          const found = fake.contactsByMail(event.buyer?.email ?? '');
          expect(found).toHaveLength(1);
          expect(fake.tagsOf(found[0]?.id ?? 0)).toEqual(['Online Course Basic']);
          expect([...fake.terms.values()].map((t) => t.name)).toEqual(['Online Course Basic']);
        },
        stop: () => fake.close(),
      };
    },
    makeContext: (overrides) => context(overrides),
    makeTestContext: (overrides) => testContext(overrides),
    dispose: () => http.close(),
  };
}
