/**
 * What a connection's card shows besides its settings: its latest delivery (how it went) and
 * what needs attention now — deliveries that gave up (`dead`), failed for good (`failed`) or
 * wait for a retry after a failed attempt. Counts are of the deliveries' status now, so a
 * redelivery that succeeds takes them off again.
 *
 * The latest delivery is one lookup in the index of migration `0009_deliveries_by_connection`;
 * the counts are delivery-trouble.ts's (docs/benchmarks.md, "Admin reads").
 */
import type { Kysely } from 'kysely';
import type { Database, DeliveryStatus } from '../db/schema.js';
import { deliveryTrouble } from './delivery-trouble.js';

export interface LastDelivery {
  id: string;
  /** Null when the event row is gone (never expected). */
  eventType: string | null;
  status: DeliveryStatus;
  /** When it last changed: created, attempted, finished. */
  updatedAt: string;
  lastError: string | null;
}

export interface ConnectionStats {
  /** The newest delivery of the connection; null before its first. */
  lastDelivery: LastDelivery | null;
  /** Deliveries whose status is `dead` now (retries exhausted). */
  dead: number;
  /** Deliveries whose status is `failed` now (a permanent error). */
  failed: number;
  /** Pending deliveries that have failed at least once and wait for their next attempt. */
  retrying: number;
}

export const NO_DELIVERIES: ConnectionStats = {
  lastDelivery: null,
  dead: 0,
  failed: 0,
  retrying: 0,
};

async function lastDeliveryOf(
  db: Kysely<Database>,
  connectionId: string,
): Promise<LastDelivery | null> {
  const row = await db
    .selectFrom('deliveries')
    .leftJoin('events', 'events.id', 'deliveries.event_id')
    .select([
      'deliveries.id as id',
      'events.type as event_type',
      'deliveries.status as status',
      'deliveries.updated_at as updated_at',
      'deliveries.last_error as last_error',
    ])
    .where('deliveries.connection_id', '=', connectionId)
    .orderBy('deliveries.id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row
    ? {
        id: row.id,
        eventType: row.event_type,
        status: row.status,
        updatedAt: row.updated_at,
        lastError: row.last_error,
      }
    : null;
}

/** The stats of the given connections, in a map by id (every id present). */
export async function connectionStats(
  db: Kysely<Database>,
  connectionIds: readonly string[],
): Promise<Map<string, ConnectionStats>> {
  const stats = new Map<string, ConnectionStats>(
    connectionIds.map((id) => [id, { ...NO_DELIVERIES }]),
  );
  if (connectionIds.length === 0) return stats;
  // Counted for every connection and picked from in memory: a condition on the connection
  // would let the planner walk that connection's deliveries (all of them) instead of the few
  // with these statuses.
  const [trouble, last] = await Promise.all([
    deliveryTrouble(db),
    Promise.all(connectionIds.map(async (id) => [id, await lastDeliveryOf(db, id)] as const)),
  ]);
  for (const [id, entry] of stats) Object.assign(entry, trouble.get(id));
  for (const [id, delivery] of last) {
    const entry = stats.get(id);
    if (entry) entry.lastDelivery = delivery;
  }
  return stats;
}
