import * as z from 'zod';
import { looseObject, named } from './registry.js';

const catalogueFields = {
  id: z.string(),
  displayName: z.string(),
  secretFields: z
    .array(z.string())
    .meta({ description: 'Config fields that are secrets: write-only, never returned.' }),
  configSchema: looseObject.meta({
    description:
      'The config as JSON Schema (draft 2020-12, input side; secrets marked `writeOnly`).',
  }),
};

export const connectorEntry = named(
  'ConnectorEntry',
  z.strictObject({ ...catalogueFields, description: z.string() }),
);
export const connectorCatalogue = named('ConnectorCatalogue', z.array(connectorEntry));

export const providerEntry = named('ProviderEntry', z.strictObject(catalogueFields));
export const providerCatalogue = named('ProviderCatalogue', z.array(providerEntry));
