/**
 * The HTTP side of the Quentn connector (docs/protocols/quentn.md#authentication, docs/protocols/quentn.md#errors): one
 * `createTargetClient` per delivery or connection test, `Authorization: Bearer <api key>` on
 * every call, paths relative to the account's API base URL, and the per-account rate limiter.
 * Quentn keys are static: a 401/403 is a wrong or revoked key, never an expired session, so
 * there is nothing to log in again with; the target client fails it at once.
 */
import type { Clock } from '../../lib/clock.js';
import type { HttpClient } from '../../lib/http-client.js';
import { sharedRateLimiter } from '../rate-limiter.js';
import { credentialKey } from '../session-cache.js';
import { createTargetClient } from '../target-client.js';
import type { CallResult, RetryOrFailed, TargetClient } from '../target-client.js';
import type { QuentnConfig } from './config.js';
import { isRecord } from '../../lib/is-record.js';
import type { CacheScope } from '../../lib/cache-scope.js';

export const QUENTN = 'Quentn';

/**
 * Quentn's error bodies are UNCONFIRMED (docs/protocols/quentn.md#errors): this reads the usual shapes — a string, an
 * array of strings, `{message}`, `{error}`, `{error: {message}}`, `{errors: [...]}`.
 */
export function quentnErrorMessage(body: unknown): string | undefined {
  if (typeof body === 'string') return body.trim().slice(0, 300) || undefined;
  if (Array.isArray(body)) {
    const parts = body
      .map((item) => quentnErrorMessage(item))
      .filter((part): part is string => part !== undefined);
    return parts.length > 0 ? parts.join('; ').slice(0, 300) : undefined;
  }
  if (!isRecord(body)) return undefined;
  for (const key of ['message', 'error_description', 'error', 'errors']) {
    const found = quentnErrorMessage(body[key]);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** The base URL without trailing slashes; request paths start with `/`. */
export function normalizeBaseUrl(baseUrl: string): string {
  return baseUrl.replace(/\/+$/, '');
}

export function createQuentnClient(
  config: Pick<QuentnConfig, 'baseUrl' | 'apiKey' | 'requestsPerSecond'>,
  deps: { http: HttpClient; clock: Clock; signal?: AbortSignal; caches: CacheScope },
): TargetClient {
  const base = normalizeBaseUrl(config.baseUrl);
  return createTargetClient<undefined>({
    name: QUENTN,
    http: deps.http,
    clock: deps.clock,
    ...(deps.signal ? { signal: deps.signal } : {}),
    // One budget per Quentn account (base URL), whatever the key.
    limiter: sharedRateLimiter(
      deps.caches,
      `quentn:${credentialKey(base)}`,
      config.requestsPerSecond,
    ),
    prepare: (req) => ({
      ...req,
      url: `${base}${req.url}`,
      headers: { ...req.headers, authorization: `Bearer ${config.apiKey}` },
    }),
    errorMessage: quentnErrorMessage,
  });
}

/** A non-ok call's outcome; a 404 outside lookups means the base URL points at no Quentn API. */
export function failureOf(result: Extract<CallResult, { ok: false }>, what: string): RetryOrFailed {
  if (result.status === 404 && result.result.outcome === 'failed') {
    return {
      ...result.result,
      reason: `${result.result.reason} (${what}; check the API base URL)`,
    };
  }
  return result.result;
}

/** A Quentn id as a number: ids arrive as numbers, sometimes as numeric strings. */
export function quentnId(value: unknown): number | null {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value > 0) return value;
  if (typeof value === 'string' && /^\d+$/.test(value)) return quentnId(Number(value));
  return null;
}
