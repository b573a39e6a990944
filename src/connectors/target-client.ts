/**
 * The HTTP client CRM and e-mail marketing connectors talk to their targets through (see
 * docs/protocols/README.md#across-the-targets). It does what every such connector needs, once:
 * - waits for the connection's rate limiter before each request (logins included);
 * - logs in through a shared {@link SessionCache} for session/token targets, and when the
 *   target rejects the session, logs in again ONCE and repeats the call; a second rejection,
 *   or a rejected login, is `failed` with `TARGET_AUTH_FAILED` (no retry storm against a
 *   target that will lock the account);
 * - classifies answers: 2xx ok; auth (401/403 unless the connector says otherwise) as above;
 *   408, 429, 5xx and network failures `retry` with `Retry-After` honoured; other 4xx `failed`
 *   with `TARGET_VALIDATION_FAILED` and the target's own message.
 * A non-2xx answer is still handed back with its status and body, so a connector can treat an
 * expected 404 (lookup) or 422 (already exists) as part of its flow instead of a failure.
 */
import type { Clock } from '../lib/clock.js';
import type { HttpClient, HttpRequest, HttpResponse } from '../lib/http-client.js';
import { classifyHttpResult } from './classify-response.js';
import type { DeliveryResult } from './connector.js';
import type { RateLimiter } from './rate-limiter.js';
import type { LoginResult, SessionCache } from './session-cache.js';

export type RetryOrFailed = Extract<DeliveryResult, { outcome: 'retry' | 'failed' }>;

/** A request in the target's terms; `prepare` turns it into an HTTP request. */
export interface TargetRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Path below the target's base URL, with its query string, e.g. `/api/3/tags?search=vip`. */
  path: string;
  /** Sent as JSON. */
  json?: unknown;
  /** Sent as `application/x-www-form-urlencoded`. */
  form?: Record<string, string>;
  headers?: Record<string, string>;
}

export type CallResult =
  | { ok: true; status: number; body: unknown; response: HttpResponse }
  /** `status` is absent for network failures; `body` is the parsed error body when there was one. */
  | { ok: false; status?: number; body?: unknown; result: RetryOrFailed };

export type AnswerClass = 'ok' | 'auth' | 'retry' | 'failed';

export interface TargetClientOptions<S> {
  /** The target's name for messages, e.g. `ActiveCampaign`. */
  name: string;
  http: HttpClient;
  clock: Clock;
  signal?: AbortSignal;
  limiter?: RateLimiter;
  /** For targets with logins or tokens; without it, `prepare` gets `undefined` as the session. */
  session?: { cache: SessionCache<S>; key: string; login(): Promise<LoginResult<S>> };
  /** Builds the HTTP request: absolute URL, credentials, body encoding is already done. */
  prepare(req: HttpRequest, session: S | undefined): HttpRequest;
  /** Target-specific classification, consulted before the defaults (undefined = defaults). */
  classify?(status: number, body: unknown): AnswerClass | undefined;
  /** The target's own error message in an error body. */
  errorMessage?(body: unknown): string | undefined;
  /**
   * Seconds to wait before retrying an answer classed `retry` that has no `Retry-After`, from
   * the target's own headers (Capsule's `X-RateLimit-Reset`); undefined = no hint.
   */
  retryAfter?(headers: Record<string, string>, now: Date): number | undefined;
}

export interface TargetClient {
  call(req: TargetRequest): Promise<CallResult>;
}

function parseBody(response: HttpResponse): unknown {
  const type = response.headers['content-type'] ?? '';
  if (!type.includes('json') || response.body.length === 0)
    return response.body.length === 0 ? null : response.body;
  try {
    return JSON.parse(response.body) as unknown;
  } catch {
    return response.body;
  }
}

function defaultClass(status: number): AnswerClass {
  if (status >= 200 && status < 300) return 'ok';
  if (status === 401 || status === 403) return 'auth';
  if (status === 408 || status === 429 || status >= 500) return 'retry';
  return 'failed';
}

function encode(req: TargetRequest): HttpRequest {
  const headers: Record<string, string> = { accept: 'application/json', ...req.headers };
  const http: HttpRequest = { method: req.method, url: req.path, headers };
  if (req.json !== undefined) {
    headers['content-type'] = 'application/json';
    http.body = JSON.stringify(req.json);
  } else if (req.form !== undefined) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    http.body = new URLSearchParams(req.form).toString();
  }
  return http;
}

/** `failed` with `TARGET_AUTH_FAILED`, naming the target and its answer. */
export function authFailure(name: string, detail: string, status?: number): RetryOrFailed {
  return {
    outcome: 'failed',
    reason: `TARGET_AUTH_FAILED: ${name} rejected the credentials${status ? ` (HTTP ${status})` : ''}: ${detail}`,
    ...(status ? { statusCode: status } : {}),
  };
}

