/**
 * `/connections`: configured outbound targets (docs/domain-model.md), each read with how its
 * deliveries stand (outbox/connection-stats.ts); `POST /connections/:id/test`,
 * which runs the connector's test right now; `POST /connections/:id/preview`, the mapping
 * preview with the stored secrets and unsaved changes; `POST /connections/:id/redeliver`, every
 * dead or failed delivery queued again after the connection was fixed; `POST
 * /connections/:id/backfill`, past events sent to it (outbox/backfill.ts). Views never carry a
 * secret value; secrets the server generated (e.g. a webhook signing secret) are returned once,
 * by the request that generated them.
 */
import * as z from 'zod';
import { previewConfig } from '../../connections/config-preview.js';
import { IpnhubError } from '../../core/errors.js';
import { EVENT_TYPES } from '../../core/events.js';
import { filtersSchema } from '../../routing/filters.js';
import { connectionWriteView } from '../../connections/connection-write-view.js';
import { pageOfList } from '../../db/page.js';
import { connectionStats, NO_DELIVERIES } from '../../outbox/connection-stats.js';
import type { ConnectionStats } from '../../outbox/connection-stats.js';
import type { ConnectionView } from '../../connections/connections-service.js';
import type { AdminDeps } from './admin-deps.js';
import { BULK_REDELIVER_STATUSES } from '../../outbox/redeliver.js';
import { idParams, isoInstant, pageQuery } from './common-schemas.js';
import { defineRoute } from './define-route.js';
import type { AdminRoute } from './define-route.js';
import { found } from './found.js';
import {
  ONE_EVENT_CHOICE,
  oneEventChoice,
  previewEvent,
  previewEventFields,
} from './preview-input.js';
import {
  configPreview,
  connection,
  connectionPage,
  connectionWrite,
  backfillResult,
  redeliveredCount,
} from './responses/connections.js';
import { testResult } from './responses/system.js';

const TAG = 'connections';

const configObject = z.record(z.string(), z.unknown());
const errorEmails = z.array(z.email()).max(50).meta({
  description: 'Addresses that get an e-mail when deliveries of this connection fail for good.',
});

export const createConnectionBody = z
  .object({
    connector: z
      .string()
      .min(1)
      .max(100)
      .meta({ description: 'Connector id (see GET /connectors), e.g. `webhook`.' }),
    name: z.string().min(1).max(200),
    active: z.boolean().optional().meta({ description: 'Default true.' }),
    filters: filtersSchema.optional().meta({
      description: 'Which events this connection receives; absent = all (test events excluded).',
    }),
    config: configObject.default({}).meta({
      description:
        "The connector's config (its JSON Schema is in GET /connectors), secrets included.",
    }),
    errorEmails: errorEmails.optional(),
  })
  .strict();

export const updateConnectionBody = z
  .object({
    name: z.string().min(1).max(200).optional(),
    active: z.boolean().optional(),
    filters: filtersSchema.optional().meta({ description: 'Replaces the filters as a whole.' }),
    config: configObject.optional().meta({
      description:
        'Fields to change: given keys replace, `null` removes, keys not given (secrets included) keep their value.',
    }),
    errorEmails: errorEmails.optional().meta({ description: 'Replaces the list as a whole.' }),
  })
  .strict();

export const connectionPreviewBody = z
  .object({
    config: configObject.optional().meta({
      description:
        'Unsaved changes, as for PATCH: given keys replace, `null` removes, keys not given (secrets included) keep their stored value.',
    }),
    ...previewEventFields,
  })
  .strict()
  .refine(oneEventChoice, ONE_EVENT_CHOICE);

const bulkRange = {
  from: isoInstant.optional(),
  to: isoInstant.optional(),
  eventTypes: z
    .array(z.enum(EVENT_TYPES))
    .max(EVENT_TYPES.length)
    .default([])
    .meta({ description: 'Only events of these types; empty = every type.' }),
  dryRun: z.boolean().default(false).meta({ description: 'Only count; change nothing.' }),
};

