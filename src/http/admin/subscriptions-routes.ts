/**
 * `/subscriptions`: rebilling and instalment plans in the ledger.
 */
import * as z from 'zod';
import { listSubscriptions } from '../../ledger/queries/subscriptions-query.js';
import { pageQuery } from './common-schemas.js';
import { defineRoute } from './define-route.js';
import type { AdminRoute } from './define-route.js';
import { subscriptionPage } from './responses/ledger.js';

export const listSubscriptionsQuery = pageQuery.extend({
  status: z
    .string()
    .trim()
    .min(1)
    .max(50)
    .optional()
    .meta({ description: 'active, suspended, cancelled, ended or revoked.' }),
});

export const subscriptionsRoutes: readonly AdminRoute[] = [
  defineRoute({
    method: 'GET',
    path: '/subscriptions',
    operationId: 'listSubscriptions',
    tag: 'ledger',
    summary: 'List subscriptions',
    description:
      'Newest first. `cancelled` means rebilling was stopped; access may still run to the end of the paid period.',
    query: listSubscriptionsQuery,
    response: {
      status: 200,
      description: '`{ data: Subscription[], nextCursor }`',
      schema: subscriptionPage,
    },
    handler: async ({ query, deps }) => listSubscriptions(deps.db, query),
  }),
];
