/**
 * Authentication of the admin API: the Bearer token (scripts, the CLI's users, monitoring) or
 * the session cookie of the web UI (see secrets/admin-sessions.ts), and the sign-in and
 * sign-out behind `/api/v1/session`.
 *
 * - `Authorization` present: the Bearer check of bearer-guard.ts, failures counted per address.
 * - Else a session cookie: valid while its session lives. A dead one is answered `401` and the
 *   cookie cleared, and is not counted as a failed authentication: after a token rotation
 *   every open tab would otherwise use up its address's allowance at once and lock its user
 *   out of signing in again; a session id (256 random bits) cannot be guessed anyway.
 * - Neither: `401`, not counted and never `429`: such a request guesses nothing (the sign-in
 *   page asking whether it is signed in; the requests a page sent just after a dead session's
 *   cookie was cleared).
 * - Cross-site requests: a change (any method but GET, HEAD, OPTIONS) authenticated by the
 *   cookie must carry `X-Ipnhub-Csrf: 1`, which a form or link on another site cannot send,
 *   and, when the browser sends `Origin`, come from this server's own origin (or the public
 *   base URL's) — else `403 CSRF_REJECTED`. With SameSite=Strict the browser does not send
 *   the cookie with requests other sites start in the first place; the header rule also covers
 *   browsers and proxies that do. Bearer requests need neither: a browser never adds that header
 *   on its own.
 * - Sign-in takes the admin token in the body and counts a wrong one like a wrong Bearer
 *   token, against the same per-address limit; an address over the limit gets `429` even with
 *   the right token.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AdminSessions } from '../secrets/admin-sessions.js';
import type { AdminTokenVerifier } from '../secrets/admin-token.js';
import type { ErrorCode } from '../core/errors.js';
import { IpnhubError } from '../core/errors.js';
import type { Logger } from '../lib/logger.js';
import {
  checkBearerToken,
  refuseExhaustedClient,
  refuseUnauthenticated,
  refuseWithoutCredential,
} from './bearer-guard.js';
import { clientAddress } from './client-address.js';
import type { RateWindow } from './rate-window.js';
import { clearedSessionCookie, sessionCookie, sessionIdOf } from './session-cookie.js';
import { originOf, requestOrigin } from './request-origin.js';

/** How a request to the admin API was authenticated. */
export type AdminAuth =
  | { kind: 'token' }
  | { kind: 'session' /** When the session ends unless used again. */; expiresAt: string };

export const CSRF_HEADER = 'x-ipnhub-csrf';

const SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS']);

export interface AdminGuardOptions {
  token: AdminTokenVerifier;
  sessions: AdminSessions;
  /** Failed authentications per client address (shared with `/metrics`); null: no limit. */
  failures: RateWindow | null;
  logger: Logger;
  refused(code: ErrorCode): void;
  /** Origins that may make changes besides the request's own, e.g. the public base URL's (`https://ipn.example.com`). */
  trustedOrigins: readonly string[];
}

export interface AdminGuard {
  /** The `onRequest` check of every protected admin route; throws `UNAUTHORIZED`, `RATE_LIMITED` or `CSRF_REJECTED`. */
  authenticate(req: FastifyRequest, reply: FastifyReply): Promise<AdminAuth>;
  /** Exchanges the admin token for a session cookie; throws `UNAUTHORIZED` or `RATE_LIMITED`. */
  signIn(req: FastifyRequest, reply: FastifyReply, token: string): Promise<void>;
  /** Ends the cookie's session, if any, and clears the cookie. */
  signOut(req: FastifyRequest, reply: FastifyReply): Promise<void>;
}

function isSecure(req: FastifyRequest): boolean {
  return req.protocol === 'https';
}

export function createAdminGuard(options: AdminGuardOptions): AdminGuard {
  const { sessions } = options;
  const bearer = {
    accepts: [options.token],
    failures: options.failures,
    logger: options.logger,
    refused: options.refused,
  };
  const trusted = new Set(options.trustedOrigins.flatMap((origin) => originOf(origin) ?? []));

  function refuseCsrf(detail: string): never {
    options.refused('CSRF_REJECTED');
    throw new IpnhubError('CSRF_REJECTED', detail);
  }

  /** The cross-site rule for a change carrying the session cookie. */
  function checkCsrf(req: FastifyRequest): void {
    if (SAFE_METHODS.has(req.method)) return;
    if (req.headers[CSRF_HEADER] !== '1')
      refuseCsrf(
        'Send the header X-Ipnhub-Csrf: 1 with every change made with the session cookie.',
      );
    const origin = req.headers.origin;
    if (origin === undefined) return;
    const own = requestOrigin(req);
    const from = originOf(origin);
    if (from === undefined || (from !== own && !trusted.has(from)))
      refuseCsrf("The request was sent from another site than this server's own page.");
  }

  return {
    async authenticate(req, reply) {
      if (req.headers.authorization !== undefined) {
        await checkBearerToken(bearer, req, reply);
        return { kind: 'token' };
      }
      const id = sessionIdOf(req.headers.cookie);
      if (id === undefined) refuseWithoutCredential(bearer, reply);
      const live = await sessions.check(id);
      if (live === null) {
        options.refused('UNAUTHORIZED');
        reply.header('set-cookie', clearedSessionCookie({ secure: isSecure(req) }));
        throw new IpnhubError('UNAUTHORIZED', 'The session has ended; sign in again.');
      }
      checkCsrf(req);
      return { kind: 'session', expiresAt: live.expiresAt };
    },

    async signIn(req, reply, token) {
      const client = clientAddress(req);
      refuseExhaustedClient(bearer, client, reply);
      if (!(await options.token.verify(token)))
        refuseUnauthenticated(bearer, client, reply, 'The token is not valid.');
      // A session the browser held before is replaced, never kept alongside.
      const previous = sessionIdOf(req.headers.cookie);
      if (previous !== undefined) await sessions.end(previous);
      const started = await sessions.start(token);
      reply.header(
        'set-cookie',
        sessionCookie(started.id, { maxAgeSeconds: started.maxAgeSeconds, secure: isSecure(req) }),
      );
    },

    async signOut(req, reply) {
      const id = sessionIdOf(req.headers.cookie);
      if (id !== undefined) {
        checkCsrf(req);
        await sessions.end(id);
      }
      reply.header('set-cookie', clearedSessionCookie({ secure: isSecure(req) }));
    },
  };
}
