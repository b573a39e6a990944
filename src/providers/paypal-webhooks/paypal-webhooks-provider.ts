/**
 * The PayPal REST webhooks provider: JSON event envelopes (docs/protocols/paypal.md#webhook-envelope-and-event-types), signed
 * with PayPal's certificate and verified inline before the acknowledgement (docs/protocols/paypal.md#webhook-signature-verification), one event id
 * per delivery as the idempotency key (docs/protocols/paypal.md#webhook-delivery-retries-and-idempotency). PayPal counts any 2xx as delivered and retries
 * everything else up to 25 times over 3 days (docs/protocols/paypal.md#webhook-delivery-retries-and-idempotency).
 */
import type { Acknowledgement, IngestOutcome, Provider } from '../provider.js';
import { paypalWebhooksConfigSchema } from './config.js';
import type { PayPalWebhooksConfig } from './config.js';
import { normalizePayPalWebhook } from './normalize.js';
import { flattenJson } from './flatten-json.js';
import { parsePayPalEnvelope } from './parse-event.js';
import { PROVIDER_UTF8, decodedFields } from '../provider-support.js';
import { verifyPayPalWebhook } from './verify.js';

const JSON_TYPE = 'application/json; charset=utf-8';

function jsonError(status: number, code: string, message: string): Acknowledgement {
  return { status, contentType: JSON_TYPE, body: JSON.stringify({ error: { code, message } }) };
}

/**
 * docs/protocols/paypal.md#webhook-delivery-retries-and-idempotency: a 2xx ends PayPal's retries, so everything stored (accepted, duplicate, ignored, pending,
 * held) gets an empty 200. A rejection names its code; VERIFICATION_UNAVAILABLE is always 503 and a
 * storage error 500, so PayPal delivers the message again.
 */
function acknowledge(outcome: IngestOutcome): Acknowledgement {
  switch (outcome.kind) {
    case 'accepted':
    case 'duplicate':
    case 'ignored':
    case 'pending':
    case 'held':
      return { status: 200, contentType: 'text/plain; charset=utf-8', body: '' };
    case 'rejected':
      return jsonError(
        outcome.code === 'VERIFICATION_UNAVAILABLE' ? 503 : outcome.status,
        outcome.code,
        outcome.reason,
      );
    case 'error':
      return jsonError(500, 'INGEST_FAILED', 'temporary failure, please retry');
  }
}

/** The PayPal REST webhooks inbound provider (id `paypal-webhooks`); config: webhook ID and verification method. */
export function paypalWebhooksProvider(): Provider<PayPalWebhooksConfig> {
  return {
    id: 'paypal-webhooks',
    displayName: 'PayPal webhooks',
    configSchema: paypalWebhooksConfigSchema,
    secretFields: ['clientSecret'],
    contentTypes: ['application/json'],
    verify: verifyPayPalWebhook,
    normalize: (req, config) => {
      const parsed = parsePayPalEnvelope(req.rawBody);
      return parsed.ok
        ? normalizePayPalWebhook(parsed.envelope, config)
        : { kind: 'invalid', code: parsed.code, reason: parsed.reason };
    },
    acknowledge,
    decodeFields: (rawBody) => {
      const parsed = parsePayPalEnvelope(rawBody);
      if (!parsed.ok) return parsed;
      const fields = flattenJson(parsed.envelope.body);
      return decodedFields({ ok: true, fields, order: Object.keys(fields) }, PROVIDER_UTF8);
    },
  } satisfies Provider<PayPalWebhooksConfig>;
}
