/**
 * Shared set-up for the admin API tests: a full test runtime on one dialect, its app, and a
 * small client that calls `/api/v1` with the test token through `app.inject`. Plus direct row
 * inserts for the tables the tests read but do not drive through the pipeline.
 */
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { newId } from '../../../core/ids.js';
import type { Database, DeliveryStatus } from '../../../db/schema.js';
import { createTestRuntime, TEST_ADMIN_TOKEN } from '../../../../test/helpers/test-runtime.js';
import type { TestRuntime, TestRuntimeOptions } from '../../../../test/helpers/test-runtime.js';
import type { DialectName } from '../../../../test/helpers/test-db.js';

export interface ApiResponse {
  status: number;
  text: string;
  headers: Record<string, unknown>;
  json<T = unknown>(): T;
}

export interface AdminHarness {
  runtime: TestRuntime;
  app: FastifyInstance;
  db: Kysely<Database>;
  /** Calls `/api/v1<path>` with the test token (or `token`, or none when `token` is null). */
  call(
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
    path: string,
    payload?: unknown,
    token?: string | null,
  ): Promise<ApiResponse>;
  close(): Promise<void>;
}

export async function startAdminHarness(
  dialect: DialectName,
  options: TestRuntimeOptions = {},
): Promise<AdminHarness> {
  const runtime = await createTestRuntime(dialect, options);
  const app = await runtime.buildApp();
  await app.ready();
  return {
    runtime,
    app,
    db: runtime.dbHandle.db,
    async call(method, path, payload, token = TEST_ADMIN_TOKEN) {
      const headers: Record<string, string> =
        token === null ? {} : { authorization: `Bearer ${token}` };
      const res = await app.inject({
        method,
        url: `/api/v1${path}`,
        headers,
        ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
      });
      return {
        status: res.statusCode,
        text: res.body,
        headers: res.headers,
        json: <T>() => JSON.parse(res.body) as T,
      };
    },
    async close() {
      await app.close();
      await runtime.dispose();
    },
  };
}

export interface SeedEvent {
  id?: string;
  sourceId?: string;
  type?: string;
  orderRef?: string | null;
  email?: string | null;
  test?: boolean;
  occurredAt?: string;
}

/** Inserts one event row (with a minimal canonical payload) and returns its id. */
export async function insertEvent(db: Kysely<Database>, seed: SeedEvent = {}): Promise<string> {
  const id = seed.id ?? newId('event');
  const occurredAt = seed.occurredAt ?? '2026-01-01T00:00:00.000Z';
  const sourceId = seed.sourceId ?? 'src_01JTESTSOURCE0000000000000';
  const type = seed.type ?? 'payment';
  const payload = {
    id,
    type,
    occurredAt,
    receivedAt: occurredAt,
    source: { id: sourceId, provider: 'digistore24', test: seed.test ?? false },
    order: null,
    buyer: null,
    affiliate: null,
    subscription: null,
    raw: {},
  };
  await db
    .insertInto('events')
    .values({
      id,
      source_id: sourceId,
      inbound_request_id: newId('inbound'),
      type,
      dedup_key: `seed:${id}`,
      order_ref: seed.orderRef ?? null,
      customer_email: seed.email ?? null,
      test: seed.test ? 1 : 0,
      occurred_at: occurredAt,
      received_at: occurredAt,
      payload: JSON.stringify(payload),
    })
    .execute();
  return id;
}

export interface SeedDelivery {
  eventId: string;
  connectionId: string;
  status: DeliveryStatus;
  attempts?: number;
  leaseExpiresAt?: string | null;
  lastError?: string | null;
  now?: string;
  /** Default: the event id (every delivery its own queue). */
  orderKey?: string;
  /** Default: `now`. */
  nextAttemptAt?: string;
}

/** Inserts one delivery row and returns its id. */
export async function insertDelivery(db: Kysely<Database>, seed: SeedDelivery): Promise<string> {
  const id = newId('delivery');
  const now = seed.now ?? '2026-01-01T00:00:00.000Z';
  const finished =
    seed.status === 'dead' ||
    seed.status === 'delivered' ||
    seed.status === 'failed' ||
    seed.status === 'skipped';
  await db
    .insertInto('deliveries')
    .values({
      id,
      event_id: seed.eventId,
      connection_id: seed.connectionId,
      order_key: seed.orderKey ?? seed.eventId,
      status: seed.status,
      attempts: seed.attempts ?? 0,
      next_attempt_at: seed.nextAttemptAt ?? now,
      lease_owner: seed.status === 'delivering' ? 'worker-test' : null,
      lease_expires_at: seed.leaseExpiresAt ?? null,
      trigger: 'scheduled',
      last_error: seed.lastError ?? null,
      created_at: now,
      updated_at: now,
      completed_at: finished ? now : null,
    })
    .execute();
  return id;
}
