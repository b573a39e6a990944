import * as z from 'zod';
import { filtersSchema } from '../../../routing/filters.js';
import { instant, looseObject, named, pageOf } from './registry.js';
import { deliveryStatus } from './deliveries.js';
import { secretStatus } from './sources.js';

export const connectionFilters = named('ConnectionFilters', filtersSchema);

/** What a connection is: its settings, without a secret value. */
const connectionSettings = z.strictObject({
  id: z.string(),
  connector: z.string(),
  name: z.string(),
  active: z.boolean(),
  filters: connectionFilters,
  config: looseObject.meta({ description: 'The non-secret config fields.' }),
  secretFields: z
    .record(z.string(), secretStatus)
    .meta({ description: 'Whether each secret field holds a value (never the value).' }),
  errorEmails: z.array(z.string()),
  disabledAt: instant.nullable().meta({
    description:
      'When ipnhub switched the connection off on its own because its deliveries kept failing (`autoDisableAfterDays`); its pending deliveries are kept and go out in order when it is switched on again. Null while it is on, or when it was switched off by hand.',
  }),
  disabledReason: z.string().nullable().meta({
    description: 'Why ipnhub switched it off; null with `disabledAt`.',
  }),
  createdAt: instant,
  updatedAt: instant,
});

export const lastDelivery = named(
  'LastDelivery',
  z.strictObject({
    id: z.string(),
    eventType: z.string().nullable(),
    status: deliveryStatus,
    updatedAt: instant.meta({
      description: 'When it last changed (created, attempted, finished).',
    }),
    lastError: z.string().nullable(),
  }),
);

export const connection = named(
  'Connection',
  connectionSettings.extend({
    lastDelivery: lastDelivery.nullable().meta({
      description:
        'The newest delivery of this connection and how it stands; null before the first.',
    }),
    dead: z
      .number()
      .int()
      .min(0)
      .meta({ description: 'Deliveries that gave up after their retries (status `dead` now).' }),
    failed: z
      .number()
      .int()
      .min(0)
      .meta({ description: 'Deliveries that failed for good (status `failed` now).' }),
    retrying: z
      .number()
      .int()
      .min(0)
      .meta({ description: 'Pending deliveries waiting for another attempt after a failed one.' }),
  }),
);

export const connectionPage = pageOf('ConnectionPage', connection);

export const connectionWrite = named(
  'ConnectionWrite',
  connectionSettings.extend({
    generatedSecrets: z.record(z.string(), z.string()).optional().meta({
      description:
        'Secret fields the server generated (the webhook signing secret): shown only in this answer. Always present after a create.',
    }),
  }),
);

export const fieldProblem = named(
  'FieldProblem',
  z.strictObject({
    path: z.string().meta({
      description:
        'Dot path of the config field, e.g. `mapping.email` (`(root)`: the config itself).',
    }),
    problem: z.string(),
  }),
);

export const configPreview = named(
  'ConfigPreview',
  z.strictObject({
    event: z.strictObject({
      id: z.string(),
      type: z.string(),
      sample: z
        .boolean()
        .meta({ description: 'True for a sample event, false for a recorded one.' }),
    }),
    fields: z
      .array(
        z.strictObject({
          field: z.string().meta({
            description:
              'Dot path of the config field, e.g. `subject`, `mapping.email`, `actions.payment.addTags.0`.',
          }),
          kind: z.enum(['template', 'mapping']),
          source: z.string().meta({ description: 'The template or mapping entry as configured.' }),
          value: z.unknown().meta({
            description:
              'A template: its text. A mapping entry: its value (a path keeps its JSON type).',
          }),
        }),
      )
      .meta({
        description:
          'Every template and mapping entry of the config, rendered for the event, in config order. Secret fields are left out.',
      }),
    output: looseObject.nullable().meta({
      description:
        'What the connector would send, when it can say (webhook: `body`); null otherwise or while the config is not valid.',
    }),
    problems: z.array(fieldProblem).meta({
      description:
        'What keeps the config from being saved as it is; empty when it would be accepted.',
    }),
  }),
);

export const redeliveredCount = named(
  'RedeliveredCount',
  z.strictObject({
    dryRun: z.boolean().meta({ description: 'True when only counted.' }),
    matched: z
      .number()
      .int()
      .min(0)
      .meta({ description: 'Deliveries that matched (for a dry run: that would be queued).' }),
    redelivered: z
      .number()
      .int()
      .min(0)
      .meta({ description: 'How many deliveries were queued again (0 for a dry run).' }),
  }),
);

export const backfillResult = named(
  'BackfillResult',
  z.strictObject({
    dryRun: z.boolean().meta({ description: 'True when only counted.' }),
    from: instant,
    to: instant.meta({ description: 'The end of the range read (now when none was given).' }),
    matched: z.number().int().min(0).meta({
      description: "Events of the range, sources and types that the connection's filters take.",
    }),
    existing: z.number().int().min(0).meta({
      description: 'Of those, events that already have a delivery to this connection.',
    }),
    created: z.number().int().min(0).meta({
      description: 'Deliveries created (for a dry run: that would be created).',
    }),
    lastDueAt: instant.nullable().meta({
      description:
        'When the last delivery created becomes due (backfills are paced by `backfillPerSecond`); null when none was created.',
    }),
  }),
);
