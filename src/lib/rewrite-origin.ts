/**
 * A test {@link HttpClient} that sends requests for one origin to another: the real vectors'
 * certificate URL is on https://api.sandbox.paypal.com, which a test must not reach; the
 * wrapper serves it from a local server while the provider still sees (and checks) PayPal's
 * URL. Everything else passes through unchanged, and every request is recorded.
 */
import type { HttpClient, HttpRequest } from './http-client.js';

export interface RewritingHttpClient extends HttpClient {
  /** The URLs requested, before rewriting. */
  readonly requested: string[];
}

export function rewriteOrigin(inner: HttpClient, from: string, to: string): RewritingHttpClient {
  const requested: string[] = [];
  const source = new URL(from).origin;
  return {
    requested,
    request: (req: HttpRequest) => {
      requested.push(req.url);
      const url = new URL(req.url);
      if (url.origin !== source) return inner.request(req);
      return inner.request({
        ...req,
        url: `${to.replace(/\/+$/, '')}${url.pathname}${url.search}`,
      });
    },
  };
}
