/**
 * Every inbound provider, by id. The `ProviderId` union and the id list for config validation
 * are derived from this object, so a provider missing here is a compile error wherever an id
 * is switched on.
 */
import { digistore24Provider } from './digistore24/digistore24-provider.js';
import { paypalIpnProvider } from './paypal-ipn/paypal-ipn-provider.js';
import { paypalWebhooksProvider } from './paypal-webhooks/paypal-webhooks-provider.js';
import type { Provider } from './provider.js';

export const providers = {
  digistore24: digistore24Provider(),
  'paypal-ipn': paypalIpnProvider(),
  'paypal-webhooks': paypalWebhooksProvider(),
} as const;

export type ProviderId = keyof typeof providers;

export const PROVIDER_IDS = Object.keys(providers) as ProviderId[];

export function isProviderId(id: string): id is ProviderId {
  return Object.hasOwn(providers, id);
}

/** The provider as its general interface, for code that handles any provider's config as data. */
export function getProvider(id: ProviderId): Provider<unknown> {
  return providers[id] as unknown as Provider<unknown>;
}

/** Finds a source's provider by id; the ingest pipeline and the verifier take one, so tests can bring their own. */
export type ProviderLookup = (id: string) => Provider<unknown> | null;

export const installedProvider: ProviderLookup = (id) =>
  isProviderId(id) ? getProvider(id) : null;
