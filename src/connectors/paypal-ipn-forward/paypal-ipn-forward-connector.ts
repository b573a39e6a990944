/**
 * The `paypal-ipn-forward` connector: re-posts the original PayPal IPN, byte for
 * byte and with the content type it arrived with, to another listener. A PayPal account has
 * one IPN URL; with ipnhub in that place, the seller's existing listeners (shop plugin,
 * accounting tool) keep working behind it, and their own postback verification still succeeds
 * because the body is unchanged (docs/protocols/paypal.md#ipn-postback: re-encoding or re-ordering a body
 * makes PayPal answer INVALID).
 *
 * - Only events that came from a `paypal-ipn` source are forwarded; others are skipped.
 * - Messages ipnhub does not turn into events (unknown `txn_type`, rejected, duplicates) are
 *   not forwarded: the listener sees each verified fact once.
 * - Answers are classified like webhooks: 2xx delivered; 408/429/5xx/network retried; other
 *   4xx failed. (PayPal itself treats every non-200 as "resend"; a listener that answers 4xx
 *   for a valid IPN needs a human, not 16 more tries.)
 */
import { classifyHttpResult } from '../classify-response.js';
import type { Connector } from '../connector.js';
import { paypalIpnForwardConfigSchema } from './config.js';
import type { PayPalIpnForwardConfig } from './config.js';

export type { PayPalIpnForwardConfig } from './config.js';

const USER_AGENT = 'ipnhub-ipn-forward/0.1';

export function paypalIpnForwardConnector() {
  return {
    id: 'paypal-ipn-forward',
    displayName: 'PayPal IPN forward',
    description:
      'Re-posts each original PayPal IPN unchanged to another IPN listener, so existing listeners keep working behind ipnhub.',
    configSchema: paypalIpnForwardConfigSchema,
    secretFields: [],
    async deliver(event, config, ctx) {
      if (event.source.provider !== 'paypal-ipn')
        return {
          outcome: 'skipped',
          reason: `not a PayPal IPN (source provider ${event.source.provider})`,
        };
      const original = await ctx.originalRequest?.();
      if (!original)
        return {
          outcome: 'failed',
          reason: 'the original IPN is no longer stored, so it cannot be forwarded',
        };
      const result = await ctx.http.request({
        method: 'POST',
        url: config.url,
        headers: {
          'content-type': original.contentType ?? 'application/x-www-form-urlencoded',
          'user-agent': USER_AGENT,
          'x-ipnhub-delivery-id': ctx.deliveryId,
        },
        body: original.body,
        signal: ctx.signal,
        ...(config.timeoutMs !== undefined ? { timeoutMs: config.timeoutMs } : {}),
      });
      return classifyHttpResult(result, ctx.clock.now());
    },
    async testConnection(config, ctx) {
      // A GET changes nothing at an IPN listener (they act on POSTs only); any HTTP answer,
      // even 405, proves the URL reaches a server.
      const result = await ctx.http.request({
        method: 'GET',
        url: config.url,
        headers: { 'user-agent': USER_AGENT },
        signal: ctx.signal,
      });
      if (!result.ok)
        return { ok: false, message: `the listener is not reachable: ${result.message}` };
      const { status } = result.response;
      if (status >= 500) return { ok: false, message: `the listener answers HTTP ${status}` };
      return { ok: true, message: `the listener is reachable (HTTP ${status} to a GET)` };
    },
  } satisfies Connector<PayPalIpnForwardConfig>;
}
