/**
 * `POST /api/v1/sources/:id/test-notification`: the server signs a Digistore24
 * `connection_test` with the source's stored passphrase and puts it through the inbound
 * pipeline, as Digistore24's own "Test connection" would; the answer is what Digistore24
 * would have got.
 *
 * Written by hand for now: the route is not in this build's route table, so the generated
 * types do not have it. Once it is, run `npm run api:types` and call
 * `api.POST('/sources/{id}/test-notification', …)` instead; this shape is the contract.
 */
import { apiErrorOf, networkError } from './api-error.js';
import { API_BASE, withCsrf } from './client.js';
import type { SessionApiOptions } from './session.js';

export interface TestNotificationAnswer {
  /** The HTTP status the pipeline answered the test with. */
  status: number;
  /** Its body (`OK`, or `ERROR: CODE: reason`). */
  body: string;
  /** The recorded request, in the notification log. */
  inboundRequestId: string | null;
}

function isAnswer(value: unknown): value is TestNotificationAnswer {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  return typeof record.status === 'number' && typeof record.body === 'string' && (typeof record.inboundRequestId === 'string' || record.inboundRequestId === null);
}

export async function sendTestNotification(sourceId: string, options: SessionApiOptions = {}): Promise<TestNotificationAnswer> {
  let response: Response;
  try {
    response = await (options.fetch ?? globalThis.fetch)(`${options.baseUrl ?? API_BASE}/sources/${encodeURIComponent(sourceId)}/test-notification`, {
      method: 'POST',
      headers: withCsrf('POST', new Headers({ accept: 'application/json', 'content-type': 'application/json' })),
      credentials: 'same-origin',
      body: '{}',
    });
  } catch (err) {
    throw networkError(err);
  }
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text) as unknown;
  } catch {
    // Not JSON: reported below as an unexpected answer.
  }
  if (!response.ok || !isAnswer(body)) throw apiErrorOf(response, body);
  return body;
}
