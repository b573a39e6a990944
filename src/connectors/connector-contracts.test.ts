/**
 * Runs the connector contract suite (`connector-contract.ts`) for every connector in the
 * registry, against the fake target its folder's `test-support/contract-harness.ts` starts. A
 * connector added to the registry without a harness is a type error here and a failing test.
 */
import { describe, expect, it } from 'vitest';
import { activeCampaignContractHarness } from './activecampaign/test-support/contract-harness.js';
import { capsuleContractHarness } from './capsule/test-support/contract-harness.js';
import type { Connector } from './connector.js';
import { runConnectorContract } from './connector-contract.js';
import type { ConnectorHarness } from './connector-contract.js';
import { emailContractHarness } from './email/test-support/contract-harness.js';
import { keapContractHarness } from './keap/test-support/contract-harness.js';
import { klickTippContractHarness } from './klicktipp/test-support/contract-harness.js';
import { paypalIpnForwardContractHarness } from './paypal-ipn-forward/test-support/contract-harness.js';
import { quentnContractHarness } from './quentn/test-support/contract-harness.js';
import { CONNECTOR_IDS, type connectors } from './registry.js';
import type { ConnectorId } from './registry.js';
import { salesforceContractHarness } from './salesforce/test-support/contract-harness.js';
import { webhookContractHarness } from './webhook/test-support/contract-harness.js';

type ConfigOf<Id extends ConnectorId> =
  (typeof connectors)[Id] extends Connector<infer Config> ? Config : never;

const harnesses: { [Id in ConnectorId]: () => ConnectorHarness<ConfigOf<Id>> } = {
  webhook: webhookContractHarness,
  email: emailContractHarness,
  'paypal-ipn-forward': paypalIpnForwardContractHarness,
  salesforce: salesforceContractHarness,
  activecampaign: activeCampaignContractHarness,
  quentn: quentnContractHarness,
  klicktipp: klickTippContractHarness,
  keap: keapContractHarness,
  capsule: capsuleContractHarness,
};

function run<Id extends ConnectorId>(id: Id): void {
  const harness = Object.hasOwn(harnesses, id) ? harnesses[id] : undefined;
  if (harness) runConnectorContract(id, harness());
}

describe('connector contracts', () => {
  it('run for every registered connector', () => {
    expect(CONNECTOR_IDS.filter((id) => !Object.hasOwn(harnesses, id))).toEqual([]);
    expect(
      Object.keys(harnesses).filter((id) => !(CONNECTOR_IDS as string[]).includes(id)),
    ).toEqual([]);
  });
});

for (const id of CONNECTOR_IDS) run(id);
