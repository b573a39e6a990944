/**
 * `GET /connectors`: the outbound connector catalogue — what the admin UI renders connection
 * forms from (each config schema as JSON Schema, with titles and descriptions) — and
 * `POST /connectors/:connector/preview`, the mapping preview of a connection being created.
 */
import * as z from 'zod';
import { previewConfig } from '../../connections/config-preview.js';
import type { Connector } from '../../connectors/connector.js';
import { CONNECTOR_IDS, getConnector, isConnectorId } from '../../connectors/registry.js';
import { IpnhubError } from '../../core/errors.js';
import { configJsonSchema } from './config-json-schema.js';
import { defineRoute } from './define-route.js';
import type { AdminRoute } from './define-route.js';
import {
  ONE_EVENT_CHOICE,
  oneEventChoice,
  previewEvent,
  previewEventFields,
} from './preview-input.js';
import { connectorCatalogue } from './responses/catalogue.js';
import { configPreview } from './responses/connections.js';

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

export const connectorParams = z.object({
  connector: z
    .string()
    .min(1)
    .max(100)
    .meta({ description: 'Connector id (see GET /connectors), e.g. `webhook`.' }),
});

export const connectorPreviewBody = z
  .object({
    config: z.record(z.string(), z.unknown()).default({}).meta({
      description:
        'The config as entered so far, secrets included (they are used for nothing but the check, and never shown).',
    }),
    ...previewEventFields,
  })
  .strict()
  .refine(oneEventChoice, ONE_EVENT_CHOICE);

export const connectorsRoutes: readonly AdminRoute[] = [
  defineRoute({
    method: 'GET',
    path: '/connectors',
    operationId: 'listConnectors',
    tag: 'catalogue',
    summary: 'List connectors',
    description:
      'Every outbound connector with its config schema as JSON Schema (draft 2020-12, input side; secret fields marked `writeOnly`).',
    response: {
      status: 200,
      description:
        '`[{ id, displayName, description, secretFields, configSchema }]` (not paged: one entry per installed connector)',
      schema: connectorCatalogue,
    },
    handler: async () => CONNECTOR_IDS.map((id) => connectorCatalogueEntry(getConnector(id))),
  }),
  defineRoute({
    method: 'POST',
    path: '/connectors/:connector/preview',
    operationId: 'previewConnectorConfig',
    tag: 'catalogue',
    summary: 'Preview a new connection’s mapping',
    description:
      'Renders the templates and field mappings of a connection config that is not saved yet for a recorded event (`eventId`) or a sample (`sampleEventType`, default `payment`): every template and mapping entry with its value, what the connector would send when it can say (webhook: the JSON body), and `problems` that would keep the config from being saved. Saves nothing and contacts no target. For a saved connection (stored secrets), use POST /connections/{id}/preview.',
    params: connectorParams,
    body: connectorPreviewBody,
    errors: ['UNKNOWN_CONNECTOR'],
    response: {
      status: 200,
      description: '`{ event, fields, output, problems }`',
      schema: configPreview,
    },
    handler: async ({ params, body, deps }) => {
      if (!isConnectorId(params.connector))
        throw new IpnhubError('UNKNOWN_CONNECTOR', `"${params.connector}"`);
      const { event, sample } = await previewEvent(deps.db, body);
      return {
        event: { id: event.id, type: event.type, sample },
        ...previewConfig(getConnector(params.connector), body.config, event),
      };
    },
  }),
];
