import * as z from 'zod';
import { DELIVERY_ORIGINS, DELIVERY_STATUSES } from '../../../db/schema.js';
import { instant, named, pageOf } from './registry.js';

export const deliveryStatus = named('DeliveryStatus', z.enum(DELIVERY_STATUSES));

export const deliveryListItem = named(
  'DeliveryListItem',
  z.strictObject({
    id: z.string(),
    eventId: z.string(),
    eventType: z.string().nullable(),
    connectionId: z.string(),
    connectionName: z
      .string()
      .nullable()
      .meta({ description: 'Null when the connection has been deleted since.' }),
    status: deliveryStatus,
    attemptCount: z.number().int(),
    nextAttemptAt: instant,
    trigger: z
      .string()
      .meta({ description: 'What queued the next attempt: `scheduled` or `manual`.' }),
    origin: z.enum(DELIVERY_ORIGINS).meta({
      description:
        '`live`: created when the event arrived; `backfill`: created later for a past event (POST /connections/{id}/backfill).',
    }),
    lastError: z.string().nullable(),
    leaseOwner: z.string().nullable(),
    leaseExpiresAt: instant.nullable(),
    createdAt: instant,
    updatedAt: instant,
    completedAt: instant.nullable(),
  }),
);

export const deliveryPage = pageOf('DeliveryPage', deliveryListItem);

export const sentRequest = named(
  'SentRequest',
  z.strictObject({
    method: z.string(),
    url: z.string(),
    headers: z.record(z.string(), z.string()).meta({
      description:
        "As sent; credentials (Authorization, tokens, keys, cookies, the connection's secrets) replaced by `[redacted]`.",
    }),
    body: z.string().nullable().meta({
      description: 'The body as text, secrets replaced, at most 8 KiB; null without a body.',
    }),
    bodyTruncated: z.boolean(),
    status: z
      .number()
      .int()
      .nullable()
      .meta({ description: "The target's HTTP status; null when there was no answer." }),
    failure: z.string().nullable().meta({
      description: 'Why there was no answer: timeout, connection, blocked, invalid_url or aborted.',
    }),
    durationMs: z.number().int(),
  }),
);

export const attempt = named(
  'Attempt',
  z.strictObject({
    id: z.string(),
    attemptNo: z.number().int(),
    trigger: z.string(),
    startedAt: instant,
    durationMs: z.number().int(),
    outcome: z.string().meta({
      description:
        "What the connector answered: `delivered`, `skipped`, `retry` or `failed`. A `retry` that was the last try (the schedule was used up, or the attempt was manual) left the delivery `dead`: the delivery's `status` says so.",
    }),
    statusCode: z.number().int().nullable(),
    response: z.string().nullable().meta({ description: "The target's answer, truncated." }),
    error: z.string().nullable(),
    requests: z.array(sentRequest).nullable().meta({
      description:
        'The HTTP requests the attempt sent, in order (at most 5), credentials redacted; null when it sent none (e-mail) or was made before ipnhub recorded them.',
    }),
    omittedRequests: z
      .number()
      .int()
      .min(0)
      .meta({ description: 'Requests the attempt made beyond those listed.' }),
  }),
);

const blockingDelivery = z.strictObject({
  id: z.string(),
  eventId: z.string(),
  status: deliveryStatus,
  nextAttemptAt: instant,
  attemptCount: z.number().int(),
});

export const deliveryWait = named(
  'DeliveryWait',
  z.discriminatedUnion('reason', [
    z.strictObject({
      reason: z.literal('held_back'),
      nextAttemptAt: instant,
      heldBackBy: blockingDelivery,
      message: z.string(),
    }),
    z.strictObject({ reason: z.literal('scheduled'), nextAttemptAt: instant, message: z.string() }),
    z.strictObject({ reason: z.literal('due'), nextAttemptAt: instant, message: z.string() }),
    z.strictObject({
      reason: z.literal('attempting'),
      leaseExpiresAt: instant.nullable(),
      message: z.string(),
    }),
    z.strictObject({
      reason: z.literal('lease_expired'),
      leaseExpiresAt: instant,
      message: z.string(),
    }),
  ]),
);

export const deliveryDetail = named(
  'DeliveryDetail',
  deliveryListItem.extend({
    connectionActive: z.boolean().nullable().meta({
      description:
        'Whether the connection is switched on: false when switched off (a scheduled attempt then marks the delivery skipped; a manual one goes out), null when it has been deleted since.',
    }),
    waiting: deliveryWait.nullable().meta({
      description: 'Why an unfinished delivery has not gone out yet; null once finished.',
    }),
    attempts: z.array(attempt).meta({ description: 'Oldest first.' }),
  }),
);

export const redeliveryQueued = named(
  'RedeliveryQueued',
  z.strictObject({ id: z.string(), status: z.literal('pending') }),
);
