/**
 * The Keap REST API client of one delivery (docs/protocols/keap.md#base-url-and-authentication,
 * docs/protocols/keap.md#rate-limits): an API key as `X-Keap-API-Key`, or an OAuth2 access
 * token as `Authorization: Bearer` (refreshed before it expires and once on a 401, oauth.ts);
 * the account's request budget shared by every connection with the same credentials; Keap's
 * error bodies turned into messages. 401/403 fail with `TARGET_AUTH_FAILED` (after the one
 * refresh, for OAuth); 429 and 5xx are retried, honouring `Retry-After`.
 */
import type { CacheScope } from '../../lib/cache-scope.js';
import type { Clock } from '../../lib/clock.js';
import type { HttpClient } from '../../lib/http-client.js';
import { isRecord } from '../../lib/is-record.js';
import type { Logger } from '../../lib/logger.js';
import { sharedRateLimiter } from '../rate-limiter.js';
import { credentialKey } from '../session-cache.js';
import type { RetryOrFailed, TargetClient } from '../target-client.js';
import {
  createTargetClient,
  unexpectedAnswer as targetUnexpectedAnswer,
} from '../target-client.js';
import type { KeapConfig } from './config.js';
import { oauthSession } from './oauth.js';
import type { KeapOAuthSession } from './oauth.js';

export const TARGET_NAME = 'Keap';

/**
 * Keap's limits (docs/protocols/keap.md#rate-limits): an API key may make 240 requests a
 * minute (10 in any second), an OAuth app 1500 a minute. The budget is the average.
 */
export const API_KEY_REQUESTS_PER_SECOND = 4;
export const OAUTH_REQUESTS_PER_SECOND = 25;

/** A step's outcome: its value, or the delivery result that ends the delivery. */
export type Step<T> = { ok: true; value: T } | { ok: false; result: RetryOrFailed };

export interface KeapDeps {
  http: HttpClient;
  clock: Clock;
  logger: Logger;
  signal?: AbortSignal;
  caches: CacheScope;
  saveConfig?(patch: Record<string, unknown>): Promise<void>;
}

/** The message in a Keap error body: `message` (with `details`), or OAuth's `error_description`. */
export function keapErrorMessage(body: unknown): string | undefined {
  if (!isRecord(body)) return undefined;
  const parts: string[] = [];
  for (const key of ['message', 'error', 'error_description'] as const) {
    const value = body[key];
    if (typeof value === 'string' && value.length > 0) parts.push(value);
  }
  if (Array.isArray(body.details)) {
    for (const detail of body.details) {
      if (typeof detail === 'string') parts.push(detail);
      else if (isRecord(detail) && typeof detail.message === 'string') parts.push(detail.message);
    }
  }
  return parts.length > 0 ? parts.join(': ') : undefined;
}

/** The account a budget belongs to: the API key, or the OAuth app. */
function accountKey(config: KeapConfig): string {
  const { credentials } = config;
  return credentials.method === 'apiKey'
    ? credentialKey('keap', config.apiUrl, credentials.apiKey)
    : credentialKey('keap', config.apiUrl, credentials.clientId);
}

export function createKeapClient(config: KeapConfig, deps: KeapDeps): TargetClient {
  const { credentials } = config;
  const base = config.apiUrl.replace(/\/+$/, '');
  const perSecond =
    config.maxRequestsPerSecond ??
    (credentials.method === 'apiKey' ? API_KEY_REQUESTS_PER_SECOND : OAUTH_REQUESTS_PER_SECOND);
  const limiter = sharedRateLimiter(deps.caches, accountKey(config), perSecond);
  const common = {
    name: TARGET_NAME,
    http: deps.http,
    clock: deps.clock,
    limiter,
    ...(deps.signal ? { signal: deps.signal } : {}),
    errorMessage: keapErrorMessage,
  };
  if (credentials.method === 'apiKey') {
    return createTargetClient<undefined>({
      ...common,
      prepare: (req) => ({
        ...req,
        url: `${base}${req.url}`,
        headers: { ...req.headers, 'x-keap-api-key': credentials.apiKey ?? '' },
      }),
    });
  }
  return createTargetClient<KeapOAuthSession>({
    ...common,
    session: oauthSession(credentials, { ...deps, limiter }),
    prepare: (req, session) => ({
      ...req,
      url: `${base}${req.url}`,
      headers: { ...req.headers, authorization: `Bearer ${session?.accessToken ?? ''}` },
    }),
  });
}

export function unexpectedAnswer(what: string, body: unknown): RetryOrFailed {
  return targetUnexpectedAnswer(TARGET_NAME, what, body);
}

/** An id as Keap sends it (a number, or a string of digits in v2), as text. */
export function idText(value: unknown): string | null {
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  if (typeof value === 'string' && /^\d+$/.test(value)) return value;
  return null;
}

const PAGE_SIZE = 1000;
/** Enough for 100 000 entries; beyond that something else is wrong. */
const MAX_PAGES = 100;

/**
 * Every entry of a v2 list endpoint (`{"<key>":[…],"next_page_token":"…"}`), page by page
 * (docs/protocols/keap.md#endpoints).
 */
export async function listAll(
  client: TargetClient,
  path: string,
  key: string,
): Promise<Step<Array<Record<string, unknown>>>> {
  const all: Array<Record<string, unknown>> = [];
  const separator = path.includes('?') ? '&' : '?';
  let token = '';
  for (let page = 0; page < MAX_PAGES; page++) {
    const answer = await client.call({
      method: 'GET',
      path: `${path}${separator}page_size=${PAGE_SIZE}${token ? `&page_token=${encodeURIComponent(token)}` : ''}`,
    });
    if (!answer.ok) return { ok: false, result: answer.result };
    const items = isRecord(answer.body) ? answer.body[key] : undefined;
    if (!Array.isArray(items))
      return { ok: false, result: unexpectedAnswer(`GET ${path}`, answer.body) };
    all.push(...items.filter(isRecord));
    const next = isRecord(answer.body) ? answer.body.next_page_token : undefined;
    if (typeof next !== 'string' || next.length === 0 || items.length === 0) break;
    token = next;
  }
  return { ok: true, value: all };
}
