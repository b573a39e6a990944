/**
 * The ActiveCampaign connector's contract harness (run by `src/connectors/connector-contracts.test.ts`)
 * and the helpers its own tests share with it.
 */
import { expect } from 'vitest';
import { closedPort } from '../../../../test/helpers/closed-port.js';
import { startActiveCampaignFake } from '../../../../test/fakes/activecampaign-fake.js';
import { createHttpClient } from '../../../lib/http-client.js';
import type { ConnectorHarness } from '../../connector-contract.js';
import { activeCampaignConnector } from '../activecampaign-connector.js';
import type { ActiveCampaignConfig } from '../config.js';
import { acConfig, deliveryContext, testContext } from './contexts.js';

export const http = createHttpClient({ timeoutMs: 2000, allowList: ['127.0.0.1'] });
// The fake has no rate limit unless a test asks for one; the 5/s budget is tested on its own.
export const connector = activeCampaignConnector({ requestsPerSecond: 1000 });
export const EMAIL = 'anna.beispiel@example.com';
export const PRODUCT = 'Online Course Basic';

/** The ActiveCampaign connector's contract harness: its fake target, configs and contexts. */
export function activeCampaignContractHarness(): ConnectorHarness<ActiveCampaignConfig> {
  return {
    connector,
    async start() {
      const fake = await startActiveCampaignFake();
      const down = await closedPort();
      return {
        validConfig: acConfig(fake.url, fake.apiToken),
        downConfig: acConfig(`http://127.0.0.1:${down}`, fake.apiToken),
        async assertDelivered(event) {
          expect(fake.contactByEmail(event.buyer?.email ?? '')).toMatchObject({
            firstName: 'Anna',
            lastName: 'Beispiel',
          });
          expect(fake.tagsOf(event.buyer?.email ?? '')).toEqual([PRODUCT]);
        },
        async assertRedeliverySafe(event) {
          const email = event.buyer?.email ?? '';
          expect(fake.state.contacts.filter((c) => c.email === email)).toHaveLength(1);
          expect(fake.state.tags.map((t) => t.tag)).toEqual([PRODUCT]);
          expect(fake.state.contactTags).toHaveLength(1);
        },
        stop: () => fake.close(),
      };
    },
    makeContext: (overrides) => deliveryContext(http, overrides),
    makeTestContext: (overrides) => testContext(http, overrides),
    dispose: () => http.close(),
  };
}
