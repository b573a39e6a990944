/**
 * `GET /overview`: the web UI's start page — notifications and events per UTC hour, deliveries
 * by status, the queue, failing connections and rejecting sources (views/overview-query.ts).
 */
import * as z from 'zod';
import { overview } from '../../views/overview-query.js';
import { defineRoute } from './define-route.js';
import type { AdminRoute } from './define-route.js';
import { overview as overviewSchema } from './responses/overview.js';

/** A year and a day: enough for any chart, bounded so a typo cannot ask for centuries. */
export const MAX_OVERVIEW_HOURS = 24 * 366;

export const overviewQuery = z.object({
  hours: z.coerce
    .number()
    .int()
    .min(1)
    .max(MAX_OVERVIEW_HOURS)
    .default(720)
    .meta({
      description: `How many hours back from now (1–${MAX_OVERVIEW_HOURS}); default 720 (30 days).`,
    }),
});

export const overviewRoutes: readonly AdminRoute[] = [
  defineRoute({
    method: 'GET',
    path: '/overview',
    operationId: 'getOverview',
    tag: 'overview',
    summary: 'Overview',
    description:
      'What came in and what went out in the last `hours`: notifications per UTC hour by verdict and events by type (hours with activity only), deliveries created in the window by status, the queue now, connections with dead, failed or retrying deliveries, and sources whose notifications are rejected or wait for PayPal’s verification. Each entry carries the ids to link to the records behind it.',
    query: overviewQuery,
    response: { status: 200, description: 'The overview.', schema: overviewSchema },
    handler: async ({ query, deps }) => overview(deps.db, deps.clock.now(), query.hours),
  }),
];
