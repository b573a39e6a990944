/**
 * OAuth2 client-credentials tokens for PayPal's REST API (docs/protocols/paypal.md#webhook-signature-verification method 2:
 * `POST {api}/v1/oauth2/token`, HTTP basic auth with the REST app's client ID and secret, form
 * body `grant_type=client_credentials`). A token is reused until shortly before it expires;
 * concurrent callers share one in-flight request; failures are not cached.
 */
import { createHash } from 'node:crypto';
import type { Clock } from '../../lib/clock.js';
import type { HttpClient } from '../../lib/http-client.js';
import { cacheSlot } from '../../lib/cache-scope.js';
import type { CacheScope } from '../../lib/cache-scope.js';

export interface ClientCredentials {
  /** API base without a trailing slash, e.g. `https://api-m.paypal.com`. */
  apiBase: string;
  clientId: string;
  clientSecret: string;
}

export type TokenResult = { ok: true; token: string } | { ok: false; reason: string };

interface CachedToken {
  token: string;
  /** Epoch ms after which the token is not handed out any more. */
  renewAt: number;
}

/** Renew this long before PayPal's expiry, so a token never expires between handing out and use. */
const RENEW_MARGIN_MS = 60_000;
const MAX_ENTRIES = 64;

/** Tokens of one runtime, and the token requests in flight, by credentials. */
const TOKENS = cacheSlot('PayPal access tokens', () => ({
  tokens: new Map<string, CachedToken>(),
  inFlight: new Map<string, Promise<TokenResult>>(),
}));

function cacheKey(credentials: ClientCredentials): string {
  // The secret is part of the key (a changed secret must not reuse the old token) but is never stored.
  const secretHash = createHash('sha256').update(credentials.clientSecret).digest('hex');
  return `${credentials.apiBase}\n${credentials.clientId}\n${secretHash}`;
}

function snippet(body: string): string {
  return body.replace(/\s+/g, ' ').slice(0, 200);
}

type FreshToken = { ok: true; token: string; renewAt: number } | { ok: false; reason: string };

async function requestToken(
  credentials: ClientCredentials,
  http: HttpClient,
  clock: Clock,
): Promise<FreshToken> {
  const basic = Buffer.from(`${credentials.clientId}:${credentials.clientSecret}`, 'utf8').toString(
    'base64',
  );
  const result = await http.request({
    method: 'POST',
    url: `${credentials.apiBase}/v1/oauth2/token`,
    headers: {
      authorization: `Basic ${basic}`,
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'application/json',
    },
    body: 'grant_type=client_credentials',
  });
  if (!result.ok)
    return {
      ok: false,
      reason: `PayPal's token endpoint is unreachable (${result.kind}): ${result.message}`,
    };
  const { status, body } = result.response;
  if (status === 401)
    return {
      ok: false,
      reason: 'PayPal refused the client ID and secret (HTTP 401 from the token endpoint)',
    };
  if (status !== 200)
    return {
      ok: false,
      reason: `PayPal's token endpoint answered HTTP ${status}: ${snippet(body)}`,
    };
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return { ok: false, reason: "PayPal's token endpoint answered something that is not JSON" };
  }
  const token = (parsed as { access_token?: unknown } | null)?.access_token;
  const expiresIn = (parsed as { expires_in?: unknown } | null)?.expires_in;
  if (typeof token !== 'string' || token.length === 0)
    return { ok: false, reason: "PayPal's token answer has no access_token" };
  const lifetimeMs =
    typeof expiresIn === 'number' && Number.isFinite(expiresIn) && expiresIn > 0
      ? expiresIn * 1000
      : 0;
  // Without a usable expires_in, renewAt is now: the token serves this call and is not reused.
  const renewAt = clock.now().getTime() + lifetimeMs - Math.min(RENEW_MARGIN_MS, lifetimeMs / 2);
  return { ok: true, token, renewAt };
}

/** A valid access token for these credentials, from the cache or from PayPal. Never rejects. */
export function accessToken(
  credentials: ClientCredentials,
  ctx: { http: HttpClient; clock: Clock; caches: CacheScope },
): Promise<TokenResult> {
  const { tokens, inFlight } = ctx.caches.get(TOKENS);
  const key = cacheKey(credentials);
  const cached = tokens.get(key);
  if (cached && ctx.clock.now().getTime() < cached.renewAt)
    return Promise.resolve({ ok: true, token: cached.token });
  const pending = inFlight.get(key);
  if (pending) return pending;
  const request = requestToken(credentials, ctx.http, ctx.clock)
    .catch(
      (err: unknown): FreshToken => ({
        ok: false,
        reason: `PayPal's token endpoint failed: ${err instanceof Error ? err.message : String(err)}`,
      }),
    )
    .then((result): TokenResult => {
      inFlight.delete(key);
      if (!result.ok) return result;
      tokens.set(key, { token: result.token, renewAt: result.renewAt });
      if (tokens.size > MAX_ENTRIES) {
        const oldest = tokens.keys().next();
        if (!oldest.done) tokens.delete(oldest.value);
      }
      return { ok: true, token: result.token };
    });
  inFlight.set(key, request);
  return request;
}

/** Forgets the token for these credentials, e.g. after PayPal answered 401 with it. */
export function discardAccessToken(
  credentials: ClientCredentials,
  token: string,
  caches: CacheScope,
): void {
  const { tokens } = caches.get(TOKENS);
  const key = cacheKey(credentials);
  if (tokens.get(key)?.token === token) tokens.delete(key);
}
