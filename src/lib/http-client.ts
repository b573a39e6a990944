/**
 * The guarded outbound HTTP client every connector uses (docs/security.md):
 * - timeouts (connect + whole request), an abort signal;
 * - the SSRF guard: targets resolving to private, loopback, link-local, CGNAT, multicast or
 *   cloud-metadata addresses are refused unless on the configured allow-list; the check runs
 *   on the resolved address at connect time, so DNS rebinding cannot slip past it;
 * - no redirects followed (a 3xx is an answer, not a hop);
 * - the response body read up to a byte limit (the rest is dropped, `truncated` says so).
 * Network failures are values, not exceptions, so connectors can classify them.
 */
import { lookup as dnsLookup } from 'node:dns';
import type { LookupAddress, LookupOptions } from 'node:dns';
import { EventEmitter } from 'node:events';
import { isIP } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { AbortTrigger } from './abort-trigger.js';
import { errorCodeOf } from './error-code.js';
import { createAddressGuard } from './ssrf-guard.js';
import type { AddressGuard } from './ssrf-guard.js';
import { Agent, requestVia } from './undici-parts.js';

export interface HttpRequest {
  method: string;
  url: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Overrides the client's default request timeout. */
  timeoutMs?: number;
  signal?: AbortSignal;
  /**
   * Also ends the request when it fires, like `signal`: set by {@link abortingWith} on every
   * request of a client handed to an attempt, with the attempt's deadline.
   */
  abortOn?: AbortTrigger;
}

export interface HttpResponse {
  status: number;
  /** Header names lower-cased. */
  headers: Record<string, string>;
  /** The body as UTF-8 text, cut at the client's byte limit. */
  body: string;
  truncated: boolean;
  durationMs: number;
}

export type HttpFailureKind = 'timeout' | 'connection' | 'blocked' | 'invalid_url' | 'aborted';

export type HttpResult =
  | { ok: true; response: HttpResponse }
  | { ok: false; kind: HttpFailureKind; message: string; durationMs: number };

export interface HttpClient {
  request(req: HttpRequest): Promise<HttpResult>;
  /** Closes pooled connections; the client must not be used afterwards. */
  close?(): Promise<void>;
}

export interface HttpClientOptions {
  /** Default limit for a whole request (connect, headers and body), in milliseconds. */
  timeoutMs: number;
  /** Bytes of response body kept; the rest is not read. Default 64 KiB. */
  maxResponseBytes?: number;
  /** `IPNHUB_OUTBOUND_ALLOW_LIST` entries: CIDRs, IPs or exact host names. */
  allowList: readonly string[];
  /** Sent when the request has no `user-agent` header. Default `ipnhub/0.1`. */
  userAgent?: string;
}

const DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024;
const DEFAULT_USER_AGENT = 'ipnhub/0.1';

/** Raised inside the connect path by the guarded lookup; never leaves this module. */
class BlockedAddressError extends Error {
  readonly code = 'IPNHUB_ADDRESS_BLOCKED';
}

function blockedMessage(host: string, address: string, reason: string): string {
  const target = host === address ? address : `${host} (${address})`;
  return `${target} is a ${reason} address and outbound requests to it are refused; add it to outboundAllowList in the settings file (<dataDir>/ipnhub.json, read by serve and the CLI alike) or IPNHUB_OUTBOUND_ALLOW_LIST to allow it`;
}

type LookupCallback = (
  err: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

/** `dns.lookup` with every resolved address checked, so DNS rebinding cannot pass the guard. */
function guardedLookup(guard: AddressGuard) {
  return (hostname: string, options: LookupOptions, callback: LookupCallback): void => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, []);
      if (!guard.isAllowedHost(hostname)) {
        // Refuse the host when any address is blocked: a name that mixes public and private
        // addresses is either misconfigured or an attack, and picking one would hide that.
        for (const entry of addresses) {
          const reason = guard.blockReason(entry.address);
          if (reason !== null)
            return callback(
              new BlockedAddressError(blockedMessage(hostname, entry.address, reason)),
              [],
            );
        }
      }
      if (options.all) return callback(null, addresses);
      const first = addresses[0];
      if (!first)
        return callback(
          Object.assign(new Error(`no address for ${hostname}`), { code: 'ENOTFOUND' }),
          [],
        );
      callback(null, first.address, first.family);
    });
  };
}

function errorChain(err: unknown): unknown[] {
  const chain: unknown[] = [];
  let current: unknown = err;
  while (current instanceof Error && chain.length < 5) {
    chain.push(current);
    current = current.cause;
  }
  return chain;
}

const TIMEOUT_CODES = new Set([
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'ETIMEDOUT',
]);

function headerValue(value: string | string[] | undefined): string | undefined {
  if (value === undefined) return undefined;
  return Array.isArray(value) ? value.join(', ') : value;
}

function lowerCaseKeys(headers: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) out[name.toLowerCase()] = value;
  return out;
}

