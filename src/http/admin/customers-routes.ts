/**
 * `/customers`: buyers in the ledger (keyed by lower-cased e-mail), with their orders and
 * access rows; erasure of a buyer's personal data (retention/erase-customer.ts).
 */
import { getCustomer, listCustomers } from '../../ledger/queries/customers-query.js';
import { emailFilter, idParams, nonEmpty, pageQuery } from './common-schemas.js';
import { defineRoute } from './define-route.js';
import type { AdminRoute } from './define-route.js';
import { found } from './found.js';
import { customerDetail, customerPage, erasure } from './responses/ledger.js';

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
  defineRoute({
    method: 'DELETE',
    path: '/customers/:id',
    operationId: 'eraseCustomer',
    tag: TAG,
    summary: "Erase a customer's personal data",
    description:
      "Removes or anonymises the buyer's personal data everywhere ipnhub stores it (customer, events, raw requests, delivery attempts, queued deliveries and mails, documents' e-mail) and keeps amounts, dates, order and transaction ids and document numbers; pending deliveries of the buyer's events are cancelled. The answer is the audit record (also kept in the database), which never holds the e-mail. See docs/retention.md.",
    params: idParams,
    response: {
      status: 200,
      description: 'The erasure: when, by whom, rows changed per kind.',
      schema: erasure,
    },
    handler: async ({ params, deps, http }) =>
      found(
        await deps.eraseCustomer(
          params.id,
          http.auth?.kind === 'session' ? 'api:session' : 'api:token',
        ),
        'customer',
        params.id,
      ),
  }),
];
