/**
 * The guarded outbound HTTP client every connector uses (DESIGN.md §8):
 * - timeouts (connect + whole request), an abort signal;
 * - the SSRF guard: targets resolving to private, loopback, link-local, CGNAT, multicast or
 *   cloud-metadata addresses are refused unless on the configured allow-list; the check runs
 *   on the resolved address at connect time, so DNS rebinding cannot slip past it;
 * - no redirects followed (a 3xx is an answer, not a hop);
 * - the response body read up to a byte limit (the rest is dropped, `truncated` says so).
 * Network failures are values, not exceptions, so connectors can classify them.
 */

export interface HttpRequest {
  method: string;
  url: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Overrides the client's default request timeout. */
  timeoutMs?: number;
  signal?: AbortSignal;
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
}
