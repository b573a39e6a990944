/**
 * Cached logins for targets with sessions or short-lived tokens (Salesforce OAuth, Klick-Tipp
 * session cookies). One login serves every delivery of a connection until the target rejects
 * it; concurrent deliveries share one in-flight login instead of logging in N times (targets
 * lock accounts after bursts of logins).
 *
 * Keys are derived from the credentials (see {@link credentialKey}), so a connection whose
 * password changes gets a new session and a connection test never reuses a delivery's session
 * for other credentials.
 */
import { createHash } from 'node:crypto';

/**
 * A login's outcome. Not ok: `auth` = the credentials were refused (fails the delivery with
 * `TARGET_AUTH_FAILED`); `permanent` = another problem retrying cannot fix (the address guard
 * refused the URL, the URL is invalid): fails with `message`; otherwise a transient problem.
 */
export type LoginResult<S> =
  | { ok: true; session: S }
  | { ok: false; auth: boolean; message: string; retryAfterSeconds?: number; permanent?: boolean };

export interface SessionCache<S> {
  /** The cached session for `key`, or the result of `login` (shared by concurrent callers; failures are not cached). */
  get(key: string, login: () => Promise<LoginResult<S>>): Promise<LoginResult<S>>;
  /** Forgets `session` for `key` if it is still the cached one (another caller may have renewed it). */
  invalidate(key: string, session: S): void;
}

export interface SessionCacheOptions<S> {
  /**
   * False when a cached session must not be used any more (an access token close to its
   * expiry): the next `get` logs in again instead of waiting for the target to refuse it.
   */
  fresh?(session: S): boolean;
}

export function createSessionCache<S>(options: SessionCacheOptions<S> = {}): SessionCache<S> {
  const entries = new Map<string, { pending: Promise<LoginResult<S>>; session?: S }>();
  return {
    get(key, login) {
      const cached = entries.get(key);
      const stale =
        cached?.session !== undefined &&
        options.fresh !== undefined &&
        !options.fresh(cached.session);
      if (cached && !stale) return cached.pending;
      const entry: { pending: Promise<LoginResult<S>>; session?: S } = {
        pending: login().then(
          (result) => {
            if (result.ok) entry.session = result.session;
            else if (entries.get(key) === entry) entries.delete(key);
            return result;
          },
          (err: unknown) => {
            if (entries.get(key) === entry) entries.delete(key);
            throw err;
          },
        ),
      };
      entries.set(key, entry);
      return entry.pending;
    },
    invalidate(key, session) {
      if (entries.get(key)?.session === session) entries.delete(key);
    },
  };
}

/** A stable, non-reversible cache key for a set of credentials. */
export function credentialKey(...parts: ReadonlyArray<string | undefined>): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('base64url');
}
