/**
 * Sign-in sessions of the admin web UI. The browser exchanges the admin token for a session id
 * (`POST /api/v1/session`), which it holds in an HttpOnly cookie; the token itself never stays
 * in the browser.
 *
 * - The id is 32 random bytes; only its SHA-256 is stored (`admin_sessions.id`), so a copy of
 *   the database does not hand out live sessions, and the id is never logged.
 * - A session ends after `idleMs` without use (sliding: use moves `last_seen_at` on, at most
 *   once a minute so that reading pages does not write on every request) and at the latest
 *   `maxMs` after sign-in.
 * - A session belongs to the admin token it was opened with (`token_digest`): it is valid only
 *   while that is still the admin token (`AdminTokenVerifier.digest`, read per request like
 *   the token check), so a rotation by any process on the same database ends it at once.
 *   `rotateAdminToken` also deletes every row.
 * - Every process shares the table, so a session opened on one `ipnhub serve` works on the
 *   others behind the same load balancer (PostgreSQL).
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import type { Clock } from '../lib/clock.js';
import { tokenDigest } from './admin-token.js';
import type { AdminTokenVerifier } from './admin-token.js';

/** Use moves a session's idle deadline on at most this often (one write per session and minute). */
export const SESSION_TOUCH_INTERVAL_MS = 60_000;

export interface StartedSession {
  /** The session id for the cookie: shown to this caller only, never stored. */
  id: string;
  /** When the session ends unless it is used (the idle deadline, capped by the absolute end). */
  expiresAt: string;
  /** Seconds until the absolute end: the cookie's `Max-Age`. */
  maxAgeSeconds: number;
}

export interface LiveSession {
  /** When the session ends unless it is used again. */
  expiresAt: string;
}

export interface AdminSessions {
  /** Opens a session for `token`, which the caller has just verified as the admin token; removes expired sessions. */
  start(token: string): Promise<StartedSession>;
  /** The live session named by `id` (its idle deadline moved on), or null when there is none, it expired or the token changed. */
  check(id: string): Promise<LiveSession | null>;
  /** Ends the session named by `id`; nothing happens when there is none. */
  end(id: string): Promise<void>;
}

export interface AdminSessionsDeps {
  db: Kysely<Database>;
  clock: Clock;
  token: AdminTokenVerifier;
  /** A session unused this long ends. */
  idleMs: number;
  /** A session ends this long after sign-in, used or not. */
  maxMs: number;
}

function idHash(id: string): string {
  return createHash('sha256').update(id, 'utf8').digest('hex');
}

const iso = (ms: number): string => new Date(ms).toISOString();

export function createAdminSessions(deps: AdminSessionsDeps): AdminSessions {
  const { db, clock, idleMs, maxMs } = deps;

  /** The idle deadline after use at `lastSeen`, capped by the absolute end. */
  const deadline = (lastSeenMs: number, expiresAt: string): string => {
    const idleEnd = iso(lastSeenMs + idleMs);
    return idleEnd < expiresAt ? idleEnd : expiresAt;
  };

  return {
    async start(token) {
      const now = clock.now().getTime();
      await db
        .deleteFrom('admin_sessions')
        .where((eb) =>
          eb.or([eb('expires_at', '<=', iso(now)), eb('last_seen_at', '<=', iso(now - idleMs))]),
        )
        .execute();
      const id = randomBytes(32).toString('base64url');
      const expiresAt = iso(now + maxMs);
      await db
        .insertInto('admin_sessions')
        .values({
          id: idHash(id),
          token_digest: tokenDigest(token),
          created_at: iso(now),
          last_seen_at: iso(now),
          expires_at: expiresAt,
        })
        .execute();
      return { id, expiresAt: deadline(now, expiresAt), maxAgeSeconds: Math.floor(maxMs / 1000) };
    },

    async check(id) {
      const key = idHash(id);
      const row = await db
        .selectFrom('admin_sessions')
        .selectAll()
        .where('id', '=', key)
        .executeTakeFirst();
      if (!row) return null;
      const now = clock.now().getTime();
      const lastSeen = new Date(row.last_seen_at).getTime();
      const over = iso(now) >= deadline(lastSeen, row.expires_at);
      if (over || row.token_digest !== (await deps.token.digest())) {
        await db.deleteFrom('admin_sessions').where('id', '=', key).execute();
        return null;
      }
      if (now - lastSeen < SESSION_TOUCH_INTERVAL_MS)
        return { expiresAt: deadline(lastSeen, row.expires_at) };
      await db
        .updateTable('admin_sessions')
        .set({ last_seen_at: iso(now) })
        .where('id', '=', key)
        .execute();
      return { expiresAt: deadline(now, row.expires_at) };
    },

    async end(id) {
      await db.deleteFrom('admin_sessions').where('id', '=', idHash(id)).execute();
    },
  };
}
