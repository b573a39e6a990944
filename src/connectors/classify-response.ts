/**
 * How an HTTP answer becomes a delivery outcome, for generic webhooks and as the default for
 * every HTTP target (see
 * docs/protocols/webhooks.md#standard-webhooks "Delivery semantics"): any 2xx is success; 408, 429 and 5xx are retried
 * (429 signals overload, `Retry-After` honoured); 3xx is a failure because redirects are not
 * followed; 410 Gone and other 4xx are permanent. Network failures: timeouts and refused or
 * reset connections are retried, a guard refusal or a bad URL is permanent.
 */
import { parseRetryAfter } from '../core/retry-policy.js';
import type { HttpResult } from '../lib/http-client.js';
import type { DeliveryResult } from './connector.js';

/** The delivery outcome for one HTTP result; `now` resolves `Retry-After` dates. */
export function classifyHttpResult(result: HttpResult, now: Date): DeliveryResult {
  if (!result.ok) {
    switch (result.kind) {
      case 'timeout':
        return { outcome: 'retry', reason: `timed out: ${result.message}`, overloaded: true };
      case 'connection':
        return { outcome: 'retry', reason: `connection failed: ${result.message}` };
      case 'aborted':
        return { outcome: 'retry', reason: `aborted: ${result.message}` };
      case 'blocked':
        // The catalogue code, so the delivery log and the error e-mail name it (docs/errors.md).
        return { outcome: 'failed', reason: `TARGET_NOT_ALLOWED: ${result.message}` };
      case 'invalid_url':
        return { outcome: 'failed', reason: `invalid URL: ${result.message}` };
    }
  }
  const { status, body, headers } = result.response;
  const answered = { statusCode: status, response: body };
  if (status >= 200 && status < 300) return { outcome: 'delivered', ...answered };
  if (status === 408 || status === 429 || (status >= 500 && status < 600)) {
    const retryAfter = parseRetryAfter(headers['retry-after'], now);
    return {
      outcome: 'retry',
      reason: `HTTP ${status}`,
      ...answered,
      ...(retryAfter !== null ? { retryAfterSeconds: retryAfter } : {}),
      ...(status === 429 ? { overloaded: true } : {}),
    };
  }
  if (status >= 300 && status < 400) {
    const location = headers.location ? ` (Location: ${headers.location})` : '';
    return {
      outcome: 'failed',
      reason: `HTTP ${status}: redirects are not followed; use the final URL${location}`,
      ...answered,
    };
  }
  if (status === 410)
    return {
      outcome: 'failed',
      reason: 'HTTP 410 Gone: the endpoint says it no longer exists',
      ...answered,
    };
  return { outcome: 'failed', reason: `HTTP ${status}`, ...answered };
}
