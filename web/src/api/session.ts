/**
 * Sign-in, session check and sign-out over the generated client: `POST /session {token}` (204
 * and the HttpOnly session cookie), `GET /session` (`{ authenticated, expiresAt }`, or 401),
 * `DELETE /session` (204). These calls get a client of their own, without the app client's
 * "401 means the session ended" rule: here a 401 is the answer ("not signed in"), not an
 * event. The token goes to the server once, in the body, and is never kept in the browser.
 */
import { ApiError } from './api-error.js';
import { createApiClient, unwrap } from './client.js';
import type { AnswerOf } from './types.js';

export type SessionState = AnswerOf<'getSession', 200>;

export interface SessionApiOptions {
  baseUrl?: string;
  fetch?: typeof globalThis.fetch;
}

const sessionClient = (options: SessionApiOptions) => createApiClient(options);

/** `work`'s answer, or `absent` when the server answers 401. */
async function unlessUnauthorized<T, A>(work: Promise<T>, absent: A): Promise<T | A> {
  try {
    return await work;
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) return absent;
    throw err;
  }
}

/** The current session, or null when there is none (401). */
export function getSession(options: SessionApiOptions = {}): Promise<SessionState | null> {
  return unlessUnauthorized(unwrap(sessionClient(options).GET('/session')), null);
}

/** Exchanges the admin token for a session cookie; a wrong token is `ApiError` UNAUTHORIZED, too many tries RATE_LIMITED. */
export async function signIn(token: string, options: SessionApiOptions = {}): Promise<void> {
  await unwrap(sessionClient(options).POST('/session', { body: { token } }));
}

/** Ends the session; one that had already ended is fine. */
export async function signOut(options: SessionApiOptions = {}): Promise<void> {
  await unlessUnauthorized(unwrap(sessionClient(options).DELETE('/session')), undefined);
}