export const redeliverConnectionBody = z
  .object({
    statuses: z
      .array(z.enum(BULK_REDELIVER_STATUSES))
      .min(1)
      .default(['dead', 'failed'])
      .meta({ description: 'Which finished deliveries to queue again; default dead and failed.' }),
    ...bulkRange,
    from: bulkRange.from.meta({
      description: 'Deliveries created at or after this instant (ISO 8601).',
    }),
    to: bulkRange.to.meta({ description: 'Deliveries created before this instant.' }),
  })
  .strict();

export const backfillBody = z
  .object({
    ...bulkRange,
    from: isoInstant.meta({ description: 'Events received at or after this instant (ISO 8601).' }),
    to: bulkRange.to.meta({ description: 'Events received before this instant; default now.' }),
    sources: z
      .array(z.string().min(1).max(100))
      .max(100)
      .default([])
      .meta({ description: 'Only events of these source ids; empty = every source.' }),
  })
  .strict();

/** The views, each with how its deliveries stand. */
async function withDeliveryStats(
  deps: AdminDeps,
  views: readonly ConnectionView[],
): Promise<Array<ConnectionView & ConnectionStats>> {
  const stats = await connectionStats(
    deps.db,
    views.map((view) => view.id),
  );
  return views.map((view) => ({ ...view, ...(stats.get(view.id) ?? NO_DELIVERIES) }));
}

