/**
 * Configuration of the `webhook` connector: where to POST, the signing secret (generated when
 * left out; the connections service shows generated secrets to the user once), extra headers,
 * an optional field mapping and a per-connection timeout.
 */
import * as z from 'zod';
import { mappingSchema } from '../template.js';
import { generateWebhookSecret, isValidWebhookSecret } from './secret.js';

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const HEADER_VALUE = /^[^\r\n\0]*$/;
/** Set by the connector itself; letting a user override them would break signing or framing. */
export const RESERVED_HEADERS: readonly string[] = [
  'host',
  'content-length',
  'content-type',
  'transfer-encoding',
  'connection',
  'user-agent',
  'webhook-id',
  'webhook-timestamp',
  'webhook-signature',
];

const headersSchema = z.record(z.string(), z.string()).superRefine((headers, ctx) => {
  for (const [name, value] of Object.entries(headers)) {
    if (!HEADER_NAME.test(name))
      ctx.addIssue({
        code: 'custom',
        message: `"${name}" is not a valid header name`,
        path: [name],
      });
    else if (RESERVED_HEADERS.includes(name.toLowerCase()))
      ctx.addIssue({
        code: 'custom',
        message: `"${name}" is set by ipnhub and cannot be overridden`,
        path: [name],
      });
    if (!HEADER_VALUE.test(value))
      ctx.addIssue({
        code: 'custom',
        message: `the value of "${name}" must not contain line breaks`,
        path: [name],
      });
  }
});

/** The body shapes a webhook connection can send without a mapping (see webhook-connector.ts). */
export const WEBHOOK_PRESETS = ['standard', 'zapier', 'make'] as const;
export type WebhookPreset = (typeof WEBHOOK_PRESETS)[number];

/** Validates and completes a webhook connection's config (generates the secret when absent). */
export const webhookConfigSchema = z
  .strictObject({
    url: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }).meta({
      title: 'Endpoint URL',
      description:
        'Where each event is POSTed as JSON, e.g. your own endpoint or a Zapier/Make catch hook. Redirects are not followed: use the final URL.',
    }),
    secret: z
      .string()
      .refine(isValidWebhookSecret, {
        message: 'must be "whsec_" followed by the base64 of 24 to 64 bytes',
      })
      .default(() => generateWebhookSecret())
      // `default: undefined` keeps the generated value out of the JSON Schema: a random secret
      // must not appear as a form default in the connector catalogue.
      .meta({
        title: 'Signing secret',
        description:
          'Standard Webhooks secret ("whsec_…"). Each request carries webhook-id, webhook-timestamp and webhook-signature headers so your endpoint can verify it came from ipnhub. Leave empty to have one generated.',
        writeOnly: true,
        default: undefined,
      }),
    headers: headersSchema.default({}).meta({
      title: 'Extra headers',
      description:
        'Headers added to every request, e.g. an Authorization token your endpoint expects. Stored encrypted.',
      writeOnly: true,
    }),
    mapping: mappingSchema.optional().meta({
      title: 'Field mapping',
      description:
        'Optional. Target field ← path (keeps its type, e.g. "order.amount") or template (text, e.g. "{buyer.firstName} {buyer.lastName}"). Dotted target names nest. Without a mapping the body is the chosen body format.',
    }),
    timeoutMs: z.number().int().min(100).max(60_000).optional().meta({
      title: 'Timeout (ms)',
      description:
        'How long to wait for the endpoint to answer; defaults to the server-wide outbound timeout.',
    }),
    preset: z.enum(WEBHOOK_PRESETS).default('standard').meta({
      title: 'Body format',
      description:
        '"standard": the Standard Webhooks envelope {type, timestamp, data: <the event>}. "zapier" and "make": one flat JSON object per notification with fixed snake_case field names (buyer_email, product_name, amount, …), which a Zapier "Catch Hook" or a Make custom webhook offers as fields to map; the preview shows it. A field mapping, when given, replaces the format.',
    }),
  })
  .superRefine((config, ctx) => {
    if (config.mapping && config.preset !== 'standard')
      ctx.addIssue({
        code: 'custom',
        path: ['mapping'],
        message: `the "${config.preset}" format sends fixed fields; remove the mapping or choose the standard format`,
      });
  });

export type WebhookConfig = z.infer<typeof webhookConfigSchema>;
