/**
 * `/customers`: buyers in the ledger (keyed by lower-cased e-mail), with their orders and
 * access rows.
 */
import { getCustomer, listCustomers } from '../../ledger/queries/customers-query.js';
import { emailFilter, idParams, nonEmpty, pageQuery } from './common-schemas.js';
import { defineRoute } from './define-route.js';
import type { AdminRoute } from './define-route.js';
import { found } from './found.js';
import { customerDetail, customerPage } from './responses/ledger.js';

const TAG = 'ledger';

export const listCustomersQuery = pageQuery.extend({
  email: emailFilter.optional().meta({ description: 'Exact e-mail (case-insensitive).' }),
  q: nonEmpty.optional().meta({
    description:
      "Exact search: the buyer's e-mail (case-insensitive), or an order id or transaction id of one of the buyer's orders.",
  }),
});

export const customersRoutes: readonly AdminRoute[] = [
  defineRoute({
    method: 'GET',
    path: '/customers',
    operationId: 'listCustomers',
    tag: TAG,
    summary: 'List customers',
    description: 'Newest first.',
    query: listCustomersQuery,
    response: {
      status: 200,
      description: '`{ data: Customer[], nextCursor }`',
      schema: customerPage,
    },
    handler: async ({ query, deps }) => listCustomers(deps.db, query),
  }),
  defineRoute({
    method: 'GET',
    path: '/customers/:id',
    operationId: 'getCustomer',
    tag: TAG,
    summary: 'Get a customer',
    description: 'With `orders` (newest first, at most 500) and `access` rows.',
    params: idParams,
    response: {
      status: 200,
      description: 'The customer with orders and access.',
      schema: customerDetail,
    },
    handler: async ({ params, deps }) =>
      found(await getCustomer(deps.db, params.id), 'customer', params.id),
  }),
];
