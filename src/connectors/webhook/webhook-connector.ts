/**
 * The `webhook` connector: POSTs each event as JSON to a URL, signed per Standard Webhooks
 * v1.0.0 (docs/protocols/webhooks.md#standard-webhooks) and usable as a Zapier/Make catch hook (docs/protocols/webhooks.md#zapier-and-make).
 *
 * - Body: the connection's mapping applied to the event; for the Zapier and Make presets one
 *   flat object with fixed snake_case fields (flat-body.ts); else the Standard Webhooks envelope
 *   `{ type, timestamp, data: <canonical event> }`.
 * - `webhook-id` is the delivery id, stable across retries, so receivers can deduplicate;
 *   `webhook-timestamp` is the attempt's time; `webhook-signature` signs the exact bytes sent.
 * - Outcomes follow `classifyHttpResult`.
 */
import { randomBytes } from 'node:crypto';
import type { CanonicalEvent } from '../../core/events.js';
import type { Clock } from '../../lib/clock.js';
import type { HttpClient } from '../../lib/http-client.js';
import type { Connector, DeliveryResult } from '../connector.js';
import { sampleEvent } from '../sample-event.js';
import { applyMapping, templateScope } from '../template.js';
import { classifyHttpResult } from '../classify-response.js';
import { webhookConfigSchema } from './config.js';
import type { WebhookConfig } from './config.js';
import { flatBody } from './flat-body.js';
import { decodeWebhookSecret } from './secret.js';
import { envelopeText } from './envelope.js';
import { signWebhook } from './signature.js';

export { generateWebhookSecret } from './secret.js';
export type { WebhookConfig } from './config.js';

const USER_AGENT = 'ipnhub/0.1';

/**
 * The body as text: the mapping applied, the flat preset body, or the Standard Webhooks
 * envelope (envelope.ts). Sent, signed and recorded as its UTF-8 bytes, without a copy into a
 * buffer and back.
 */
function webhookBody(event: CanonicalEvent, config: WebhookConfig, envelope?: string): string {
  if (config.mapping) return JSON.stringify(applyMapping(config.mapping, templateScope(event)));
  if (config.preset === 'zapier' || config.preset === 'make')
    return JSON.stringify(flatBody(event));
  return envelope ?? envelopeText(event.type, event.occurredAt, JSON.stringify(event));
}

/** One signed POST of `event` with `messageId` as webhook-id. */
async function post(
  event: CanonicalEvent,
  config: WebhookConfig,
  deps: {
    messageId: string;
    http: HttpClient;
    clock: Clock;
    /** The event's envelope when the caller built it already (DeliveryContext.eventEnvelope). */
    envelope?: string;
  },
): Promise<DeliveryResult> {
  const key = decodeWebhookSecret(config.secret);
  if (!key)
    return { outcome: 'failed', reason: 'the signing secret is not a valid "whsec_…" secret' };
  const body = webhookBody(event, config, deps.envelope);
  const timestamp = Math.floor(deps.clock.now().getTime() / 1000);
  const extra: Record<string, string> = {};
  for (const [name, value] of Object.entries(config.headers)) extra[name.toLowerCase()] = value;
  const result = await deps.http.request({
    method: 'POST',
    url: config.url,
    headers: {
      ...extra,
      'content-type': 'application/json',
      'user-agent': USER_AGENT,
      'webhook-id': deps.messageId,
      'webhook-timestamp': String(timestamp),
      'webhook-signature': signWebhook(key, deps.messageId, timestamp, body),
    },
    body,
    ...(config.timeoutMs !== undefined ? { timeoutMs: config.timeoutMs } : {}),
    // No `signal`: the deadline ends requests made through `ctx.http` (connectors/connector.ts).
  });
  return classifyHttpResult(result, deps.clock.now());
}

/** The webhook connector; a plain object that satisfies `Connector<WebhookConfig>`. */
export function webhookConnector() {
  return {
    id: 'webhook',
    displayName: 'Webhook',
    description:
      'POSTs every event as signed JSON (Standard Webhooks) to your URL: your own system, Zapier, Make or n8n. The "zapier" and "make" body formats send one flat object with fixed field names that those tools map easily. Any 2xx counts as delivered; 408, 429 and 5xx are retried. The connection test POSTs a connection_test sample event, signed the same way, to the URL: that is the documented way to check a webhook endpoint.',
    configSchema: webhookConfigSchema,
    secretFields: ['secret', 'headers'],

    deliver(event, config, ctx) {
      return post(event, config, {
        messageId: ctx.deliveryId,
        http: ctx.http,
        clock: ctx.clock,
        ...(ctx.eventEnvelope === undefined ? {} : { envelope: ctx.eventEnvelope }),
      });
    },

    async testConnection(config, ctx) {
      const messageId = `test_${randomBytes(12).toString('hex')}`;
      const result = await post(sampleEvent('connection_test'), config, {
        messageId,
        http: ctx.http,
        clock: ctx.clock,
      });
      if (result.outcome === 'delivered')
        return {
          ok: true,
          message: `the endpoint accepted a signed test event (HTTP ${result.statusCode ?? 200})`,
        };
      return { ok: false, message: `the endpoint did not accept the test event: ${result.reason}` };
    },

    preview(event, config) {
      // The body as it would be sent, parsed: one definition of each body (webhookBody).
      return { body: JSON.parse(webhookBody(event, config)) as unknown };
    },
  } satisfies Connector<WebhookConfig>;
}
