/**
 * What a delivery attempt sent: the outbound HTTP requests a connector made during one attempt
 * (method, URL, headers, the start of the body) with the status each got, stored with the
 * attempt (`attempts.requests`) for the delivery detail of the admin UI and API.
 *
 * Secrets are never stored. Headers whose name says they carry credentials (Authorization,
 * cookies, tokens, keys, passwords, sessions) keep only their name; every value of the
 * connection's secret fields is replaced wherever it appears — URL, header, body — also
 * percent-encoded and JSON-escaped, as form and JSON bodies carry them (a Salesforce login's
 * password, a webhook's extra Authorization header). Tokens a target hands out at login travel
 * in such headers and are covered by the name rule. Form-encoded fields whose name says they
 * carry credentials (`refresh_token`, `client_secret`, `password`, …) keep only their name too:
 * a refresh token a target handed out since the connection was loaded (Keap replaces it on every
 * refresh) is not among the connection's secret values yet.
 *
 * At most {@link MAX_RECORDED_REQUESTS} requests per attempt are kept (the rest are counted),
 * each body cut at {@link MAX_RECORDED_BODY_CHARS} characters, so an attempt row stays small.
 *
 * A body the delivery log can rebuild is not copied: when a request sends exactly the text of
 * the recorder's {@link KnownBody} (the webhook envelope of the delivery's event, which is the
 * event's stored JSON in a fixed frame) and nothing in it needs scrubbing, the record keeps
 * `bodyRef` instead, and the delivery log rebuilds the text from the event
 * (delivery-queries.ts). That keeps ~3.5 KB of webhook body, escaped once more as JSON, out of
 * each attempt row (docs/benchmarks.md, "The delivery phase's outcome commits").
 */
import type { HttpClient, HttpRequest } from '../lib/http-client.js';

export const MAX_RECORDED_REQUESTS = 5;
export const MAX_RECORDED_BODY_CHARS = 8192;
export const REDACTED = '[redacted]';

/** Header names whose values are credentials. */
const CREDENTIAL_HEADER = /authorization|cookie|token|secret|password|api[-_]?key|session/i;

/** Secrets shorter than this are not searched for: replacing two characters everywhere would garble the record. */
const MIN_SECRET_LENGTH = 4;

export interface SentRequest {
  method: string;
  url: string;
  /** As sent, credentials replaced by `[redacted]`. */
  headers: Record<string, string>;
  /** The body as text (UTF-8), secrets replaced, cut at 8 KiB; null without a body or with `bodyRef`. */
  body: string | null;
  /** Set instead of `body` when the body was the recorder's {@link KnownBody}. */
  bodyRef?: KnownBodyRef;
  bodyTruncated: boolean;
  /** The answer's HTTP status; null when there was none (see `failure`). */
  status: number | null;
  /** Why there was no answer: `timeout`, `connection`, `blocked`, `invalid_url` or `aborted`. */
  failure: string | null;
  durationMs: number;
}

export interface RecordedRequests {
  requests: SentRequest[];
  /** Requests made beyond the ones kept. */
  omitted: number;
}

export interface RequestRecorder {
  /** The client to hand the connector: it records, then sends through the real one. */
  http: HttpClient;
  recorded(): RecordedRequests;
}

/** Replaces the secrets it was made for in a text. */
export type Scrubber = (text: string) => string;

/** What a recorded `bodyRef` stands for: the Standard Webhooks envelope of the delivery's event. */
export type KnownBodyRef = 'event-envelope';

/** A body the delivery log can rebuild, and the reference recorded instead of it. */
export interface KnownBody {
  ref: KnownBodyRef;
  text: string;
}

/**
 * Replaces every secret (raw, percent-encoded, form-encoded, JSON-escaped) in a text. Made once
 * per connection and reused for its attempts (outbox/delivery-job.ts): building the variants
 * costs more than using them.
 */
export function secretScrubber(secrets: readonly string[]): Scrubber {
  const variants = new Set<string>();
  for (const secret of secrets) {
    if (secret.length < MIN_SECRET_LENGTH) continue;
    variants.add(secret);
    variants.add(encodeURIComponent(secret));
    variants.add(new URLSearchParams({ s: secret }).toString().slice(2));
    variants.add(JSON.stringify(secret).slice(1, -1));
  }
  // Longest first, so a secret containing another is replaced whole.
  const ordered = [...variants].sort((a, b) => b.length - a.length);
  // Most texts hold no secret: looking costs a third of replacing nothing.
  return (text) =>
    ordered.reduce(
      (out, secret) => (out.includes(secret) ? out.split(secret).join(REDACTED) : out),
      text,
    );
}

/** `name=value` pairs of a form body whose name says the value is a credential. */
const CREDENTIAL_FORM_FIELD = /(^|&)([^=&]*(?:token|secret|password|api[-_]?key)[^=&]*)=[^&]*/gi;

function scrubCredentialFields(body: string, contentType: string | undefined): string {
  if (!contentType?.toLowerCase().includes('application/x-www-form-urlencoded')) return body;
  return body.replace(CREDENTIAL_FORM_FIELD, `$1$2=${REDACTED}`);
}

function bodyText(body: HttpRequest['body']): string | null {
  if (body === undefined) return null;
  return typeof body === 'string' ? body : body.toString('utf8');
}

/** A recorder around `inner` that scrubs `secrets` (the connection's secret field values, or their {@link secretScrubber}). */
export function createRequestRecorder(
  inner: HttpClient,
  secrets: readonly string[] | Scrubber,
  known?: KnownBody,
): RequestRecorder {
  const scrub = typeof secrets === 'function' ? secrets : secretScrubber(secrets);
  const requests: SentRequest[] = [];
  let omitted = 0;

  function record(req: HttpRequest): SentRequest | null {
    if (requests.length >= MAX_RECORDED_REQUESTS) {
      omitted++;
      return null;
    }
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers ?? {}))
      headers[name] = CREDENTIAL_HEADER.test(name) ? REDACTED : scrub(value);
    const text = bodyText(req.body);
    const contentType = Object.entries(req.headers ?? {}).find(
      ([name]) => name.toLowerCase() === 'content-type',
    )?.[1];
    const body = text === null ? null : scrubCredentialFields(scrub(text), contentType);
    const rebuildable =
      known !== undefined &&
      text === known.text &&
      body === text &&
      text.length <= MAX_RECORDED_BODY_CHARS;
    const sent: SentRequest = {
      method: req.method,
      url: scrub(req.url),
      headers,
      body: body === null || rebuildable ? null : body.slice(0, MAX_RECORDED_BODY_CHARS),
      ...(rebuildable ? { bodyRef: known.ref } : {}),
      bodyTruncated: body !== null && body.length > MAX_RECORDED_BODY_CHARS,
      status: null,
      failure: null,
      durationMs: 0,
    };
    requests.push(sent);
    return sent;
  }

  return {
    http: {
      async request(req) {
        const sent = record(req);
        const result = await inner.request(req);
        if (sent) {
          sent.durationMs = Math.round(result.ok ? result.response.durationMs : result.durationMs);
          if (result.ok) sent.status = result.response.status;
          else sent.failure = result.kind;
        }
        return result;
      },
    },
    recorded: () => ({
      requests: requests.map((r) => ({ ...r, headers: { ...r.headers } })),
      omitted,
    }),
  };
}
