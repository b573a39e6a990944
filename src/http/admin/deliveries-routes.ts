/**
 * `/deliveries`: the delivery log (one row per event × matching connection) with attempts,
 * and `POST /deliveries/:id/redeliver` for a manual attempt.
 */
import * as z from 'zod';
import { DELIVERY_ORIGINS, DELIVERY_STATUSES } from '../../db/schema.js';
import { getDelivery, listDeliveries } from '../../outbox/delivery-queries.js';
import { idParams, nonEmpty, pageQuery } from './common-schemas.js';
import { defineRoute } from './define-route.js';
import type { AdminRoute } from './define-route.js';
import { found } from './found.js';
import { deliveryDetail, deliveryPage, redeliveryQueued } from './responses/deliveries.js';

const TAG = 'deliveries';

export const listDeliveriesQuery = pageQuery.extend({
  status: z.enum(DELIVERY_STATUSES).optional().meta({ description: 'Delivery status.' }),
  connectionId: nonEmpty.optional().meta({ description: 'Connection id.' }),
  eventId: nonEmpty.optional().meta({ description: 'Event id.' }),
  origin: z
    .enum(DELIVERY_ORIGINS)
    .optional()
    .meta({ description: '`live` or `backfill` (deliveries of past events sent later).' }),
});

export const deliveriesRoutes: readonly AdminRoute[] = [
  defineRoute({
    method: 'GET',
    path: '/deliveries',
    operationId: 'listDeliveries',
    tag: TAG,
    summary: 'List deliveries',
    description: 'Newest first. `status=dead` lists what needs attention.',
    query: listDeliveriesQuery,
    response: {
      status: 200,
      description: '`{ data: DeliveryListItem[], nextCursor }`',
      schema: deliveryPage,
    },
    handler: async ({ query, deps }) => listDeliveries(deps.db, query),
  }),
  defineRoute({
    method: 'GET',
    path: '/deliveries/:id',
    operationId: 'getDelivery',
    tag: TAG,
    summary: 'Get a delivery',
    description:
      'With its `attempts`, oldest first, and `waiting`: why an unfinished delivery has not gone out yet (`reason`: `held_back` by `heldBackBy`, an earlier unfinished delivery of the same order to this connection; `scheduled` for `nextAttemptAt`; `due`, waiting for a worker; `attempting`; `lease_expired`), with a `message` for people; null once finished.',
    params: idParams,
    response: {
      status: 200,
      description: 'The delivery with its attempts.',
      schema: deliveryDetail,
    },
    handler: async ({ params, deps }) =>
      found(await getDelivery(deps.db, params.id, deps.clock.now()), 'delivery', params.id),
  }),
  defineRoute({
    method: 'POST',
    path: '/deliveries/:id/redeliver',
    operationId: 'redeliverDelivery',
    tag: TAG,
    summary: 'Redeliver',
    description:
      'Queues one more attempt now, recorded with trigger `manual` (any status, delivered included). A running worker picks it up. 409 while an attempt is in progress.',
    params: idParams,
    errors: ['DELIVERY_IN_PROGRESS'],
    response: { status: 202, description: '`{ id, status: "pending" }`', schema: redeliveryQueued },
    handler: async ({ params, deps }) => {
      await deps.redeliver(params.id);
      return { id: params.id, status: 'pending' as const };
    },
  }),
];
