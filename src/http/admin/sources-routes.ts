/**
 * `/sources`: configured inbound accounts (DESIGN.md §3). Views come from the sources service
 * and never carry a secret value, only whether each secret field is set.
 */
import { z } from 'zod';
import { IpnhubError } from '../../core/errors.js';
import { pageOfList } from '../../ledger/queries/page.js';
import { idParams, pageOf, pageQuery, secretFieldsStatus } from './common-schemas.js';
import { defineRoute } from './define-route.js';
import { found } from './found.js';
import type { AdminRoute } from './define-route.js';

const TAG = 'sources';

const configObject = z.record(z.string(), z.unknown());

/** A source as every route answers it (`SourceView` in connections/sources-service.ts). */
export const sourceView = z
  .object({
    id: z.string(),
    provider: z.string(),
    name: z.string(),
    config: configObject.meta({ description: 'The non-secret config fields.' }),
    secretFields: secretFieldsStatus,
    inboundUrl: z.string().meta({ description: 'Where the provider sends notifications: `<publicBaseUrl>/ipn/<id>`, or only the path without a public base URL.' }),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .strict();

export const createSourceBody = z
  .object({
    provider: z.string().min(1).max(100).meta({ description: 'Provider id (see GET /providers), e.g. `digistore24`.' }),
    name: z.string().min(1).max(200).meta({ description: 'A name for people, e.g. the account it belongs to.' }),
    config: configObject.default({}).meta({ description: "The provider's config (its JSON Schema is in GET /providers), secrets included." }),
  })
  .strict();

export const updateSourceBody = z
  .object({
    name: z.string().min(1).max(200).optional(),
    config: configObject
      .optional()
      .meta({ description: 'Fields to change: given keys replace, `null` removes, keys not given (secrets included) keep their value.' }),
  })
  .strict();

export const sourcesRoutes: readonly AdminRoute[] = [
  defineRoute({
    method: 'GET',
    path: '/sources',
    operationId: 'listSources',
    tag: TAG,
    summary: 'List sources',
    description: 'Newest first, paged like every list.',
    query: pageQuery,
    response: { status: 200, description: '`{ data: Source[], nextCursor }`', schema: pageOf(sourceView) },
    handler: async ({ query, deps }) => pageOfList(await deps.sources.list(), query, 'source'),
  }),
  defineRoute({
    method: 'POST',
    path: '/sources',
    operationId: 'createSource',
    tag: TAG,
    summary: 'Create a source',
    description: 'Returns the source with its `inboundUrl`, the address to give the provider.',
    body: createSourceBody,
    errors: ['UNKNOWN_PROVIDER', 'INVALID_CONFIG'],
    response: { status: 201, description: 'The new source.', schema: sourceView },
    handler: async ({ body, deps }) => deps.sources.create(body),
  }),
  defineRoute({
    method: 'GET',
    path: '/sources/:id',
    operationId: 'getSource',
    tag: TAG,
    summary: 'Get a source',
    params: idParams,
    response: { status: 200, description: 'The source.', schema: sourceView },
    handler: async ({ params, deps }) => found(await deps.sources.get(params.id), 'source', params.id),
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
    response: { status: 200, description: 'The updated source.', schema: sourceView },
    handler: async ({ params, body, deps }) => found(await deps.sources.update(params.id, body), 'source', params.id),
  }),
  defineRoute({
    method: 'DELETE',
    path: '/sources/:id',
    operationId: 'deleteSource',
    tag: TAG,
    summary: 'Delete a source',
    description: 'Its URL stops accepting notifications; recorded requests, events and the ledger stay.',
    params: idParams,
    response: { status: 204, description: 'Deleted.' },
    handler: async ({ params, deps }) => {
      if (!(await deps.sources.remove(params.id))) throw new IpnhubError('NOT_FOUND', `No source ${params.id}.`);
      return undefined;
    },
  }),
];
