/**
 * The inbound extension point (docs/architecture.md#extension-points). A provider turns one raw HTTP request from a
 * payment system into verified, canonical events. It sees a neutral {@link InboundRequest},
 * never a Fastify object, and never touches the database: the ingest pipeline stores the raw
 * request, calls `verify`, then `normalize`, and writes the result in one transaction.
 *
 * A provider is one folder named by its id under `src/providers/`, holding a factory that
 * returns a plain object which `satisfies Provider<Config>`, its config schema, fixtures and
 * tests. It never imports another provider. The registry (`registry.ts`) lists them all and
 * the `ProviderId` union is derived from it.
 *
 * Contract:
 * - `verify` decides authenticity only. It never throws on a bad or missing signature; it
 *   returns `{ ok: false, code, reason }` with a code from the error catalogue. Fail closed:
 *   anything it cannot check is a rejection.
 * - `normalize` is pure and deterministic for a given request and config: fixtures in,
 *   events out. Malformed input is `{ kind: 'invalid', code, reason }`, not an exception.
 *   A well-formed message the hub does not act on (an unknown event type) is
 *   `{ kind: 'ignored', reason }`; it is still recorded and acknowledged. One that reports
 *   money the hub cannot record is `{ kind: 'held', code, reason }`: recorded for review and
 *   alerted, never silently dropped.
 * - `acknowledge` renders what the sender expects back for an outcome: Digistore24 wants the
 *   text `OK`, PayPal an empty 200. It is called after the durable commit, never before.
 * - `decodeFields` shows a stored body's fields to people, decoded the way `normalize` reads
 *   them, and the character set it read them in; like `normalize` it is pure and never throws.
 * - `confirm` is for providers whose authenticity is proven by asking the sender afterwards
 *   (PayPal IPN's postback). When present, `verify` only checks what it can locally (shape,
 *   charset); the pipeline then stores the raw request as `pending`, acknowledges it, and the
 *   worker calls `confirm` until it answers `ok: true` (then `normalize` and the commit run),
 *   `ok: false` (the request is rejected) or gives up retrying after the policy's schedule.
 * - `testNotification`, when the provider has one, builds the request its sender's own "test
 *   connection" button sends (Digistore24's signed `connection_test`), authenticated with the
 *   source's config, so the admin UI can check a source end to end through the real pipeline.
 */
import type * as z from 'zod';
import type { EventDraft } from '../core/events.js';
import type { ErrorCode } from '../core/errors.js';
import type { Clock } from '../lib/clock.js';
import type { HttpClient } from '../lib/http-client.js';
import type { CacheScope } from '../lib/cache-scope.js';

/** The request exactly as received. `rawBody` is byte-exact: signatures are computed over it. */
export interface InboundRequest {
  receivedAt: Date;
  method: string;
  /** Path and query as received, e.g. `/ipn/src_01J…`. */
  url: string;
  /** Header names lower-cased; repeated headers joined with `, ` as Node does. */
  headers: Readonly<Record<string, string>>;
  rawBody: Buffer;
  remoteAddress: string;
}

/**
 * `notes`: what the provider had to assume to read the request (e.g. a PayPal IPN without a
 * `charset` field, decoded as windows-1252). The pipeline logs them and stores them with the
 * request's `verification`, so a misread value can be traced to its cause.
 */
export type Verification =
  | {
      ok: true /** How it was verified, for the audit trail (e.g. `sha512 variant A`). */;
      method: string;
      notes?: readonly string[];
    }
  | { ok: false; code: ErrorCode; reason: string };

/** The answer of a deferred check (`confirm`). `retry`: the sender's service did not answer usefully; ask again later. */
export type Confirmation =
  | { ok: true; method: string; notes?: readonly string[] }
  | { ok: false; code: ErrorCode; reason: string }
  | { ok: 'retry'; reason: string; retryAfterSeconds?: number };

