/**
 * The outbound extension point (docs/architecture.md#extension-points). A connector delivers one canonical event to one
 * target system for one connection. It never touches the database; everything it may use
 * comes in through {@link DeliveryContext}.
 *
 * A connector is one folder named by its id under `src/connectors/`, holding a factory that
 * returns a plain object which `satisfies Connector<Config>`, its config schema, fixtures and
 * tests. It never imports another connector; shared machinery (field mapping, templates)
 * lives beside this file. The registry (`registry.ts`) lists them all.
 *
 * Contract:
 * - `deliver` returns an outcome value; it does not throw for target errors:
 *   - `delivered`: the target accepted the event (HTTP 2xx, mail handed to SMTP).
 *   - `skipped`: nothing to do for this event (e.g. no action configured for its type).
 *   - `retry`: a transient problem (timeout, 408, 429, 5xx, connection refused); the worker
 *     reschedules by the retry policy, honouring `retryAfterSeconds` when given.
 *   - `failed`: a permanent problem (other 4xx, invalid credentials, validation error);
 *     retrying would not help, so the delivery stops and the error e-mail goes out.
 *   A thrown error means a bug; `runConnector` turns it into `retry` and logs it.
 * - Deliveries may be attempted more than once (retries, crashes between the call and the
 *   commit, manual redelivery). `ctx.deliveryId` is stable across attempts: send it as the
 *   idempotency key where the target supports one, and design writes as upserts.
 * - `testConnection` is cheap, authenticated and changes nothing at the target.
 * - `configSchema` carries labels and help (`.meta({ title, description })`) for every field so
 *   the admin UI can render a form from its JSON Schema; secrets are listed in `secretFields`
 *   and marked `writeOnly` in the schema.
 * - `preview`, when present, says what `deliver` would send for an event (the webhook's JSON
 *   body), without contacting anyone; the admin UI shows it next to the rendered templates and
 *   mappings, which the core finds in every config itself (`template-fields.ts`). It never
 *   contains a secret.
 */
import type * as z from 'zod';
import type { CanonicalEvent } from '../core/events.js';
import type { Clock } from '../lib/clock.js';
import type { HttpClient } from '../lib/http-client.js';
import type { Logger } from '../lib/logger.js';
import type { Mailer } from '../lib/mailer.js';
import type { CacheScope } from '../lib/cache-scope.js';

export type DeliveryResult =
  | { outcome: 'delivered'; statusCode?: number; response?: string }
  | { outcome: 'skipped'; reason: string }
  | {
      outcome: 'retry';
      reason: string;
      statusCode?: number;
      response?: string;
      retryAfterSeconds?: number;
      overloaded?: boolean;
    }
  | { outcome: 'failed'; reason: string; statusCode?: number; response?: string };

export interface DeliveryContext {
  /** The delivery's id: stable across attempts, the idempotency key for the target. */
  deliveryId: string;
  connectionId: string;
  connectionName: string;
  /** 1 for the first attempt. */
  attempt: number;
  trigger: 'scheduled' | 'manual';
  /**
   * The event's Standard Webhooks envelope (`connectors/webhook/envelope.ts`), built by the worker
   * around the event's stored JSON (`JSON.stringify(event)` byte for byte): the `webhook`
   * connector sends it as it is instead of serializing the event again, and the attempt's record
   * (outbox/request-recorder.ts) then finds it is the body it knows without a second copy.
   */
  eventEnvelope?: string;
  /**
   * Outbound HTTP with timeouts, the SSRF guard and response truncation. Its requests end when
   * the attempt's deadline fires, whether or not they carry `signal`.
   */
  http: HttpClient;
  mailer: Mailer;
  logger: Logger;
  clock: Clock;
  /**
   * Fires at the attempt's deadline. For what the connector waits on other than `http` (a rate
   * limiter, a mail); made when first read.
   */
  signal: AbortSignal;
  /** The runtime's caches (logins, rate limiters): shared by its deliveries, never by two runtimes. */
  caches: CacheScope;
  /**
   * The stored inbound request the event came from, body byte-exact, for connectors that
   * forward the original notification (`paypal-ipn-forward`). Loaded on demand; null when it
   * is gone. Absent in contexts without a database (connection tests).
   */
  originalRequest?(): Promise<OriginalRequest | null>;
  /** See {@link TestContext.saveConfig}. */
  saveConfig?(patch: Record<string, unknown>): Promise<void>;
}

export interface OriginalRequest {
  body: Buffer;
  /** The `content-type` header as received, or null. */
  contentType: string | null;
}

export interface TestContext {
  /** As in a delivery: its requests end when the test's deadline (`signal`) fires. */
  http: HttpClient;
  mailer: Mailer;
  logger: Logger;
  clock: Clock;
  signal: AbortSignal;
  /** The runtime's caches, as in a delivery. */
  caches: CacheScope;
  /**
   * Merges `patch` into the connection's stored config (top-level JSON Merge Patch, validated,
   * secret fields encrypted), for credentials the target replaces as it goes: Keap hands out a
   * new OAuth refresh token with every access token and the old one stops working. Absent when
   * there is no stored connection (a test of a config not saved yet).
   */
  saveConfig?(patch: Record<string, unknown>): Promise<void>;
}

export interface Connector<Config = unknown> {
  id: string;
  displayName: string;
  description: string;
  configSchema: z.ZodType<Config>;
  /** Names of config fields that are secrets (dot paths for nested fields). */
  secretFields: readonly string[];
  deliver(event: CanonicalEvent, config: Config, ctx: DeliveryContext): Promise<DeliveryResult>;
  testConnection(config: Config, ctx: TestContext): Promise<{ ok: boolean; message: string }>;
  /** What `deliver` would send for `event`, by name (e.g. `body`); pure, no secrets (see above). */
  preview?(event: CanonicalEvent, config: Config): Record<string, unknown>;
}
