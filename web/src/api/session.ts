/**
 * Sign-in, session check and sign-out: `POST /session {token}` (204 and the HttpOnly session
 * cookie), `GET /session` (`{ authenticated, expiresAt }`, or 401), `DELETE /session` (204).
 *
 * Written by hand for now: these routes are not in this build's route table yet, so the
 * generated types do not have them. Once they are, run `npm run api:types` and replace these
 * calls with `api.GET('/session')` etc. — the shapes below are the contract they must keep.
 * The token goes to the server once, in the body, and is never kept in the browser.
 */
import { apiErrorOf, networkError } from './api-error.js';
import { API_BASE, withCsrf } from './client.js';

export interface SessionState {
  authenticated: true;
  /** ISO 8601: when the session ends unless it is used again. */
  expiresAt: string;
}

export interface SessionApiOptions {
  baseUrl?: string;
  fetch?: typeof globalThis.fetch;
}

async function request(method: 'GET' | 'POST' | 'DELETE', body: unknown, options: SessionApiOptions): Promise<Response> {
  const headers = withCsrf(method, new Headers({ accept: 'application/json' }));
  if (body !== undefined) headers.set('content-type', 'application/json');
  const doFetch = options.fetch ?? globalThis.fetch;
  try {
    return await doFetch(`${options.baseUrl ?? API_BASE}/session`, {
      method,
      headers,
      credentials: 'same-origin',
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch (err) {
    throw networkError(err);
  }
}

async function bodyOf(response: Response): Promise<unknown> {
  const text = await response.text();
  try {
    return text === '' ? undefined : (JSON.parse(text) as unknown);
  } catch {
    return text;
  }
}

function isSessionState(value: unknown): value is SessionState {
  return typeof value === 'object' && value !== null && (value as Record<string, unknown>).authenticated === true && typeof (value as Record<string, unknown>).expiresAt === 'string';
}

/** The current session, or null when there is none (401). */
export async function getSession(options: SessionApiOptions = {}): Promise<SessionState | null> {
  const response = await request('GET', undefined, options);
  if (response.status === 401) return null;
  const body = await bodyOf(response);
  if (!response.ok) throw apiErrorOf(response, body);
  if (!isSessionState(body)) throw apiErrorOf(response, undefined);
  return body;
}

/** Exchanges the admin token for a session cookie; a wrong token is `ApiError` UNAUTHORIZED, too many tries RATE_LIMITED. */
export async function signIn(token: string, options: SessionApiOptions = {}): Promise<void> {
  const response = await request('POST', { token }, options);
  if (!response.ok) throw apiErrorOf(response, await bodyOf(response));
}

export async function signOut(options: SessionApiOptions = {}): Promise<void> {
  const response = await request('DELETE', undefined, options);
  if (!response.ok && response.status !== 401) throw apiErrorOf(response, await bodyOf(response));
}