export type Normalized =
  | { kind: 'events'; events: EventDraft[] }
  | {
      kind: 'ignored';
      reason: string /** Raw fields, kept for the log. */;
      fields: Record<string, string>;
    }
  | { kind: 'invalid'; code: ErrorCode; reason: string }
  /**
   * Authentic and about money, but the hub cannot turn it into an event (a kind it has no event
   * for, a field it needs is missing, an unexpected price). Stored with verdict `held` and an
   * alert goes out: a person decides. `code` names the problem when there is one.
   */
  | { kind: 'held'; code: ErrorCode | null; reason: string };

/** What happened to a request, as far as the sender's answer is concerned. */
export type IngestOutcome =
  | { kind: 'accepted'; eventIds: string[] }
  | { kind: 'duplicate' }
  /** Stored durably, authenticity to be confirmed later (`Provider.confirm`). */
  | { kind: 'pending' }
  | { kind: 'ignored'; reason: string }
  /** Stored durably and held for review (see `Normalized`): the sender must not resend it. */
  | { kind: 'held'; reason: string }
  | { kind: 'rejected'; code: ErrorCode; reason: string; status: number }
  | { kind: 'error' };

/** One field of a request body, decoded for people. */
export interface DecodedField {
  name: string;
  value: string;
}

/**
 * The character set a body was decoded with: `basis` says whether the message named it itself
 * (`message`: a PayPal IPN's `charset` field), the provider always sends it (`provider`:
 * Digistore24's UTF-8, JSON), or it was assumed for want of either (`assumed`: a PayPal IPN
 * without `charset`, read as windows-1252).
 */
export interface BodyCharset {
  /** The WHATWG name of the encoding, e.g. `utf-8`, `windows-1252`. */
  name: string;
  basis: 'message' | 'provider' | 'assumed';
}

export type DecodedFields =
  | { ok: true; fields: DecodedField[]; charset: BodyCharset }
  | { ok: false; reason: string };

export interface Acknowledgement {
  status: number;
  contentType: string;
  body: string;
}

export interface ProviderContext {
  clock: Clock;
  /** Guarded outbound HTTP (certificate downloads, postbacks, verification APIs). */
  http: HttpClient;
  /** The runtime's caches (certificates, tokens): shared by its requests, never by two runtimes. */
  caches: CacheScope;
}

/** A request the sender itself would send to test the connection (see `Provider.testNotification`). */
export interface TestNotification {
  /** Header names lower-case, e.g. `content-type`. */
  headers: Readonly<Record<string, string>>;
  body: Buffer;
}

export interface Provider<Config = unknown> {
  id: string;
  /** Human name for the admin UI and CLI. */
  displayName: string;
  /** Validates a source's config; secret fields are part of it (encrypted at rest by the core). */
  configSchema: z.ZodType<Config>;
  /** Names of config fields that are secrets: encrypted at rest, never echoed by the API. */
  secretFields: readonly string[];
  /** Content types this provider accepts on its inbound route (lower-case, without parameters). */
  contentTypes: readonly string[];
  verify(req: InboundRequest, config: Config, ctx: ProviderContext): Promise<Verification>;
  normalize(req: InboundRequest, config: Config): Normalized;
  acknowledge(outcome: IngestOutcome): Acknowledgement;
  /**
   * The body's fields for people (the admin API's inbound request detail, `ipnhub
   * inbound-requests show`): names and values decoded as `normalize` reads them (form
   * encoding, charset), in body order; a JSON body flattened to dot paths. Pure, never throws;
   * a body it cannot decode gives the reason.
   */
  decodeFields(rawBody: Buffer): DecodedFields;
  /** Deferred authenticity check, run by the worker after the acknowledgement (see above). */
  confirm?(req: InboundRequest, config: Config, ctx: ProviderContext): Promise<Confirmation>;
  /** The sender's own connection test, authenticated with `config` (see above); absent when the provider has none. */
  testNotification?(config: Config): TestNotification;
}
