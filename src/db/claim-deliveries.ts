/**
 * Claims due deliveries for one worker: the read half of the outbox. A delivery is due when
 * it is `pending` with `next_attempt_at <= now`, or `delivering` with an expired lease (its
 * worker crashed). It is held back while an earlier delivery (smaller event id) of the same
 * connection and order key is still pending or delivering, so a refund never overtakes its
 * payment at the target ({@link earlierUnfinishedDeliveries}).
 *
 * PostgreSQL: `FOR UPDATE SKIP LOCKED` lets any number of workers claim side by side without
 * blocking or double-claiming. SQLite: the claim runs in a `BEGIN IMMEDIATE` transaction, which
 * serialises claimers across processes on the same file.
 */
import { sql } from 'kysely';
import type { Expression, ExpressionBuilder, Kysely, Selectable } from 'kysely';
import type { DbAdapter } from './dialect-adapter.js';
import { paddedInList } from './statement-shapes.js';
import type { Database, DeliveriesTable, DeliveryOrigin, DeliveryStatus } from './schema.js';

export type DeliveryRow = Selectable<DeliveriesTable>;

export interface ClaimOptions {
  now: string;
  owner: string;
  leaseUntil: string;
  limit: number;
}

/**
 * The order in which due pending deliveries are claimed: live ones first, backfill ones only
 * into the slots that are left, so a large backfill never delays live traffic.
 */
export const CLAIM_ORDER = ['live', 'backfill'] as const satisfies readonly DeliveryOrigin[];

type DeliveryScope = ExpressionBuilder<Database & { d: DeliveriesTable }, 'd'>;

/** Statuses of an earlier delivery that hold later ones of the same connection and order back. */
export const HOLDING_STATUSES = [
  'pending',
  'delivering',
] as const satisfies readonly DeliveryStatus[];

/** Where a delivery stands in its queue: its connection, order key and event id, as values or as column references. */
export interface QueuePosition {
  connectionId: Expression<string>;
  orderKey: Expression<string>;
  eventId: Expression<string>;
}

/**
 * The FIFO rule, in one place for the claim and for `explainWait`: the deliveries (alias `e`)
 * that hold back the one at `position` — same connection and order key, an earlier event,
 * still pending or delivering. Answered from the (connection_id, order_key, event_id) index.
 */
export function earlierUnfinishedDeliveries(db: Kysely<Database>, position: QueuePosition) {
  return db
    .selectFrom('deliveries as e')
    .where('e.connection_id', '=', position.connectionId)
    .where('e.order_key', '=', position.orderKey)
    .where('e.event_id', '<', position.eventId)
    .where('e.status', 'in', HOLDING_STATUSES);
}

function noEarlierUnfinished(db: Kysely<Database>) {
  const candidate: QueuePosition = {
    connectionId: sql.ref<string>('d.connection_id'),
    orderKey: sql.ref<string>('d.order_key'),
    eventId: sql.ref<string>('d.event_id'),
  };
  return ({ not, exists }: DeliveryScope) =>
    not(exists(earlierUnfinishedDeliveries(db, candidate).select(sql<number>`1`.as('one'))));
}

// The two kinds of due rows are read by separate queries, each walking its own index in the
// order it wants, so LIMIT ends the scan. One query with an OR between them made both
// dialects collect and sort every due row first, a cost that grew with the backlog.
function expiredLeaseIds(db: Kysely<Database>, now: string, limit: number, lock: boolean) {
  return db
    .selectFrom('deliveries as d')
    .select('d.id')
    .where('d.status', '=', 'delivering')
    .where('d.lease_expires_at', '<', now)
    .where(noEarlierUnfinished(db))
    .orderBy('d.lease_expires_at')
    .limit(limit)
    .$if(lock, (q) => q.forUpdate().skipLocked());
}

function pendingDueIds(
  db: Kysely<Database>,
  origin: DeliveryOrigin,
  now: string,
  limit: number,
  lock: boolean,
) {
  return db
    .selectFrom('deliveries as d')
    .select('d.id')
    .where('d.status', '=', 'pending')
    .where('d.origin', '=', origin)
    .where('d.next_attempt_at', '<=', now)
    .where(noEarlierUnfinished(db))
    .orderBy('d.next_attempt_at')
    .orderBy('d.event_id')
    .limit(limit)
    .$if(lock, (q) => q.forUpdate().skipLocked());
}

