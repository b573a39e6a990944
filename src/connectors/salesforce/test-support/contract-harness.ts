/**
 * The Salesforce connector's contract harness (run by `src/connectors/connector-contracts.test.ts`)
 * and the helpers its own tests share with it.
 */
import { expect } from 'vitest';
import { startSalesforceFake } from '../../../../test/fakes/salesforce-fake.js';
import { closedPort } from '../../../../test/helpers/closed-port.js';
import type { ConnectorHarness } from '../../connector-contract.js';
import type { SalesforceConfig } from '../config.js';
import { salesforceConnector } from '../salesforce-connector.js';
import { TEST_ORG, context, fakeConfig, http, testContext } from './salesforce-harness.js';

export const connector = salesforceConnector();
export const EMAIL = 'anna.beispiel@example.com';

/** The Salesforce connector's contract harness: its fake target, configs and contexts. */
export function salesforceContractHarness(): ConnectorHarness<SalesforceConfig> {
  return {
    connector,
    async start() {
      const fake = await startSalesforceFake(TEST_ORG);
      const down = await closedPort();
      const validConfig = fakeConfig(fake, { tagField: 'Ipnhub_Tags__c' });
      return {
        validConfig,
        downConfig: {
          ...validConfig,
          credentials: { ...validConfig.credentials, loginUrl: `http://127.0.0.1:${down}` },
        },
        async assertDelivered(event) {
          const contacts = fake.records('Contact').filter((c) => c.Email === event.buyer?.email);
          expect(contacts).toHaveLength(1);
          expect(contacts[0]).toMatchObject({
            FirstName: 'Anna',
            LastName: 'Beispiel',
            Ipnhub_Tags__c: 'Online Course Basic',
          });
        },
        async assertRedeliverySafe(event) {
          const contacts = fake.records('Contact').filter((c) => c.Email === event.buyer?.email);
          expect(contacts).toHaveLength(1);
          expect(contacts[0]?.Ipnhub_Tags__c).toBe('Online Course Basic');
        },
        stop: () => fake.close(),
      };
    },
    makeContext: (overrides) => context(overrides),
    makeTestContext: (overrides) => testContext(overrides),
    dispose: () => http.close(),
  };
}
