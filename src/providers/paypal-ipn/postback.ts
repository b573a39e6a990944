/**
 * The IPN "postback" (docs/protocols/paypal.md#ipn-postback): the message is sent back to PayPal as
 * `cmd=_notify-validate&` + the original body, byte for byte, and PayPal answers the single
 * word `VERIFIED` or `INVALID`. Anything else (an error page, a 5xx, a timeout) is no verdict
 * and is asked again later.
 */
import type { Clock } from '../../lib/clock.js';
import type { HttpClient, HttpResponse } from '../../lib/http-client.js';
import type { Confirmation } from '../provider.js';
import { quote } from '../../lib/quote.js';

/** Sent as the User-Agent: PayPal answers 403 (or INVALID on sandbox) without a descriptive one (docs/protocols/paypal.md#ipn-postback). */
export const POSTBACK_USER_AGENT = 'ipnhub-ipn-verifier/0.1';

const PREFIX = Buffer.from('cmd=_notify-validate&', 'latin1');
/** Longest piece of an unexpected answer quoted in a reason. */
const MAX_QUOTED = 80;
/** Longest Retry-After honoured; the worker's retry policy clamps again. */
const MAX_RETRY_AFTER_SECONDS = 24 * 3600;

/** The postback body: the command, then the raw IPN bytes untouched (re-encoding them makes PayPal answer INVALID). */
export function postbackBody(rawBody: Buffer): Buffer {
  return Buffer.concat([PREFIX, rawBody]);
}

function snippet(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return quote(flat, MAX_QUOTED);
}

/** `Retry-After` as seconds from now (delta-seconds or an HTTP date), or undefined. */
function retryAfter(response: HttpResponse, clock: Clock): number | undefined {
  const header = response.headers['retry-after']?.trim();
  if (header === undefined || header === '') return undefined;
  const seconds = /^\d+$/.test(header)
    ? Number(header)
    : Math.ceil((Date.parse(header) - clock.now().getTime()) / 1000);
  if (!Number.isFinite(seconds)) return undefined;
  return Math.min(Math.max(seconds, 0), MAX_RETRY_AFTER_SECONDS);
}

/**
 * Posts `rawBody` back to `url` and reads PayPal's verdict: `VERIFIED` (HTTP 200) → ok;
 * `INVALID` (HTTP 200) → POSTBACK_INVALID; network failures, timeouts, other statuses and
 * other answers → retry, with the server's Retry-After when it sent one. Never throws.
 */
export async function postBack(
  rawBody: Buffer,
  url: string,
  http: HttpClient,
  clock: Clock,
): Promise<Confirmation> {
  const result = await http.request({
    method: 'POST',
    url,
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'user-agent': POSTBACK_USER_AGENT,
      // PayPal's own samples close the connection; a postback is a one-off request.
      connection: 'close',
    },
    body: postbackBody(rawBody),
  });
  if (!result.ok)
    return { ok: 'retry', reason: `postback to ${url} failed (${result.kind}): ${result.message}` };
  const { status, body } = result.response;
  const answer = body.trim();
  // A verdict counts only on a 200: an INVALID inside an error response is not PayPal's answer about this message.
  if (status === 200 && answer === 'VERIFIED') return { ok: true, method: 'postback VERIFIED' };
  if (status === 200 && answer === 'INVALID') {
    return {
      ok: false,
      code: 'POSTBACK_INVALID',
      reason: `PayPal answered INVALID to the postback to ${url}`,
    };
  }
  const after = retryAfter(result.response, clock);
  const reason = `postback to ${url} got HTTP ${status} with ${answer === '' ? 'an empty body' : snippet(answer)}, not VERIFIED or INVALID`;
  return after === undefined
    ? { ok: 'retry', reason }
    : { ok: 'retry', reason, retryAfterSeconds: after };
}