/** Creates the client with its own connection pool; `close()` releases it. */
export function createHttpClient(
  options: HttpClientOptions,
): HttpClient & { close(): Promise<void> } {
  const guard = createAddressGuard(options.allowList);
  const maxBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  const userAgent = options.userAgent ?? DEFAULT_USER_AGENT;
  const agent = new Agent({
    connect: { timeout: options.timeoutMs, lookup: guardedLookup(guard) },
    headersTimeout: options.timeoutMs,
    bodyTimeout: options.timeoutMs,
  });

  async function request(req: HttpRequest): Promise<HttpResult> {
    const started = performance.now();
    const elapsed = (): number => Math.round(performance.now() - started);
    const fail = (kind: HttpFailureKind, message: string): HttpResult => ({
      ok: false,
      kind,
      message,
      durationMs: elapsed(),
    });

    let url: URL;
    try {
      url = new URL(req.url);
    } catch {
      return fail('invalid_url', `not a valid URL: ${req.url}`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      return fail(
        'invalid_url',
        `only http and https URLs are supported, not ${url.protocol.slice(0, -1)}`,
      );
    }
    const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
    // The lookup hook never runs for IP literals, so they are checked here, before connecting.
    if (isIP(host) !== 0 && !guard.isAllowedHost(host)) {
      const reason = guard.blockReason(host);
      if (reason !== null) return fail('blocked', blockedMessage(host, host, reason));
    }
    if (req.signal?.aborted || req.abortOn?.aborted)
      return fail('aborted', 'the request was aborted before it started');

    const headers = lowerCaseKeys(req.headers);
    headers['user-agent'] ??= userAgent;
    if ((url.username || url.password) && headers.authorization === undefined) {
      const credentials = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
      headers.authorization = `Basic ${Buffer.from(credentials, 'utf8').toString('base64')}`;
    }

    const timeoutMs = req.timeoutMs ?? options.timeoutMs;
    // undici's request signal: an `EventEmitter` that emits `abort` (its documented alternative
    // to an `AbortSignal`), which costs a few microseconds less per request than an
    // `AbortController` and its `EventTarget` listeners (docs/benchmarks.md, "Abort signals per
    // attempt"). Emitted once the request is over, it reaches no one.
    const abort = new EventEmitter();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      abort.emit('abort');
    }, timeoutMs);
    const onCallerAbort = (): void => {
      abort.emit('abort');
    };
    req.signal?.addEventListener('abort', onCallerAbort, { once: true });
    const forgetTrigger = req.abortOn?.onAbort(onCallerAbort);

    try {
      const res = await requestVia(agent, {
        origin: url.origin,
        path: `${url.pathname}${url.search}`,
        method: req.method.toUpperCase(),
        headers,
        body: req.body ?? null,
        signal: abort,
        // Per request, so a connection's longer timeout is not cut short by the agent's default.
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      });
      const chunks: Buffer[] = [];
      let size = 0;
      let truncated = false;
      for await (const chunk of res.body) {
        const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
        if (size + buf.length > maxBytes) {
          chunks.push(buf.subarray(0, maxBytes - size));
          size = maxBytes;
          truncated = true;
          // Leaving the loop destroys the body stream: the rest is never downloaded.
          break;
        }
        chunks.push(buf);
        size += buf.length;
      }
      const responseHeaders: Record<string, string> = {};
      for (const [name, value] of Object.entries(res.headers)) {
        const text = headerValue(value);
        if (text !== undefined) responseHeaders[name.toLowerCase()] = text;
      }
      return {
        ok: true,
        response: {
          status: res.statusCode,
          headers: responseHeaders,
          body: Buffer.concat(chunks).toString('utf8'),
          truncated,
          durationMs: elapsed(),
        },
      };
    } catch (err) {
      return classifyError(err, {
        timedOut,
        timeoutMs,
        callerAborted: req.signal?.aborted === true || req.abortOn?.aborted === true,
        fail,
      });
    } finally {
      clearTimeout(timer);
      req.signal?.removeEventListener('abort', onCallerAbort);
      forgetTrigger?.();
    }
  }

  return {
    request,
    close: async () => {
      await agent.close();
    },
  };
}

/**
 * `http` with every request also ended when `trigger` fires: the client a connector gets for one
 * attempt, ended by the attempt's deadline whether or not the connector passes `ctx.signal` on.
 */
export function abortingWith(http: HttpClient, trigger: AbortTrigger): HttpClient {
  return { request: (req) => http.request({ ...req, abortOn: trigger }) };
}

function classifyError(
  err: unknown,
  state: {
    timedOut: boolean;
    timeoutMs: number;
    callerAborted: boolean;
    fail: (kind: HttpFailureKind, message: string) => HttpResult;
  },
): HttpResult {
  const { fail } = state;
  const chain = errorChain(err);
  const blocked = chain.find((e): e is BlockedAddressError => e instanceof BlockedAddressError);
  if (blocked) return fail('blocked', blocked.message);
  const codes = chain.map(errorCodeOf).filter((c): c is string => c !== undefined);
  if (state.timedOut || codes.some((c) => TIMEOUT_CODES.has(c)))
    return fail('timeout', `no complete answer within ${state.timeoutMs} ms`);
  if (state.callerAborted) return fail('aborted', 'the request was aborted');
  const message =
    chain
      .map((e) => (e as Error).message)
      .filter((m) => m.length > 0)
      .join(': ') || String(err);
  if (codes.includes('UND_ERR_INVALID_ARG')) return fail('invalid_url', message);
  return fail('connection', message);
}
