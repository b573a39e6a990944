/**
 * Runs the provider contract suite (`provider-contract.ts`) for every provider in the registry,
 * with the cases its folder exports from `test-support/contract-cases.ts`. A provider added to
 * the registry without cases is a type error here and a failing test.
 */
import { describe, expect, it } from 'vitest';
import { digistore24Contract } from './digistore24/test-support/contract-cases.js';
import { paypalIpnContract } from './paypal-ipn/test-support/contract-cases.js';
import { paypalWebhooksContract } from './paypal-webhooks/test-support/contract-cases.js';
import type { Provider } from './provider.js';
import { runProviderContract } from './provider-contract.js';
import type { ProviderContractSetup } from './provider-contract.js';
import { PROVIDER_IDS, providers } from './registry.js';
import type { ProviderId } from './registry.js';

type ConfigOf<Id extends ProviderId> =
  (typeof providers)[Id] extends Provider<infer Config> ? Config : never;

const contracts: { [Id in ProviderId]: () => ProviderContractSetup<ConfigOf<Id>> } = {
  digistore24: digistore24Contract,
  'paypal-ipn': paypalIpnContract,
  'paypal-webhooks': paypalWebhooksContract,
};

function run<Id extends ProviderId>(id: Id): void {
  const setup = Object.hasOwn(contracts, id) ? contracts[id] : undefined;
  if (!setup) return;
  runProviderContract(providers[id] as Provider<ConfigOf<Id>>, setup());
}

describe('provider contracts', () => {
  it('run for every registered provider', () => {
    expect(PROVIDER_IDS.filter((id) => !Object.hasOwn(contracts, id))).toEqual([]);
    expect(Object.keys(contracts).filter((id) => !(PROVIDER_IDS as string[]).includes(id))).toEqual(
      [],
    );
  });
});

for (const id of PROVIDER_IDS) run(id);
