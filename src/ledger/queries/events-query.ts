/**
 * Read queries over canonical events, shared by the admin API and the CLI. Newest first by
 * id (receive order), cursor-paged.
 */
import type { Kysely } from 'kysely';
import type { CanonicalEvent, EventType } from '../../core/events.js';
import type { Database } from '../../db/schema.js';
import { normalizeEmail } from './normalize-email.js';
import { decodeCursor, pageLimit, toPage } from '../../db/page.js';
import { PAYMENT_TYPE, notPayment } from '../../db/write-indexes.js';
import type { Page, PageRequest } from '../../db/page.js';

export interface EventFilters extends PageRequest {
  type?: EventType | undefined;
  sourceId?: string | undefined;
  /** The provider's order id. */
  orderId?: string | undefined;
  /** The buyer's e-mail; compared trimmed and lower-cased. */
  email?: string | undefined;
  /** ISO 8601 UTC; events that occurred at or after this instant. */
  from?: string | undefined;
  /** ISO 8601 UTC; events that occurred before this instant. */
  to?: string | undefined;
}

export interface EventListItem {
  id: string;
  type: string;
  sourceId: string;
  /** The provider's order id, when the event belongs to an order. */
  orderId: string | null;
  email: string | null;
  test: boolean;
  occurredAt: string;
  receivedAt: string;
}

/** Events newest first; a cursor that is not an event cursor → `IpnhubError('INVALID_CURSOR')`. */
export async function listEvents(
  db: Kysely<Database>,
  filters: EventFilters = {},
): Promise<Page<EventListItem>> {
  const limit = pageLimit(filters.limit);
  let query = db
    .selectFrom('events')
    .select([
      'id',
      'type',
      'source_id',
      'order_ref',
      'customer_email',
      'test',
      'occurred_at',
      'received_at',
    ])
    .orderBy('id', 'desc')
    .limit(limit + 1);
  if (filters.cursor !== undefined)
    query = query.where('id', '<', decodeCursor(filters.cursor, 'event'));
  if (filters.type !== undefined) {
    query = query.where('type', '=', filters.type);
    // Other types are read from their partial index; payments walk the newest rows.
    if (filters.type !== PAYMENT_TYPE) query = query.where(notPayment);
  }
  if (filters.sourceId !== undefined) query = query.where('source_id', '=', filters.sourceId);
  if (filters.orderId !== undefined) query = query.where('order_ref', '=', filters.orderId);
  if (filters.email !== undefined)
    query = query.where('customer_email', '=', normalizeEmail(filters.email));
  if (filters.from !== undefined) query = query.where('occurred_at', '>=', filters.from);
  if (filters.to !== undefined) query = query.where('occurred_at', '<', filters.to);
  const rows = await query.execute();
  return toPage(rows, limit, (row) => ({
    id: row.id,
    type: row.type,
    sourceId: row.source_id,
    orderId: row.order_ref,
    email: row.customer_email,
    test: Number(row.test) === 1,
    occurredAt: row.occurred_at,
    receivedAt: row.received_at,
  }));
}

/** The stored payload column as the event it was written from. */
export function parsePayload(payload: string): CanonicalEvent {
  const parsed: unknown = JSON.parse(payload);
  // The payload column is written only by the ingest pipeline, from a CanonicalEvent.
  return parsed as CanonicalEvent;
}

/** The canonical event as stored, or null when there is none with this id (the admin UI's mapping preview renders it). */
export async function loadEvent(db: Kysely<Database>, id: string): Promise<CanonicalEvent | null> {
  const row = await db
    .selectFrom('events')
    .select(['id', 'payload'])
    .where('id', '=', id)
    .executeTakeFirst();
  return row ? { ...parsePayload(row.payload), id: row.id } : null;
}
