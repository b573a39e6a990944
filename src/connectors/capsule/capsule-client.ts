/**
 * The HTTP side of the Capsule connector (docs/protocols/capsule.md#authentication,
 * docs/protocols/capsule.md#errors-and-rate-limit): one target client per delivery or
 * connection test, `Authorization: Bearer <token>` on every call, and the token's hourly
 * budget (4,000 requests per user and hour) shared by every connection using the token. The
 * token is static: a 401 is a wrong or revoked token, so it fails at once with
 * `TARGET_AUTH_FAILED`; a 429 is retried after `X-RateLimit-Reset`.
 */
import type { Clock } from '../../lib/clock.js';
import type { HttpClient } from '../../lib/http-client.js';
import { isRecord } from '../../lib/is-record.js';
import type { CacheScope } from '../../lib/cache-scope.js';
import { sharedRateLimiter } from '../rate-limiter.js';
import { credentialKey } from '../session-cache.js';
import {
  createTargetClient,
  unexpectedAnswer as sharedUnexpectedAnswer,
} from '../target-client.js';
import type { RetryOrFailed, TargetClient } from '../target-client.js';
import type { CapsuleConfig } from './config.js';

export const CAPSULE = 'Capsule';

/** Capsule's budget per user (the token's owner) and hour (docs/protocols/capsule.md#errors-and-rate-limit). */
export const REQUESTS_PER_HOUR = 4000;
/**
 * A burst of this many requests, then the average rate: the bucket refills at
 * (budget − burst) per hour, so no hour ever sees more than the budget.
 */
export const BURST = 100;

/** A step's outcome: its value, or the delivery result that ends the delivery. */
export type Step<T> = { ok: true; value: T } | { ok: false; result: RetryOrFailed };

/** Capsule's error bodies: `{message, errors: [{message, resource, field}]}` or `{error}` (429). */
export function capsuleErrorMessage(body: unknown): string | undefined {
  if (!isRecord(body)) return undefined;
  const details = Array.isArray(body.errors)
    ? body.errors
        .filter(isRecord)
        .map((e) => e.message)
        .filter((m): m is string => typeof m === 'string' && m.length > 0)
    : [];
  const head = [body.message, body.error].find(
    (part): part is string => typeof part === 'string' && part.length > 0,
  );
  const parts = [...(head ? [head] : []), ...details];
  return parts.length > 0 ? parts.join(': ').slice(0, 300) : undefined;
}

/** Seconds until `X-RateLimit-Reset` (UTC epoch seconds), at least 1. */
export function secondsUntilReset(headers: Record<string, string>, now: Date): number | undefined {
  const reset = Number(headers['x-ratelimit-reset']);
  if (!Number.isFinite(reset) || reset <= 0) return undefined;
  return Math.max(1, Math.ceil(reset - now.getTime() / 1000));
}

export interface CapsuleClientDeps {
  http: HttpClient;
  clock: Clock;
  signal?: AbortSignal;
  caches: CacheScope;
  /** Overrides the hourly budget (tests). */
  requestsPerHour?: number;
}

export function createCapsuleClient(
  config: Pick<CapsuleConfig, 'apiUrl' | 'apiToken'>,
  deps: CapsuleClientDeps,
): TargetClient {
  const base = config.apiUrl.replace(/\/+$/, '');
  const perHour = deps.requestsPerHour ?? REQUESTS_PER_HOUR;
  const burst = Math.min(BURST, Math.floor(perHour / 10));
  return createTargetClient<undefined>({
    name: CAPSULE,
    http: deps.http,
    clock: deps.clock,
    ...(deps.signal ? { signal: deps.signal } : {}),
    // The budget is the token's user's: one limiter per token, whichever connection holds it.
    limiter: sharedRateLimiter(
      deps.caches,
      `capsule:${credentialKey(base, config.apiToken)}`,
      (perHour - burst) / 3600,
      burst,
    ),
    prepare: (req) => ({
      ...req,
      url: `${base}${req.url}`,
      headers: { ...req.headers, authorization: `Bearer ${config.apiToken}` },
    }),
    errorMessage: capsuleErrorMessage,
    retryAfter: secondsUntilReset,
  });
}

/** A 2xx answer without the object asked for: not Capsule's API as documented; retrying will not help. */
export function unexpectedAnswer(what: string, body: unknown): RetryOrFailed {
  return sharedUnexpectedAnswer(CAPSULE, what, body);
}

/** A Capsule id: ids are numbers. */
export function capsuleId(value: unknown): number | null {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0 ? value : null;
}

const PER_PAGE = 100;
/** 2,000 entries; beyond that something else is wrong. */
const MAX_PAGES = 20;

/** Every entry of a list endpoint (`{"<key>": […]}`), page by page (`page`, `perPage` ≤ 100). */
export async function listAll(
  client: TargetClient,
  path: string,
  key: string,
): Promise<Step<Array<Record<string, unknown>>>> {
  const all: Array<Record<string, unknown>> = [];
  const separator = path.includes('?') ? '&' : '?';
  for (let page = 1; page <= MAX_PAGES; page++) {
    const answer = await client.call({
      method: 'GET',
      path: `${path}${separator}perPage=${PER_PAGE}&page=${page}`,
    });
    if (!answer.ok) return { ok: false, result: answer.result };
    const items = isRecord(answer.body) ? answer.body[key] : undefined;
    if (!Array.isArray(items))
      return { ok: false, result: unexpectedAnswer(`GET ${path}`, answer.body) };
    all.push(...items.filter(isRecord));
    if (items.length < PER_PAGE || !(answer.response.headers.link ?? '').includes('rel="next"'))
      break;
  }
  return { ok: true, value: all };
}
