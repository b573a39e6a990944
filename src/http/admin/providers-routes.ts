/**
 * `GET /providers`: the inbound provider catalogue — what a source form is rendered from
 * (each config schema as JSON Schema).
 */
import type { Provider } from '../../providers/provider.js';
import { PROVIDER_IDS, getProvider } from '../../providers/registry.js';
import { configJsonSchema } from './config-json-schema.js';
import { defineRoute } from './define-route.js';
import type { AdminRoute } from './define-route.js';
import { providerCatalogue } from './responses/catalogue.js';

export interface ProviderCatalogueEntry {
  id: string;
  displayName: string;
  /** Config fields that are secrets: write-only, never returned. */
  secretFields: readonly string[];
  configSchema: Record<string, unknown>;
}

export function providerCatalogueEntry(provider: Provider<unknown>): ProviderCatalogueEntry {
  return {
    id: provider.id,
    displayName: provider.displayName,
    secretFields: provider.secretFields,
    configSchema: configJsonSchema(provider.configSchema),
  };
}

export const providersRoutes: readonly AdminRoute[] = [
  defineRoute({
    method: 'GET',
    path: '/providers',
    operationId: 'listProviders',
    tag: 'catalogue',
    summary: 'List providers',
    description:
      'Every inbound provider with its source config schema as JSON Schema (draft 2020-12, input side; secret fields marked `writeOnly`).',
    response: {
      status: 200,
      description:
        '`[{ id, displayName, secretFields, configSchema }]` (not paged: one entry per installed provider)',
      schema: providerCatalogue,
    },
    handler: async () => PROVIDER_IDS.map((id) => providerCatalogueEntry(getProvider(id))),
  }),
];
