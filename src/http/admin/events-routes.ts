/**
 * `/events`: the canonical events, newest first, filterable; one event with its deliveries.
 */
import * as z from 'zod';
import { EVENT_TYPES } from '../../core/events.js';
import { listEvents } from '../../ledger/queries/events-query.js';
import { getEvent } from '../../views/event-detail.js';
import { emailFilter, idParams, isoInstant, nonEmpty, pageQuery } from './common-schemas.js';
import { defineRoute } from './define-route.js';
import type { AdminRoute } from './define-route.js';
import { found } from './found.js';
import { eventDetail, eventPage } from './responses/events.js';

const TAG = 'events';

export const listEventsQuery = pageQuery.extend({
  type: z.enum(EVENT_TYPES).optional().meta({ description: 'Canonical event type.' }),
  sourceId: nonEmpty.optional().meta({ description: 'Source id.' }),
  orderId: nonEmpty.optional().meta({ description: "The provider's order id." }),
  email: emailFilter
    .optional()
    .meta({ description: "The buyer's e-mail (case-insensitive, exact)." }),
  from: isoInstant
    .optional()
    .meta({ description: 'ISO 8601; events that occurred at or after this instant.' }),
  to: isoInstant
    .optional()
    .meta({ description: 'ISO 8601; events that occurred before this instant.' }),
});

export const eventsRoutes: readonly AdminRoute[] = [
  defineRoute({
    method: 'GET',
    path: '/events',
    operationId: 'listEvents',
    tag: TAG,
    summary: 'List events',
    description:
      'Newest first (by receive order). Items: id, type, sourceId, orderId, email, test, occurredAt, receivedAt.',
    query: listEventsQuery,
    response: {
      status: 200,
      description: '`{ data: EventListItem[], nextCursor }`',
      schema: eventPage,
    },
    handler: async ({ query, deps }) => listEvents(deps.db, query),
  }),
  defineRoute({
    method: 'GET',
    path: '/events/:id',
    operationId: 'getEvent',
    tag: TAG,
    summary: 'Get an event',
    description:
      'The full canonical event plus `inboundRequestId`, `dedupKey`, its `deliveries` and its `ledger` effects (the order it belongs to, the transaction it recorded).',
    params: idParams,
    response: {
      status: 200,
      description: 'The event with its deliveries and ledger effects.',
      schema: eventDetail,
    },
    handler: async ({ params, deps }) =>
      found(await getEvent(deps.db, params.id), 'event', params.id),
  }),
];
