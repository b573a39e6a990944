/**
 * `verify` for PayPal REST webhooks (docs/protocols/paypal.md#webhook-signature-verification): the envelope must parse before
 * anything goes to the network, the five transmission headers must be present, then the
 * source's method decides — local certificate check (method 1) or PayPal's API (method 2).
 */
import type { InboundRequest, ProviderContext, Verification } from '../provider.js';
import { verifyWithApi } from './api-verification.js';
import { paypalApiBase } from './config.js';
import type { PayPalWebhooksConfig } from './config.js';
import { verifyLocally } from './local-verification.js';
import { parsePayPalEnvelope } from './parse-event.js';
import { readTransmissionHeaders } from './transmission-headers.js';

/** `Provider.verify`: a verdict for every request, fail-closed; network only for the certificate or PayPal's API. */
export async function verifyPayPalWebhook(
  req: InboundRequest,
  config: PayPalWebhooksConfig,
  ctx: ProviderContext,
): Promise<Verification> {
  const parsed = parsePayPalEnvelope(req.rawBody);
  if (!parsed.ok) return { ok: false, code: parsed.code, reason: parsed.reason };
  const transmission = readTransmissionHeaders(req.headers);
  if (!transmission.ok)
    return {
      ok: false,
      code: 'SIGNATURE_MISSING',
      reason: `missing header(s): ${transmission.missing.join(', ')}`,
    };
  const { headers } = transmission;

  if (config.verification === 'api') {
    const { clientId, clientSecret } = config;
    // The config schema requires both in api mode; a stored config that lacks them fails closed.
    if (clientId === undefined || clientSecret === undefined) {
      return {
        ok: false,
        code: 'VERIFICATION_UNAVAILABLE',
        reason: 'api verification needs the client ID and secret in the source config',
      };
    }
    return verifyWithApi(
      {
        headers,
        rawBody: req.rawBody,
        webhookId: config.webhookId,
        credentials: { apiBase: paypalApiBase(config), clientId, clientSecret },
      },
      ctx,
    );
  }
  return verifyLocally(
    { headers, rawBody: req.rawBody, webhookId: config.webhookId, apiBaseUrl: config.apiBaseUrl },
    ctx,
  );
}
