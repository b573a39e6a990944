/**
 * `GET /access?email=…&productId=…`: the membership question — has this buyer access to this
 * product right now? — answered from the ledger's access rows.
 */
import * as z from 'zod';
import { checkAccess } from '../../ledger/queries/access-query.js';
import { emailFilter, nonEmpty } from './common-schemas.js';
import { defineRoute } from './define-route.js';
import type { AdminRoute } from './define-route.js';
import { accessCheck } from './responses/ledger.js';

export const accessQuery = z.object({
  email: emailFilter.meta({ description: "The buyer's e-mail (case-insensitive)." }),
  productId: nonEmpty.meta({ description: "The provider's product id." }),
});

export const accessRoutes: readonly AdminRoute[] = [
  defineRoute({
    method: 'GET',
    path: '/access',
    operationId: 'checkAccess',
    tag: 'ledger',
    summary: 'Check access',
    description:
      '`hasAccess` is true iff any grant is active. `status` is the best over all grants (active > suspended > ended > revoked; `none` without grants); `paidUntil` the latest paid-until date among the grants with that status. Test purchases count (`grants[].test` tells them apart).',
    query: accessQuery,
    response: {
      status: 200,
      description:
        '`{ email, productId, hasAccess, status, paidUntil, grants: [{ orderId, orderStatus, status, paidUntil, grantedAt, updatedAt, test }] }`; `orderStatus` `partially_refunded`: part of the payment was refunded, access stays.',
      schema: accessCheck,
    },
    handler: async ({ query, deps }) => checkAccess(deps.db, query),
  }),
];