/**
 * Leases up to `limit` due deliveries to `owner` until `leaseUntil` and returns them as they
 * are now (`delivering`): deliveries whose lease expired first (they have waited longest),
 * then pending live ones, then pending backfill ones, each by `next_attempt_at`, then event id. Never returns two deliveries of the
 * same connection and order key, and never one a concurrent claimer got.
 */
export async function claimDueDeliveries(
  db: Kysely<Database>,
  adapter: DbAdapter,
  options: ClaimOptions,
): Promise<DeliveryRow[]> {
  if (options.limit <= 0) return [];
  const lock = adapter.supportsSkipLocked;
  // The lease need not wait for the disk: lost in a power failure, it only makes the deliveries
  // due again (as when their worker dies), and the durable commit of any outcome recorded
  // after it makes it durable too (db/dialect-adapter.ts).
  return adapter.writeTransaction(
    db,
    async (trx) => {
      const ids = (await expiredLeaseIds(trx, options.now, options.limit, lock).execute()).map(
        (row) => row.id,
      );
      // Rows taken over above stay `delivering`, so the FIFO rule sees the same unfinished set here.
      // Live traffic first: due backfill deliveries fill only the slots live ones leave free.
      for (const origin of CLAIM_ORDER) {
        if (ids.length >= options.limit) break;
        const pending = await pendingDueIds(
          trx,
          origin,
          options.now,
          options.limit - ids.length,
          lock,
        ).execute();
        for (const row of pending) ids.push(row.id);
      }
      if (ids.length === 0) return [];
      const rows = await trx
        .updateTable('deliveries')
        .set({
          status: 'delivering',
          lease_owner: options.owner,
          lease_expires_at: options.leaseUntil,
          updated_at: options.now,
        })
        .where('id', 'in', paddedInList(ids))
        .returningAll()
        .execute();
      const rank = new Map(ids.map((id, i) => [id, i]));
      return rows.sort((a, b) => (rank.get(a.id) ?? 0) - (rank.get(b.id) ?? 0));
    },
    { durable: false },
  );
}

/**
 * Gives claimed deliveries back that this worker will not attempt after all (it stops, or it
 * could not start them while their lease would still cover an attempt): `pending` again, due as
 * they were, with no attempt counted. Only rows still leased to `owner` change; answers their ids.
 */
export async function releaseDeliveries(
  db: Kysely<Database>,
  options: { ids: readonly string[]; owner: string; now: string },
): Promise<Set<string>> {
  if (options.ids.length === 0) return new Set();
  const rows = await db
    .updateTable('deliveries')
    .set({ status: 'pending', lease_owner: null, lease_expires_at: null, updated_at: options.now })
    .where('id', 'in', paddedInList(options.ids))
    .where('lease_owner', '=', options.owner)
    .where('status', '=', 'delivering')
    .returning('id')
    .execute();
  return new Set(rows.map((row) => row.id));
}

/**
 * The earliest time a pending delivery becomes due, for the worker's sleep; with `after`, the
 * earliest one later than that (what is due already but held back by the FIFO rule becomes
 * claimable when the delivery ahead of it finishes, not at its own time).
 */
export async function nextDueAt(db: Kysely<Database>, after?: string): Promise<string | null> {
  // One read per origin: each is the first entry of its part of the pending index.
  let next: string | null = null;
  for (const origin of CLAIM_ORDER) {
    const row = await db
      .selectFrom('deliveries')
      .select((eb) => eb.fn.min('next_attempt_at').as('next'))
      .where('status', '=', 'pending')
      .where('origin', '=', origin)
      .$if(after !== undefined, (q) => q.where('next_attempt_at', '>', after ?? ''))
      .executeTakeFirst();
    const candidate = row?.next ?? null;
    if (candidate !== null && (next === null || candidate < next)) next = candidate;
  }
  return next;
}
