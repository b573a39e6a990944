import * as z from 'zod';
import { INBOUND_VERDICTS } from '../../../db/schema.js';
import { countsBy } from './counts.js';
import { instant, looseObject, named, pageOf } from './registry.js';

export const secretStatus = z.enum(['set', 'unset']);

export const verdictCounts = named('VerdictCounts', countsBy(INBOUND_VERDICTS));

export const source = named(
  'Source',
  z.strictObject({
    id: z.string(),
    provider: z.string(),
    name: z.string(),
    config: looseObject.meta({ description: 'The non-secret config fields.' }),
    secretFields: z
      .record(z.string(), secretStatus)
      .meta({ description: 'Whether each secret field holds a value (never the value).' }),
    inboundUrl: z.string().meta({
      description:
        'The absolute URL the provider posts to: `<publicBaseUrl>/ipn/<id>`; without a public base URL, on the origin the request reached the server at.',
    }),
    createdAt: instant,
    updatedAt: instant,
    lastNotificationAt: instant.nullable().meta({
      description: 'When the last notification to this source was received (any verdict).',
    }),
    counts: verdictCounts.meta({
      description: 'Notifications received by this source, by verdict, since it was created.',
    }),
  }),
);

export const sourcePage = pageOf('SourcePage', source);

export const testNotificationResult = named(
  'TestNotificationResult',
  z.strictObject({
    status: z.number().int().meta({ description: 'The HTTP status the provider would have got.' }),
    body: z.string().meta({
      description:
        'The answer the provider would have got (Digistore24: `OK`, or `ERROR: CODE: reason`).',
    }),
    inboundRequestId: z
      .string()
      .nullable()
      .meta({ description: 'The recorded notification (see /inbound-requests/{id}).' }),
  }),
);
