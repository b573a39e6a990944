/**
 * `/orders`: the ledger's orders, with items, transactions, subscription and access.
 */
import * as z from 'zod';
import { getOrder, listOrders } from '../../ledger/queries/orders-query.js';
import { emailFilter, idParams, nonEmpty, pageQuery } from './common-schemas.js';
import { defineRoute } from './define-route.js';
import type { AdminRoute } from './define-route.js';
import { found } from './found.js';
import { orderDetail, orderPage } from './responses/ledger.js';

const TAG = 'ledger';

export const listOrdersQuery = pageQuery.extend({
  q: nonEmpty.optional().meta({
    description:
      "Exact search: the provider's order id, a transaction id of one of its payments or refunds, or the buyer's e-mail (case-insensitive).",
  }),
  sourceId: nonEmpty.optional().meta({ description: 'Source id.' }),
  email: emailFilter
    .optional()
    .meta({ description: "The buyer's e-mail (case-insensitive, exact)." }),
  status: z.string().trim().min(1).max(50).optional().meta({
    description: 'open, pending, paid, denied, partially_refunded, refunded or charged_back.',
  }),
});

export const ordersRoutes: readonly AdminRoute[] = [
  defineRoute({
    method: 'GET',
    path: '/orders',
    operationId: 'listOrders',
    tag: TAG,
    summary: 'List orders',
    description: 'Newest first. `externalId` is the provider’s order id.',
    query: listOrdersQuery,
    response: {
      status: 200,
      description: '`{ data: OrderListItem[], nextCursor }`',
      schema: orderPage,
    },
    handler: async ({ query, deps }) => listOrders(deps.db, query),
  }),
  defineRoute({
    method: 'GET',
    path: '/orders/:id',
    operationId: 'getOrder',
    tag: TAG,
    summary: 'Get an order',
    description:
      'With `paidAmount` and `refundedAmount` (minor units, in the order’s currency), `items`, `transactions` (oldest first; a payment says how much of it was refunded, a refund which payment it is counted against), `subscription` (null for single payments), `access`, and `events`: the order’s timeline (every event of the order, in the order received).',
    params: idParams,
    response: { status: 200, description: 'The order with its details.', schema: orderDetail },
    handler: async ({ params, deps }) =>
      found(await getOrder(deps.db, params.id), 'order', params.id),
  }),
];