export function createTargetClient<S>(options: TargetClientOptions<S>): TargetClient {
  const { name } = options;

  async function send(
    req: HttpRequest,
    session: S | undefined,
  ): Promise<{ cls: AnswerClass | 'network'; result: CallResult }> {
    await options.limiter?.acquire(options.signal);
    const prepared = options.prepare(req, session);
    const outcome = await options.http.request({
      ...prepared,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    if (!outcome.ok) {
      const result = classifyHttpResult(outcome, options.clock.now()) as RetryOrFailed;
      return { cls: 'network', result: { ok: false, result } };
    }
    const { response } = outcome;
    const body = parseBody(response);
    const cls = options.classify?.(response.status, body) ?? defaultClass(response.status);
    if (cls === 'ok') return { cls, result: { ok: true, status: response.status, body, response } };
    const message =
      options.errorMessage?.(body) ??
      (typeof body === 'string' ? body.slice(0, 300) : undefined) ??
      '';
    const answered = { statusCode: response.status, response: response.body };
    let result: RetryOrFailed;
    if (cls === 'auth') {
      result = authFailure(name, message || 'no message', response.status);
    } else if (cls === 'retry') {
      const classified = classifyHttpResult(outcome, options.clock.now());
      const retryAfter =
        (classified.outcome === 'retry' ? classified.retryAfterSeconds : undefined) ??
        options.retryAfter?.(response.headers, options.clock.now());
      result = {
        outcome: 'retry',
        reason: `${name} answered HTTP ${response.status}${message ? `: ${message}` : ''}`,
        ...answered,
        ...(retryAfter !== undefined ? { retryAfterSeconds: retryAfter } : {}),
        ...(response.status === 429 ? { overloaded: true } : {}),
      };
    } else {
      result = {
        outcome: 'failed',
        reason: `TARGET_VALIDATION_FAILED: ${name} answered HTTP ${response.status}${message ? `: ${message}` : ''}`,
        ...answered,
      };
    }
    return { cls, result: { ok: false, status: response.status, body, result } };
  }

  async function login(): Promise<{ ok: true; session: S } | { ok: false; result: CallResult }> {
    const session = options.session;
    if (!session) throw new Error('login without a session config');
    const result = await session.cache.get(session.key, session.login);
    if (result.ok) return result;
    const failure: RetryOrFailed = result.auth
      ? authFailure(name, result.message)
      : result.permanent
        ? { outcome: 'failed', reason: `${name} login failed: ${result.message}` }
        : {
            outcome: 'retry',
            reason: `${name} login failed: ${result.message}`,
            ...(result.retryAfterSeconds !== undefined
              ? { retryAfterSeconds: result.retryAfterSeconds }
              : {}),
          };
    return { ok: false, result: { ok: false, result: failure } };
  }

  return {
    async call(req) {
      const http = encode(req);
      if (!options.session) return (await send(http, undefined)).result;
      const first = await login();
      if (!first.ok) return first.result;
      const attempt = await send(http, first.session);
      if (attempt.cls !== 'auth') return attempt.result;
      // The session expired or was revoked: one fresh login, one more try.
      options.session.cache.invalidate(options.session.key, first.session);
      const second = await login();
      if (!second.ok) return second.result;
      return (await send(http, second.session)).result;
    },
  };
}

/**
 * The login outcome for a failed login call (made through a target client of its own):
 * transient problems retry, an HTTP refusal is an auth failure, and a request that could not
 * be sent for good (address guard, bad URL) is permanent. `detail` replaces the reason of a refusal.
 */
export function loginFailure(
  failed: Extract<CallResult, { ok: false }>,
  detail?: string,
): LoginResult<never> {
  const { result } = failed;
  if (result.outcome === 'retry')
    return {
      ok: false,
      auth: false,
      message: result.reason,
      ...(result.retryAfterSeconds !== undefined
        ? { retryAfterSeconds: result.retryAfterSeconds }
        : {}),
    };
  if (failed.status === undefined)
    return { ok: false, auth: false, permanent: true, message: result.reason };
  return {
    ok: false,
    auth: true,
    message: `login refused (HTTP ${failed.status}): ${detail ?? result.reason}`,
  };
}

/**
 * `failed` for a 2xx without the data asked for: not the target's API as documented, and
 * retrying will not change it, so it is reported with what came back.
 */
export function unexpectedAnswer(name: string, what: string, body: unknown): RetryOrFailed {
  const shown = typeof body === 'string' ? body : JSON.stringify(body);
  return {
    outcome: 'failed',
    reason: `${name} answered ${what} without the expected data: ${(shown ?? '').slice(0, 200)}`,
  };
}

/** A connection-test answer from a call: ok with `success`, else the failure's reason. */
export function testResult(result: CallResult, success: string): { ok: boolean; message: string } {
  return result.ok ? { ok: true, message: success } : { ok: false, message: result.result.reason };
}
