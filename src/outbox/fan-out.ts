/**
 * Fan-out, the write half of the transactional outbox: one delivery row per event and
 * matching connection, inserted in the same transaction as the event, so an acknowledged
 * notification always has its deliveries and a rolled-back one has none.
 */
import type { Insertable, Kysely } from 'kysely';
import type { CanonicalEvent } from '../core/events.js';
import { newId } from '../core/ids.js';
import type { ConnectionFilterTarget } from '../routing/active-filters.js';
import { matchesFilters } from '../routing/filters.js';
import { runTemplate } from '../db/query-template.js';
import type { QueryTemplate } from '../db/query-template.js';
import type { Database, DeliveriesTable, DeliveryOrigin } from '../db/schema.js';

/**
 * Deliveries of one order to one connection go out in event order; the order key groups
 * them. Events without an order id (affiliations) are independent of each other.
 */
export function orderKey(event: CanonicalEvent): string {
  const orderId = event.order?.id ?? null;
  return orderId === null ? event.id : `${event.source.id}:${orderId}`;
}

/** A new pending delivery of `event` to a connection, first due at `dueAt`; live unless said otherwise. */
export function newDeliveryRow(
  event: CanonicalEvent,
  connectionId: string,
  now: string,
  dueAt: string,
  origin: DeliveryOrigin = 'live',
): Insertable<DeliveriesTable> {
  return {
    id: newId('delivery'),
    event_id: event.id,
    connection_id: connectionId,
    order_key: orderKey(event),
    status: 'pending',
    attempts: 0,
    next_attempt_at: dueAt,
    lease_owner: null,
    lease_expires_at: null,
    trigger: 'scheduled',
    last_error: null,
    created_at: now,
    updated_at: now,
    completed_at: null,
    // Live rows leave the column to its default, so the hot insert is the one it always was.
    ...(origin === 'live' ? {} : { origin }),
  };
}

const INSERT_DELIVERY: QueryTemplate<Insertable<DeliveriesTable>, never> = {
  key: 'outbox:insert-delivery',
  build: (db, values) => db.insertInto('deliveries').values(values),
};

/** The delivery rows of `event`: one per active connection whose filters it matches. */
export function deliveryRows(
  event: CanonicalEvent,
  connections: readonly ConnectionFilterTarget[],
  now: string,
): Array<Insertable<DeliveriesTable>> {
  return connections
    .filter((connection) => matchesFilters(event, connection.filters))
    .map((connection) => newDeliveryRow(event, connection.id, now, now));
}

export async function fanOut(
  trx: Kysely<Database>,
  event: CanonicalEvent,
  connections: readonly ConnectionFilterTarget[],
  now: string,
): Promise<number> {
  const rows = deliveryRows(event, connections, now);
  for (const row of rows) await runTemplate(trx, INSERT_DELIVERY, row);
  return rows.length;
}
