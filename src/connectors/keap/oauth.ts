/**
 * Keap's OAuth2 access tokens (docs/protocols/keap.md#oauth2): `POST <token URL>` with
 * `grant_type=refresh_token`, the refresh token in the form and the app's client id and secret
 * as HTTP Basic credentials. The answer carries an access token, its lifetime (`expires_in`,
 * seconds) and a NEW refresh token; the old refresh token stops working. So:
 * - one token line per authorization, shared by the runtime's deliveries: every refresh token
 *   it ever held leads to it, so a delivery that still has the refresh token of an older config
 *   finds the current one instead of spending a dead one;
 * - the new refresh token is saved to the connection's stored config (`ctx.saveConfig`,
 *   encrypted like every secret) right away, so a restart continues with it;
 * - an access token is refreshed {@link REFRESH_MARGIN_MS} before it expires, and once more when
 *   Keap answers 401 (the target client's one re-login).
 */
import * as z from 'zod';
import { cacheSlot } from '../../lib/cache-scope.js';
import type { CacheScope } from '../../lib/cache-scope.js';
import type { Clock } from '../../lib/clock.js';
import type { HttpClient } from '../../lib/http-client.js';
import type { Logger } from '../../lib/logger.js';
import type { RateLimiter } from '../rate-limiter.js';
import { createSessionCache, credentialKey } from '../session-cache.js';
import type { LoginResult, SessionCache } from '../session-cache.js';
import { createTargetClient, loginFailure } from '../target-client.js';
import type { KeapCredentials } from './config.js';

/** Refresh this long before the access token expires (Keap's last about 24 hours). */
export const REFRESH_MARGIN_MS = 5 * 60_000;

export interface KeapOAuthSession {
  accessToken: string;
  /** Epoch milliseconds by the runtime's clock. */
  expiresAtMs: number;
}

interface TokenLines {
  /** Every refresh token seen → the first one of its line. */
  roots: Map<string, string>;
  /** First refresh token of a line → the one that works now. */
  current: Map<string, string>;
  sessions: SessionCache<KeapOAuthSession>;
}

const LINES = cacheSlot('Keap OAuth token lines', () => ({
  roots: new Map<string, string>(),
  current: new Map<string, string>(),
  /** Filled in per runtime: freshness needs the runtime's clock (see {@link oauthSession}). */
  sessions: new Map<Clock, SessionCache<KeapOAuthSession>>(),
}));

const tokenAnswer = z.object({
  access_token: z.string().min(1),
  refresh_token: z.string().min(1).optional(),
  expires_in: z.number().positive().optional(),
});

const oauthError = z.object({ error: z.string(), error_description: z.string().optional() });

/** Keap's default access-token lifetime when an answer leaves `expires_in` out (docs/protocols/keap.md#oauth2). */
const DEFAULT_LIFETIME_SECONDS = 24 * 3600;

export interface OAuthDeps {
  http: HttpClient;
  clock: Clock;
  logger: Logger;
  caches: CacheScope;
  signal?: AbortSignal;
  limiter?: RateLimiter;
  saveConfig?(patch: Record<string, unknown>): Promise<void>;
}

function linesOf(
  deps: OAuthDeps,
  credentials: KeapCredentials,
): { key: string; lines: TokenLines; root: string } {
  const slot = deps.caches.get(LINES);
  let sessions = slot.sessions.get(deps.clock);
  if (!sessions) {
    sessions = createSessionCache<KeapOAuthSession>({
      fresh: (session) => deps.clock.now().getTime() < session.expiresAtMs - REFRESH_MARGIN_MS,
    });
    slot.sessions.set(deps.clock, sessions);
  }
  const configured = credentials.refreshToken ?? '';
  const root = slot.roots.get(configured) ?? configured;
  return {
    root,
    lines: { roots: slot.roots, current: slot.current, sessions },
    key: credentialKey('keap-oauth', credentials.tokenUrl, credentials.clientId, root),
  };
}

/** One refresh: the new access token, the new refresh token recorded and saved. Never throws. */
async function refresh(
  credentials: KeapCredentials,
  deps: OAuthDeps,
  lines: TokenLines,
  root: string,
): Promise<LoginResult<KeapOAuthSession>> {
  const refreshToken = lines.current.get(root) ?? credentials.refreshToken ?? '';
  const basic = Buffer.from(
    `${credentials.clientId ?? ''}:${credentials.clientSecret ?? ''}`,
  ).toString('base64');
  const client = createTargetClient<never>({
    name: 'Keap',
    http: deps.http,
    clock: deps.clock,
    ...(deps.signal ? { signal: deps.signal } : {}),
    ...(deps.limiter ? { limiter: deps.limiter } : {}),
    prepare: (req) => ({
      ...req,
      url: credentials.tokenUrl,
      headers: { ...req.headers, authorization: `Basic ${basic}` },
    }),
  });
  const result = await client.call({
    method: 'POST',
    path: '/token',
    form: { grant_type: 'refresh_token', refresh_token: refreshToken },
  });
  if (!result.ok) {
    if (result.result.outcome === 'retry' || result.status === undefined)
      return loginFailure(result);
    const parsed = oauthError.safeParse(result.body);
    const detail = parsed.success
      ? `${parsed.data.error}${parsed.data.error_description ? `: ${parsed.data.error_description}` : ''}`
      : `HTTP ${result.status}`;
    return {
      ok: false,
      auth: true,
      message: `the token refresh was refused (${detail}) — check the client id and secret, or authorize the app again and enter the new refresh token`,
    };
  }
  const answer = tokenAnswer.safeParse(result.body);
  if (!answer.success)
    return {
      ok: false,
      auth: false,
      message: `the token endpoint ${credentials.tokenUrl} answered without an access_token`,
    };
  const next = answer.data.refresh_token;
  if (next && next !== refreshToken) {
    lines.roots.set(next, root);
    lines.current.set(root, next);
    await deps
      .saveConfig?.({ credentials: { ...credentials, refreshToken: next } })
      .catch((err: unknown) =>
        deps.logger.error(
          { err },
          'Keap handed out a new refresh token that could not be stored; it is kept in memory until the process ends',
        ),
      );
  }
  const lifetime = answer.data.expires_in ?? DEFAULT_LIFETIME_SECONDS;
  return {
    ok: true,
    session: {
      accessToken: answer.data.access_token,
      expiresAtMs: deps.clock.now().getTime() + lifetime * 1000,
    },
  };
}

/** The session part of a target client for an OAuth connection (see target-client.ts). */
export function oauthSession(credentials: KeapCredentials, deps: OAuthDeps) {
  const { key, lines, root } = linesOf(deps, credentials);
  return {
    cache: lines.sessions,
    key,
    login: () => refresh(credentials, deps, lines, root),
  };
}
