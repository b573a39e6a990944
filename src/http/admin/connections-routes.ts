/**
 * `/connections`: configured outbound targets (DESIGN.md §3), and `POST /connections/:id/test`,
 * which sends a `connection_test` event through the connection's connector right now. Views
 * never carry a secret value; secrets the server generated (e.g. a webhook signing secret)
 * are returned once, by the request that generated them.
 */
import { z } from 'zod';
import { IpnhubError } from '../../core/errors.js';
import { filtersSchema } from '../../connections/filters.js';
import { connectionWriteView } from '../../connections/connection-write-view.js';
import { pageOfList } from '../../ledger/queries/page.js';
import { idParams, pageQuery } from './common-schemas.js';
import { defineRoute } from './define-route.js';
import type { AdminRoute } from './define-route.js';
import { found } from './found.js';

const TAG = 'connections';

const configObject = z.record(z.string(), z.unknown());
const errorEmails = z.array(z.email()).max(50).meta({ description: 'Addresses that get an e-mail when deliveries of this connection fail for good.' });

export const createConnectionBody = z
  .object({
    connector: z.string().min(1).max(100).meta({ description: 'Connector id (see GET /connectors), e.g. `webhook`.' }),
    name: z.string().min(1).max(200),
    active: z.boolean().optional().meta({ description: 'Default true.' }),
    filters: filtersSchema.optional().meta({ description: 'Which events this connection receives; absent = all (test events excluded).' }),
    config: configObject.default({}).meta({ description: "The connector's config (its JSON Schema is in GET /connectors), secrets included." }),
    errorEmails: errorEmails.optional(),
  })
  .strict();

export const updateConnectionBody = z
  .object({
    name: z.string().min(1).max(200).optional(),
    active: z.boolean().optional(),
    filters: filtersSchema.optional().meta({ description: 'Replaces the filters as a whole.' }),
    config: configObject
      .optional()
      .meta({ description: 'Fields to change: given keys replace, `null` removes, keys not given (secrets included) keep their value.' }),
    errorEmails: errorEmails.optional().meta({ description: 'Replaces the list as a whole.' }),
  })
  .strict();

export const connectionsRoutes: readonly AdminRoute[] = [
  defineRoute({
    method: 'GET',
    path: '/connections',
    operationId: 'listConnections',
    tag: TAG,
    summary: 'List connections',
    description: 'Newest first, paged like every list.',
    query: pageQuery,
    response: { status: 200, description: '`{ data: Connection[], nextCursor }`' },
    handler: async ({ query, deps }) => pageOfList(await deps.connections.list(), query, 'connection'),
  }),
  defineRoute({
    method: 'POST',
    path: '/connections',
    operationId: 'createConnection',
    tag: TAG,
    summary: 'Create a connection',
    description: 'Returns the connection plus `generatedSecrets`: secret fields the server generated (e.g. the webhook signing secret) — shown only here.',
    body: createConnectionBody,
    errors: ['UNKNOWN_CONNECTOR', 'INVALID_CONFIG', 'UNKNOWN_TEMPLATE_PATH', 'CONFIG_TOO_LARGE'],
    response: { status: 201, description: 'The new connection with `generatedSecrets`.' },
    handler: async ({ body, deps }) => connectionWriteView(await deps.connections.create(body), true),
  }),
  defineRoute({
    method: 'GET',
    path: '/connections/:id',
    operationId: 'getConnection',
    tag: TAG,
    summary: 'Get a connection',
    params: idParams,
    response: { status: 200, description: 'The connection.' },
    handler: async ({ params, deps }) => found(await deps.connections.get(params.id), 'connection', params.id),
  }),
  defineRoute({
    method: 'PATCH',
    path: '/connections/:id',
    operationId: 'updateConnection',
    tag: TAG,
    summary: 'Update a connection',
    description:
      'Rename, pause (`active: false`), replace filters or error e-mails, change config fields (secrets not given keep their value). When the change makes the server generate a secret (a removed secret with a generated default), the answer carries it once as `generatedSecrets`.',
    params: idParams,
    body: updateConnectionBody,
    errors: ['INVALID_CONFIG', 'UNKNOWN_TEMPLATE_PATH', 'CONFIG_TOO_LARGE'],
    response: { status: 200, description: 'The updated connection.' },
    handler: async ({ params, body, deps }) => connectionWriteView(found(await deps.connections.update(params.id, body), 'connection', params.id), false),
  }),
  defineRoute({
    method: 'DELETE',
    path: '/connections/:id',
    operationId: 'deleteConnection',
    tag: TAG,
    summary: 'Delete a connection',
    description: 'No new deliveries are created for it; its delivery log stays.',
    params: idParams,
    response: { status: 204, description: 'Deleted.' },
    handler: async ({ params, deps }) => {
      if (!(await deps.connections.remove(params.id))) throw new IpnhubError('NOT_FOUND', `No connection ${params.id}.`);
      return undefined;
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/connections/:id/test',
    operationId: 'testConnection',
    tag: TAG,
    summary: 'Test a connection',
    description:
      "Runs the connector's connection test right now (nothing queued or recorded): the webhook connector POSTs a signed `connection_test` event, the e-mail connector checks the SMTP login, CRM connectors make an authenticated read that changes nothing, the IPN forward GETs the listener. `ok` says whether it passed, `message` what was checked or what failed.",
    params: idParams,
    errors: ['UNKNOWN_CONNECTOR'],
    response: { status: 200, description: '`{ ok, message }`' },
    handler: async ({ params, deps }) => deps.testConnection(params.id),
  }),
];
