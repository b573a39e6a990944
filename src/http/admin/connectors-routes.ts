/**
 * `GET /connectors`: the outbound connector catalogue — what the admin UI renders connection
 * forms from (each config schema as JSON Schema, with titles and descriptions).
 */
import type { Connector } from '../../connectors/connector.js';
import { CONNECTOR_IDS, getConnector } from '../../connectors/registry.js';
import { configJsonSchema } from './config-json-schema.js';
import { defineRoute } from './define-route.js';
import type { AdminRoute } from './define-route.js';

export interface ConnectorCatalogueEntry {
  id: string;
  displayName: string;
  description: string;
  /** Config fields that are secrets: write-only, never returned. */
  secretFields: readonly string[];
  configSchema: Record<string, unknown>;
}

export function connectorCatalogueEntry(connector: Connector<unknown>): ConnectorCatalogueEntry {
  return {
    id: connector.id,
    displayName: connector.displayName,
    description: connector.description,
    secretFields: connector.secretFields,
    configSchema: configJsonSchema(connector.configSchema),
  };
}

export const connectorsRoutes: readonly AdminRoute[] = [
  defineRoute({
    method: 'GET',
    path: '/connectors',
    operationId: 'listConnectors',
    tag: 'catalogue',
    summary: 'List connectors',
    description: "Every outbound connector with its config schema as JSON Schema (draft 2020-12, input side; secret fields marked `writeOnly`).",
    response: { status: 200, description: '`[{ id, displayName, description, secretFields, configSchema }]` (not paged: one entry per installed connector)' },
    handler: async () => CONNECTOR_IDS.map((id) => connectorCatalogueEntry(getConnector(id))),
  }),
];