export const connectionsRoutes: readonly AdminRoute[] = [
  defineRoute({
    method: 'GET',
    path: '/connections',
    operationId: 'listConnections',
    tag: TAG,
    summary: 'List connections',
    description:
      'Newest first, paged like every list. Each connection carries its `lastDelivery` and how many of its deliveries are `dead`, `failed` or `retrying` now.',
    query: pageQuery,
    response: {
      status: 200,
      description: '`{ data: Connection[], nextCursor }`',
      schema: connectionPage,
    },
    handler: async ({ query, deps }) => {
      const page = pageOfList(await deps.connections.list(), query, 'connection');
      return { ...page, data: await withDeliveryStats(deps, page.data) };
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/connections',
    operationId: 'createConnection',
    tag: TAG,
    summary: 'Create a connection',
    description:
      'Returns the connection plus `generatedSecrets`: secret fields the server generated (e.g. the webhook signing secret) — shown only here.',
    body: createConnectionBody,
    errors: ['UNKNOWN_CONNECTOR', 'INVALID_CONFIG', 'UNKNOWN_TEMPLATE_PATH', 'CONFIG_TOO_LARGE'],
    response: {
      status: 201,
      description: 'The new connection with `generatedSecrets`.',
      schema: connectionWrite,
    },
    handler: async ({ body, deps }) =>
      connectionWriteView(await deps.connections.create(body), true),
  }),
  defineRoute({
    method: 'GET',
    path: '/connections/:id',
    operationId: 'getConnection',
    tag: TAG,
    summary: 'Get a connection',
    description:
      'With its `lastDelivery` and how many of its deliveries are `dead`, `failed` or `retrying` now.',
    params: idParams,
    response: { status: 200, description: 'The connection.', schema: connection },
    handler: async ({ params, deps }) => {
      const view = found(await deps.connections.get(params.id), 'connection', params.id);
      const [withStats = { ...view, ...NO_DELIVERIES }] = await withDeliveryStats(deps, [view]);
      return withStats;
    },
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
    response: { status: 200, description: 'The updated connection.', schema: connectionWrite },
    handler: async ({ params, body, deps }) =>
      connectionWriteView(
        found(await deps.connections.update(params.id, body), 'connection', params.id),
        false,
      ),
  }),
  defineRoute({
    method: 'DELETE',
    path: '/connections/:id',
    operationId: 'deleteConnection',
    tag: TAG,
    summary: 'Delete a connection',
    description:
      'No new deliveries are created for it; its delivery log stays, and nothing already sent to the target is touched.',
    params: idParams,
    response: { status: 204, description: 'Deleted.' },
    handler: async ({ params, deps }) => {
      if (!(await deps.connections.remove(params.id)))
        throw new IpnhubError('NOT_FOUND', `No connection ${params.id}.`);
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
    errors: ['UNKNOWN_CONNECTOR', 'SECRET_DECRYPT_FAILED'],
    response: { status: 200, description: '`{ ok, message }`', schema: testResult },
    handler: async ({ params, deps }) => deps.testConnection(params.id),
  }),
  defineRoute({
    method: 'POST',
    path: '/connections/:id/preview',
    operationId: 'previewConnection',
    tag: TAG,
    summary: 'Preview the mapping',
    description:
      "Renders the connection's templates and field mappings — with its stored secrets and the unsaved `config` changes applied — for a recorded event (`eventId`) or a sample (`sampleEventType`, default `payment`). Saves nothing and contacts no target. `problems` says what would keep the changed config from being saved.",
    params: idParams,
    body: connectionPreviewBody,
    errors: ['UNKNOWN_CONNECTOR', 'SECRET_DECRYPT_FAILED'],
    response: {
      status: 200,
      description: '`{ event, fields, output, problems }`',
      schema: configPreview,
    },
    handler: async ({ params, body, deps }) => {
      const stored = found(
        await deps.connections.configForPreview(params.id, body.config),
        'connection',
        params.id,
      );
      const { event, sample } = await previewEvent(deps.db, body);
      return {
        event: { id: event.id, type: event.type, sample },
        ...previewConfig(stored.connector, stored.config, event),
      };
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/connections/:id/redeliver',
    operationId: 'redeliverConnection',
    tag: TAG,
    summary: 'Redeliver failed deliveries',
    description:
      'Queues every delivery of this connection whose status is one of `statuses` (default dead and failed), created in `from`…`to` and of `eventTypes` when given, for one more attempt, recorded with trigger `manual`, as POST /deliveries/{id}/redeliver does for one: after fixing the connection, everything it missed goes out, in event order per order. Works in batches; a repeated or concurrent call queues nothing twice. `dryRun` only counts. A running worker picks them up.',
    params: idParams,
    body: redeliverConnectionBody,
    errors: ['CONNECTION_INACTIVE', 'INVALID_RANGE'],
    response: {
      status: 202,
      description: '`{ dryRun, matched, redelivered }`: how many matched and were queued.',
      schema: redeliveredCount,
    },
    handler: async ({ params, body, deps }) =>
      deps.redeliverConnection(
        params.id,
        {
          statuses: body.statuses,
          from: body.from,
          to: body.to,
          eventTypes: body.eventTypes,
        },
        { dryRun: body.dryRun },
      ),
  }),
  defineRoute({
    method: 'POST',
    path: '/connections/:id/backfill',
    operationId: 'backfillConnection',
    tag: TAG,
    summary: 'Send past events',
    description:
      "Gives past events a delivery to this connection: the events received in `from`…`to` (of `sources` and `eventTypes`, when given) that the connection's filters take, each at most once (an event that already has a delivery to this connection keeps it). `dryRun` only counts. The deliveries are marked `origin: backfill`, go out in event order per order, at most `backfillPerSecond` per second, and after due live deliveries. A running worker picks them up.",
    params: idParams,
    body: backfillBody,
    errors: ['CONNECTION_INACTIVE', 'INVALID_RANGE'],
    response: {
      status: 202,
      description: '`{ dryRun, from, to, matched, existing, created, lastDueAt }`',
      schema: backfillResult,
    },
    handler: async ({ params, body, deps }) =>
      deps.backfill({
        connectionId: params.id,
        from: body.from,
        to: body.to,
        sources: body.sources,
        eventTypes: body.eventTypes,
        dryRun: body.dryRun,
      }),
  }),
];
