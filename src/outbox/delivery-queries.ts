/**
 * Read queries over the delivery log, shared by the admin API and the CLI. Newest first,
 * cursor-paged (see db/page.ts).
 */
import type { Kysely } from 'kysely';
import type { Database, DeliveryOrigin, DeliveryStatus } from '../db/schema.js';
import { decodeCursor, pageLimit, toPage } from '../db/page.js';
import { envelopeText } from '../connectors/webhook/envelope.js';
import { explainWait } from './delivery-wait.js';
import type { RecordedRequests, SentRequest } from './request-recorder.js';
import type { DeliveryWait } from './delivery-wait.js';
import type { Page, PageRequest } from '../db/page.js';

export interface DeliveryFilters extends PageRequest {
  status?: DeliveryStatus | undefined;
  connectionId?: string | undefined;
  eventId?: string | undefined;
  origin?: DeliveryOrigin | undefined;
}

export interface DeliveryListItem {
  id: string;
  eventId: string;
  /** Null when the event row is gone (never expected; the log survives it). */
  eventType: string | null;
  connectionId: string;
  /** Null when the connection has been removed since. */
  connectionName: string | null;
  status: DeliveryStatus;
  /** Attempts made so far. */
  attemptCount: number;
  nextAttemptAt: string;
  /** What queued the next attempt: `scheduled` or `manual`. */
  trigger: string;
  /** `live` (fan-out when the event arrived) or `backfill` (a past event sent later). */
  origin: DeliveryOrigin;
  lastError: string | null;
  leaseOwner: string | null;
  leaseExpiresAt: string | null;
  createdAt: string;
  updatedAt: string;
  completedAt: string | null;
}

export interface AttemptView {
  id: string;
  attemptNo: number;
  trigger: string;
  startedAt: string;
  durationMs: number;
  outcome: string;
  statusCode: number | null;
  /** The target's response, truncated. */
  response: string | null;
  error: string | null;
  /** The HTTP requests the attempt sent, credentials redacted (see request-recorder.ts); null when it sent none or was made before they were recorded. */
  requests: SentRequest[] | null;
  /** Requests the attempt made beyond those kept. */
  omittedRequests: number;
}

export interface DeliveryDetail extends DeliveryListItem {
  /**
   * Whether the connection is switched on now: false when it is switched off (a scheduled
   * attempt then marks the delivery skipped), null when it has been removed since.
   */
  connectionActive: boolean | null;
  /** Why it has not gone out yet (see delivery-wait.ts); null once it is finished. */
  waiting: DeliveryWait | null;
  /** Oldest first. */
  attempts: AttemptView[];
}

function baseQuery(db: Kysely<Database>) {
  return db
    .selectFrom('deliveries')
    .leftJoin('events', 'events.id', 'deliveries.event_id')
    .leftJoin('connections', 'connections.id', 'deliveries.connection_id')
    .select([
      'deliveries.id as id',
      'deliveries.event_id as event_id',
      'events.type as event_type',
      'deliveries.connection_id as connection_id',
      'connections.name as connection_name',
      'deliveries.status as status',
      'deliveries.attempts as attempts',
      'deliveries.next_attempt_at as next_attempt_at',
      'deliveries.trigger as trigger',
      'deliveries.origin as origin',
      'deliveries.last_error as last_error',
      'deliveries.lease_owner as lease_owner',
      'deliveries.lease_expires_at as lease_expires_at',
      'deliveries.created_at as created_at',
      'deliveries.updated_at as updated_at',
      'deliveries.completed_at as completed_at',
      'deliveries.order_key as order_key',
      'connections.active as connection_active',
    ]);
}

type DeliveryRow = Awaited<ReturnType<ReturnType<typeof baseQuery>['executeTakeFirstOrThrow']>>;

function toListItem(row: DeliveryRow): DeliveryListItem {
  return {
    id: row.id,
    eventId: row.event_id,
    eventType: row.event_type,
    connectionId: row.connection_id,
    connectionName: row.connection_name,
    status: row.status,
    attemptCount: Number(row.attempts),
    nextAttemptAt: row.next_attempt_at,
    trigger: row.trigger,
    origin: row.origin,
    lastError: row.last_error,
    leaseOwner: row.lease_owner,
    leaseExpiresAt: row.lease_expires_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    completedAt: row.completed_at,
  };
}

