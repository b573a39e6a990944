/**
 * Claims due deliveries for one worker: the read half of the outbox. A delivery is due when
 * it is `pending` with `next_attempt_at <= now`, or `delivering` with an expired lease (its
 * worker crashed). It is held back while an earlier delivery (smaller event id) of the same
 * connection and order key is still pending or delivering, so a refund never overtakes its
 * payment at the target.
 *
 * PostgreSQL: `FOR UPDATE SKIP LOCKED` lets any number of workers claim side by side without
 * blocking or double-claiming. SQLite: the claim runs in a `BEGIN IMMEDIATE` transaction, which
 * serialises claimers across processes on the same file.
 */
import { sql } from 'kysely';
import type { Kysely, Selectable } from 'kysely';
import type { DbAdapter } from './dialect-adapter.js';
import type { Database, DeliveriesTable } from './schema.js';

export type DeliveryRow = Selectable<DeliveriesTable>;

export interface ClaimOptions {
  now: string;
  owner: string;
  leaseUntil: string;
  limit: number;
}

function dueIds(db: Kysely<Database>, now: string, limit: number) {
  return db
    .selectFrom('deliveries as d')
    .select('d.id')
    .where((eb) =>
      eb.or([
        eb.and([eb('d.status', '=', 'pending'), eb('d.next_attempt_at', '<=', now)]),
        eb.and([eb('d.status', '=', 'delivering'), eb('d.lease_expires_at', '<', now)]),
      ]),
    )
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('deliveries as e')
            .select(sql<number>`1`.as('one'))
            .whereRef('e.connection_id', '=', 'd.connection_id')
            .whereRef('e.order_key', '=', 'd.order_key')
            .whereRef('e.event_id', '<', 'd.event_id')
            .where('e.status', 'in', ['pending', 'delivering']),
        ),
      ),
    )
    .orderBy('d.next_attempt_at')
    .orderBy('d.event_id')
    .limit(limit);
}

export async function claimDueDeliveries(db: Kysely<Database>, adapter: DbAdapter, options: ClaimOptions): Promise<DeliveryRow[]> {
  if (options.limit <= 0) return [];
  return adapter.writeTransaction(db, async (trx) => {
    const candidates = adapter.supportsSkipLocked ? dueIds(trx, options.now, options.limit).forUpdate().skipLocked() : dueIds(trx, options.now, options.limit);
    const ids = (await candidates.execute()).map((row) => row.id);
    if (ids.length === 0) return [];
    return trx
      .updateTable('deliveries')
      .set({ status: 'delivering', lease_owner: options.owner, lease_expires_at: options.leaseUntil, updated_at: options.now })
      .where('id', 'in', ids)
      .returningAll()
      .execute();
  });
}

/** The earliest time a pending delivery becomes due, for the worker's sleep. */
export async function nextDueAt(db: Kysely<Database>): Promise<string | null> {
  const row = await db
    .selectFrom('deliveries')
    .select((eb) => eb.fn.min('next_attempt_at').as('next'))
    .where('status', '=', 'pending')
    .executeTakeFirst();
  return row?.next ?? null;
}
