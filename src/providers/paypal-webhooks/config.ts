/**
 * A PayPal REST webhooks source's configuration (docs/protocols/paypal.md#webhook-envelope-and-event-types setup facts, docs/protocols/paypal.md#webhook-signature-verification):
 * the Webhook ID PayPal assigned to our listener URL, the environment, and how signatures are
 * verified — locally with PayPal's certificate (method 1) or by asking PayPal's
 * verify-webhook-signature API (method 2, needs the REST app's client credentials).
 */
import * as z from 'zod';

/** PayPal's REST API per environment (docs/protocols/paypal.md#webhook-signature-verification method 2). */
export const PAYPAL_API_BASE = {
  live: 'https://api-m.paypal.com',
  sandbox: 'https://api-m.sandbox.paypal.com',
} as const;

/** Validates a paypal-webhooks source's config; `api` verification requires the client ID and secret. */
export const paypalWebhooksConfigSchema = z
  .strictObject({
    webhookId: z
      .string()
      .trim()
      .min(1)
      .max(100)
      .regex(/^[^|\s]+$/, 'must not contain spaces or "|"')
      .meta({
        title: 'Webhook ID',
        description:
          "The ID PayPal shows for this listener URL under the REST app's webhooks (e.g. 4JH86294D6297924G). " +
          'It is part of every signature: a sandbox ID on a live source (or the other way round) makes every message fail.',
      }),
    environment: z.enum(['live', 'sandbox']).default('live').meta({
      title: 'Environment',
      description: 'live or sandbox. Events from a sandbox source are marked as test events.',
    }),
    verification: z
      .enum(['local', 'api'])
      .default('local')
      .meta({
        title: 'Signature verification',
        description:
          "local: check the signature with PayPal's certificate (fetched once per certificate URL, no credentials needed). " +
          "api: ask PayPal's verify-webhook-signature API for every message (needs the client ID and secret).",
      }),
    clientId: z.string().trim().min(1).max(200).optional().meta({
      title: 'Client ID',
      description: 'The REST app\'s client ID. Required when verification is "api".',
    }),
    clientSecret: z.string().min(1).max(200).optional().meta({
      title: 'Client secret',
      description:
        'The REST app\'s secret. Required when verification is "api". Stored encrypted, never shown again.',
      writeOnly: true,
    }),
    apiBaseUrl: z
      .url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' })
      .optional()
      .meta({
        title: 'API base URL (advanced)',
        description:
          "Overrides PayPal's API address, for tests, the local fake PayPal or a proxy. Certificate URLs under this base " +
          "are trusted in addition to PayPal's own hosts: set it only to a server you control.",
      }),
  })
  .superRefine((config, ctx) => {
    if (config.verification !== 'api') return;
    if (config.clientId === undefined)
      ctx.addIssue({
        code: 'custom',
        message: 'is required when verification is "api"',
        path: ['clientId'],
      });
    if (config.clientSecret === undefined)
      ctx.addIssue({
        code: 'custom',
        message: 'is required when verification is "api"',
        path: ['clientSecret'],
      });
  });

export type PayPalWebhooksConfig = z.infer<typeof paypalWebhooksConfigSchema>;

/** Where PayPal's REST API lives for this source, without a trailing slash. */
export function paypalApiBase(
  config: Pick<PayPalWebhooksConfig, 'environment' | 'apiBaseUrl'>,
): string {
  return (config.apiBaseUrl ?? PAYPAL_API_BASE[config.environment]).replace(/\/+$/, '');
}