/** Deliveries newest first; a cursor that is not a delivery cursor → `IpnhubError('INVALID_CURSOR')`. */
export async function listDeliveries(
  db: Kysely<Database>,
  filters: DeliveryFilters = {},
): Promise<Page<DeliveryListItem>> {
  const limit = pageLimit(filters.limit);
  let query = baseQuery(db)
    .orderBy('deliveries.id', 'desc')
    .limit(limit + 1);
  if (filters.cursor !== undefined)
    query = query.where('deliveries.id', '<', decodeCursor(filters.cursor, 'delivery'));
  if (filters.status !== undefined) query = query.where('deliveries.status', '=', filters.status);
  if (filters.connectionId !== undefined)
    query = query.where('deliveries.connection_id', '=', filters.connectionId);
  if (filters.eventId !== undefined)
    query = query.where('deliveries.event_id', '=', filters.eventId);
  if (filters.origin !== undefined) query = query.where('deliveries.origin', '=', filters.origin);
  return toPage(await query.execute(), limit, toListItem);
}

/** Every delivery of one event (one per matching connection), oldest first. */
export async function deliveriesForEvent(
  db: Kysely<Database>,
  eventId: string,
): Promise<DeliveryListItem[]> {
  const rows = await baseQuery(db)
    .where('deliveries.event_id', '=', eventId)
    .orderBy('deliveries.id', 'asc')
    .execute();
  return rows.map(toListItem);
}

/** The event's JSON (`events.payload`) when the delivery has one; read on first need. */
type EventJson = () => Promise<string | null>;

/**
 * A recorded request as the log shows it: a body recorded as a reference
 * (request-recorder.ts) rebuilt from the stored event, text as sent; null when the event is gone.
 */
async function shownRequest(request: SentRequest, eventJson: EventJson): Promise<SentRequest> {
  const { bodyRef, ...shown } = request;
  if (bodyRef !== 'event-envelope') return shown;
  const json = await eventJson();
  if (json === null) return shown;
  const event = JSON.parse(json) as { type: string; occurredAt: string };
  return { ...shown, body: envelopeText(event.type, event.occurredAt, json) };
}

async function sentRequests(
  json: string | null,
  eventJson: EventJson,
): Promise<{ requests: SentRequest[] | null; omittedRequests: number }> {
  if (json === null) return { requests: null, omittedRequests: 0 };
  // Written only by the worker, from a RecordedRequests.
  const recorded = JSON.parse(json) as RecordedRequests;
  const requests: SentRequest[] = [];
  for (const request of recorded.requests) requests.push(await shownRequest(request, eventJson));
  return { requests, omittedRequests: recorded.omitted };
}

/** One delivery with its attempts and, unless it is finished, why it waits at `now`; null when there is none with this id. */
export async function getDelivery(
  db: Kysely<Database>,
  id: string,
  now: Date,
): Promise<DeliveryDetail | null> {
  const row = await baseQuery(db).where('deliveries.id', '=', id).executeTakeFirst();
  if (!row) return null;
  const item = toListItem(row);
  const connectionActive =
    row.connection_active === null ? null : Number(row.connection_active) === 1;
  const waiting = await explainWait(
    db,
    { ...item, orderKey: row.order_key, connectionActive },
    now,
  );
  const attempts = await db
    .selectFrom('attempts')
    .selectAll()
    .where('delivery_id', '=', id)
    .orderBy('attempt_no', 'asc')
    .orderBy('id', 'asc')
    .execute();
  let payload: Promise<string | null> | undefined;
  const eventJson: EventJson = () => {
    payload ??= db
      .selectFrom('events')
      .select('payload')
      .where('id', '=', row.event_id)
      .executeTakeFirst()
      .then((event) => event?.payload ?? null);
    return payload;
  };
  const shown = [];
  for (const a of attempts) shown.push({ a, sent: await sentRequests(a.requests, eventJson) });
  return {
    ...item,
    connectionActive,
    waiting,
    attempts: shown.map(({ a, sent }) => ({
      id: a.id,
      attemptNo: Number(a.attempt_no),
      trigger: a.trigger,
      startedAt: a.started_at,
      durationMs: Number(a.duration_ms),
      outcome: a.outcome,
      statusCode: a.status_code === null ? null : Number(a.status_code),
      response: a.response,
      error: a.error,
      ...sent,
    })),
  };
}
