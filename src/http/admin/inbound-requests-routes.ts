/**
 * `/inbound-requests`: the audit trail of every POST to `/ipn/:sourceId` as received, with
 * its verdict. The detail shows headers and the raw body; a provider's body carries no secret
 * of ours (Digistore24 sends only the signature), so showing it is safe.
 */
import * as z from 'zod';
import { INBOUND_VERDICTS } from '../../db/schema.js';
import {
  getInboundRequest,
  listInboundRequests,
} from '../../ledger/queries/inbound-requests-query.js';
import { idParams, isoInstant, nonEmpty, pageQuery } from './common-schemas.js';
import { defineRoute } from './define-route.js';
import type { AdminRoute } from './define-route.js';
import { found } from './found.js';
import { inboundRequestDetail, inboundRequestPage } from './responses/inbound-requests.js';

const TAG = 'inbound requests';

export const listInboundRequestsQuery = pageQuery.extend({
  verdict: z.enum(INBOUND_VERDICTS).optional().meta({
    description:
      "The verification/ingest verdict; `pending` = stored and acknowledged, waiting for deferred verification (PayPal IPN postback); `held` = authentic and about money, but no event could be made of it: held for review (an alert went to the error addresses of the source's connections).",
  }),
  sourceId: nonEmpty.optional().meta({ description: 'Source id.' }),
  from: isoInstant
    .optional()
    .meta({ description: 'ISO 8601; requests received at or after this instant.' }),
  to: isoInstant
    .optional()
    .meta({ description: 'ISO 8601; requests received before this instant.' }),
  q: nonEmpty.optional().meta({
    description:
      'Exact search: a request id (`req_…`), or the order id, transaction id or buyer e-mail (case-insensitive) of an event the request produced. Requests that produced no event (rejected, pending, held) are found by source, verdict and time instead.',
  }),
});

export const inboundRequestsRoutes: readonly AdminRoute[] = [
  defineRoute({
    method: 'GET',
    path: '/inbound-requests',
    operationId: 'listInboundRequests',
    tag: TAG,
    summary: 'List inbound requests',
    description:
      'Newest first, without bodies (`bodyBytes` gives the size). Filters combine (AND).',
    query: listInboundRequestsQuery,
    response: {
      status: 200,
      description: '`{ data: InboundRequestListItem[], nextCursor }`',
      schema: inboundRequestPage,
    },
    handler: async ({ query, deps }) => listInboundRequests(deps.db, query),
  }),
  defineRoute({
    method: 'GET',
    path: '/inbound-requests/:id',
    operationId: 'getInboundRequest',
    tag: TAG,
    summary: 'Get an inbound request',
    description:
      "With `headers`, the body as UTF-8 text (`body`), byte-exact (`bodyBase64`), and as `fields`: `[{ name, value }]` in body order, decoded by the source's provider as it reads them (form encoding, the message's charset; a JSON body flattened to dot paths), or null with `fieldsError` when the body cannot be decoded.",
    params: idParams,
    response: {
      status: 200,
      description: 'The request with headers and body.',
      schema: inboundRequestDetail,
    },
    handler: async ({ params, deps }) =>
      found(await getInboundRequest(deps.db, params.id), 'inbound request', params.id),
  }),
];
