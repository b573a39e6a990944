import * as z from 'zod';
import { INBOUND_VERDICTS } from '../../../db/schema.js';
import { instant, named, pageOf } from './registry.js';

export const inboundVerdict = named('InboundVerdict', z.enum(INBOUND_VERDICTS));

const listFields = {
  id: z.string(),
  sourceId: z.string().nullable(),
  provider: z.string().nullable(),
  receivedAt: instant,
  method: z.string(),
  url: z.string(),
  remoteAddress: z.string(),
  verdict: inboundVerdict,
  verdictCode: z
    .string()
    .nullable()
    .meta({ description: 'The error code of a rejection or hold (docs/errors.md).' }),
  verdictReason: z.string().nullable(),
  verification: z.string().nullable().meta({
    description:
      'How it was verified (e.g. `sha512 variant A`), with what had to be assumed to read it.',
  }),
  eventIds: z.array(z.string()),
  bodyBytes: z.number().int(),
};

export const inboundRequestListItem = named('InboundRequestListItem', z.strictObject(listFields));

export const inboundRequestPage = pageOf('InboundRequestPage', inboundRequestListItem);

export const inboundRequestDetail = named(
  'InboundRequestDetail',
  z.strictObject({
    ...listFields,
    headers: z.record(z.string(), z.string()),
    pendingVerification: z
      .strictObject({
        attempts: z.number().int(),
        nextAttemptAt: instant,
        lastError: z.string().nullable().meta({
          description: 'Why the last attempt was inconclusive, or null before the first.',
        }),
      })
      .nullable()
      .meta({
        description:
          'Where deferred verification (PayPal IPN postback) stands, while the request waits for it.',
      }),
    fields: z
      .array(z.strictObject({ name: z.string(), value: z.string() }))
      .nullable()
      .meta({
        description:
          "The body's fields as its provider decodes them (the message's charset); null when it cannot, see fieldsError.",
      }),
    fieldsError: z.string().nullable(),
    charset: z
      .strictObject({
        name: z.string().meta({ description: 'The encoding, e.g. `utf-8`, `windows-1252`.' }),
        basis: z.enum(['message', 'provider', 'assumed']).meta({
          description:
            "`message`: the message named it (a PayPal IPN's `charset` field); `provider`: the provider always sends it; `assumed`: neither, so it was assumed (a PayPal IPN without `charset`: windows-1252).",
        }),
      })
      .nullable()
      .meta({
        description: 'The character set `fields` were decoded with; null when they could not be.',
      }),
    body: z.string().meta({ description: 'The raw body as UTF-8 (invalid sequences replaced).' }),
    bodyBase64: z.string().meta({ description: 'The raw body, byte-exact.' }),
  }),
);
