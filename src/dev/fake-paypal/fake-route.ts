/**
 * The pieces of the local fake PayPal (`ipnhub dev fake-paypal`, tests) are plain route
 * functions over a neutral request, so each PayPal API (IPN postback, webhook certificates,
 * OAuth and verify-webhook-signature) lives in its own file and one small server mounts them.
 */
export interface FakeRequest {
  method: string;
  /** Path without the query string, e.g. `/cgi-bin/webscr`. */
  path: string;
  /** The query string without `?`, or '' */
  query: string;
  /** Header names lower-cased. */
  headers: Readonly<Record<string, string>>;
  body: Buffer;
}

export interface FakeResponse {
  status: number;
  headers?: Record<string, string>;
  body: string | Buffer;
}

/** Answers a request it owns, or returns null so the next route can try. */
export type FakeRoute = (req: FakeRequest) => Promise<FakeResponse | null>;
