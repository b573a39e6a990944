/**
 * `/sources`: configured inbound accounts (docs/domain-model.md). Views come from the sources service
 * and never carry a secret value, only whether each secret field is set; every answer carries
 * the source's stats (last notification, counts by verdict). `POST /sources/:id/test-notification`
 * sends the provider's own connection test through the inbound pipeline.
 */
import * as z from 'zod';
import { withInboundUrl } from '../../connections/inbound-url.js';
import type { SourceView } from '../../connections/sources-service.js';
import { IpnhubError } from '../../core/errors.js';
import { pageOfList } from '../../db/page.js';
import { sourceStats, withStats } from '../../ledger/queries/source-stats-query.js';
import type { SourceStats } from '../../ledger/queries/source-stats-query.js';
import { idParams, pageQuery } from './common-schemas.js';
import { defineRoute } from './define-route.js';
import { found } from './found.js';
import type { AdminRoute, RouteContext } from './define-route.js';
import { source, sourcePage, testNotificationResult } from './responses/sources.js';

const TAG = 'sources';

const configObject = z.record(z.string(), z.unknown());

export const createSourceBody = z
  .object({
    provider: z
      .string()
      .min(1)
      .max(100)
      .meta({ description: 'Provider id (see GET /providers), e.g. `digistore24`.' }),
    name: z
      .string()
      .min(1)
      .max(200)
      .meta({ description: 'A name for people, e.g. the account it belongs to.' }),
    config: configObject.default({}).meta({
      description:
        "The provider's config (its JSON Schema is in GET /providers), secrets included.",
    }),
  })
  .strict();

export const updateSourceBody = z
  .object({
    name: z.string().min(1).max(200).optional(),
    config: configObject.optional().meta({
      description:
        'Fields to change: given keys replace, `null` removes, keys not given (secrets included) keep their value.',
    }),
  })
  .strict();

type SourceAnswer = SourceView & SourceStats & { inboundUrl: string };

/** One source's view with its inbound URL and its stats. */
async function answerOf(view: SourceView, { deps, http }: RouteContext): Promise<SourceAnswer> {
  return withInboundUrl(withStats(view, await sourceStats(deps.db, [view.id])), http.inboundOrigin);
}

export const sourcesRoutes: readonly AdminRoute[] = [
  defineRoute({
    method: 'GET',
    path: '/sources',
    operationId: 'listSources',
    tag: TAG,
    summary: 'List sources',
    description:
      'Newest first, paged like every list. Each source carries `lastNotificationAt` and `counts` by verdict.',
    query: pageQuery,
    response: { status: 200, description: '`{ data: Source[], nextCursor }`', schema: sourcePage },
    handler: async ({ query, deps, http }) => {
      const page = pageOfList(await deps.sources.list(), query, 'source');
      const stats = await sourceStats(
        deps.db,
        page.data.map((view) => view.id),
      );
      return {
        ...page,
        data: page.data.map((view) => withInboundUrl(withStats(view, stats), http.inboundOrigin)),
      };
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/sources',
    operationId: 'createSource',
    tag: TAG,
    summary: 'Create a source',
    description:
      'Returns the source with its `inboundUrl`, the address to give the provider (on the public base URL when configured, else on the origin this request reached the server at).',
    body: createSourceBody,
    errors: ['UNKNOWN_PROVIDER', 'INVALID_CONFIG'],
    response: { status: 201, description: 'The new source.', schema: source },
    handler: async ({ body, deps, http }) =>
      withInboundUrl(withStats(await deps.sources.create(body), new Map()), http.inboundOrigin),
  }),
  defineRoute({
    method: 'GET',
    path: '/sources/:id',
    operationId: 'getSource',
    tag: TAG,
    summary: 'Get a source',
    params: idParams,
    response: { status: 200, description: 'The source.', schema: source },
    handler: async (context) =>
      answerOf(
        found(await context.deps.sources.get(context.params.id), 'source', context.params.id),
        context,
      ),
  }),
  defineRoute({
    method: 'PATCH',
    path: '/sources/:id',
    operationId: 'updateSource',
    tag: TAG,
    summary: 'Update a source',
    description: 'Rename it or change config fields; secrets not given keep their value.',
    params: idParams,
    body: updateSourceBody,
    errors: ['INVALID_CONFIG'],
    response: { status: 200, description: 'The updated source.', schema: source },
    handler: async (context) =>
      answerOf(
        found(
          await context.deps.sources.update(context.params.id, context.body),
          'source',
          context.params.id,
        ),
        context,
      ),
  }),
  defineRoute({
    method: 'DELETE',
    path: '/sources/:id',
    operationId: 'deleteSource',
    tag: TAG,
    summary: 'Delete a source',
    description:
      'Its URL stops accepting notifications; recorded requests, events and the ledger stay.',
    params: idParams,
    response: { status: 204, description: 'Deleted.' },
    handler: async ({ params, deps }) => {
      if (!(await deps.sources.remove(params.id)))
        throw new IpnhubError('NOT_FOUND', `No source ${params.id}.`);
      return undefined;
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/sources/:id/test-notification',
    operationId: 'sendTestNotification',
    tag: TAG,
    summary: 'Send a test notification',
    description:
      'Digistore24 sources: signs a `connection_test` with the source\'s stored passphrase, exactly as Digistore24\'s own "Test connection" button sends it, and puts it through the inbound pipeline right here: it is verified, recorded (verdict `test`, see /inbound-requests) and answered like the real thing. `status` and `body` are what Digistore24 would have got. Other providers test from their side: `TEST_NOTIFICATION_UNSUPPORTED`.',
    params: idParams,
    errors: ['TEST_NOTIFICATION_UNSUPPORTED', 'SECRET_DECRYPT_FAILED'],
    response: {
      status: 200,
      description: '`{ status, body, inboundRequestId }`',
      schema: testNotificationResult,
    },
    handler: async ({ params, deps, http }) => deps.testNotification(params.id, http.clientAddress),
  }),
];
