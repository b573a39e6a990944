import * as z from 'zod';
import { DELIVERY_STATUSES } from '../../../db/schema.js';
import { countsBy } from './counts.js';
import { instant, named } from './registry.js';

const sparseCounts = z.record(z.string(), z.number().int().min(0));

export const overview = named(
  'Overview',
  z.strictObject({
    from: instant,
    to: instant,
    hourly: z
      .array(
        z.strictObject({
          hour: z.string().meta({ description: 'UTC hour, `YYYY-MM-DDTHH`.' }),
          verdicts: sparseCounts.meta({
            description: 'Notifications received in the hour by verdict (verdicts that occurred).',
          }),
          events: sparseCounts.meta({
            description: 'Events received in the hour by type (types that occurred).',
          }),
        }),
      )
      .meta({
        description:
          'Hours with activity, oldest first; sum them into days of the viewer’s time zone.',
      }),
    deliveries: countsBy(DELIVERY_STATUSES).meta({
      description: 'Deliveries created in the window, by their status now.',
    }),
    queue: z.strictObject({
      depth: z.number().int().meta({ description: 'Deliveries pending or being attempted now.' }),
      oldestPendingAt: instant
        .nullable()
        .meta({ description: 'When the oldest pending delivery was created.' }),
      oldestPendingId: z.string().nullable(),
    }),
    failingConnections: z
      .array(
        z.strictObject({
          id: z.string(),
          name: z.string(),
          connector: z.string(),
          dead: z.number().int().meta({ description: 'Deliveries that ended dead in the window.' }),
          failed: z.number().int().meta({
            description: 'Deliveries that ended failed (a permanent error) in the window.',
          }),
          retrying: z
            .number()
            .int()
            .meta({ description: 'Deliveries waiting for a retry after a failed attempt, now.' }),
          lastError: z.string().nullable(),
          lastAttemptAt: instant.nullable(),
        }),
      )
      .meta({
        description:
          'Connections with dead, failed or retrying deliveries, worst first (at most 20).',
      }),
    rejectingSources: z
      .array(
        z.strictObject({
          id: z.string(),
          name: z.string(),
          provider: z.string(),
          rejected: z.number().int().meta({
            description:
              'Notifications rejected in the window (wrong passphrase, invalid signature, PayPal verification unavailable, …).',
          }),
          lastCode: z
            .string()
            .nullable()
            .meta({ description: 'The error code of the last rejection (docs/errors.md).' }),
          lastReason: z.string().nullable(),
          lastAt: instant.nullable(),
          unverified: z.number().int().meta({
            description:
              'PayPal IPNs still waiting for verification whose postback got no answer yet.',
          }),
          lastVerificationError: z.string().nullable(),
        }),
      )
      .meta({
        description:
          'Sources with rejected notifications in the window or IPNs PayPal has not verified yet, worst first (at most 20).',
      }),
  }),
);
