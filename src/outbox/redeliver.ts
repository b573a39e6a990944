/**
 * Manual redelivery: puts a delivery back in the queue for one more attempt, recorded with
 * trigger `manual`. Works on any delivery that is not being attempted right now, including
 * delivered ones (a target that lost its data). A manual attempt that fails is not retried on
 * the schedule; it ends `dead` (or `failed`) again and can be redelivered again. A connection's
 * dead, failed or skipped deliveries (of a time range and event types) can be queued again all
 * at once.
 */
import type { Kysely } from 'kysely';
import { IpnhubError } from '../core/errors.js';
import type { EventType } from '../core/events.js';
import type { DbAdapter } from '../db/dialect-adapter.js';
import type { Database } from '../db/schema.js';
import type { Clock } from '../lib/clock.js';
import { DELIVERIES_CHANNEL } from './delivery-job.js';
import { checkRange, requireActiveConnection } from './bulk-checks.js';

/** The columns that queue a delivery for one more attempt now, by hand. */
function queuedForManualAttempt(now: string) {
  return {
    status: 'pending',
    trigger: 'manual',
    next_attempt_at: now,
    lease_owner: null,
    lease_expires_at: null,
    completed_at: null,
    updated_at: now,
  } as const;
}

export async function redeliver(
  deps: { db: Kysely<Database>; adapter: DbAdapter; clock: Clock },
  deliveryId: string,
): Promise<void> {
  const now = deps.clock.now().toISOString();
  await deps.adapter.writeTransaction(deps.db, async (trx) => {
    const row = await trx
      .selectFrom('deliveries')
      .select(['id', 'status', 'lease_expires_at'])
      .where('id', '=', deliveryId)
      .executeTakeFirst();
    if (!row) throw new IpnhubError('NOT_FOUND', `No delivery ${deliveryId}.`);
    if (
      row.status === 'delivering' &&
      row.lease_expires_at !== null &&
      row.lease_expires_at >= now
    ) {
      throw new IpnhubError(
        'DELIVERY_IN_PROGRESS',
        `Delivery ${deliveryId} is being attempted right now.`,
      );
    }
    await trx
      .updateTable('deliveries')
      .set(queuedForManualAttempt(now))
      .where('id', '=', deliveryId)
      .execute();
  });
  await deps.adapter.notify(deps.db, DELIVERIES_CHANNEL);
}

/** The finished statuses a connection's deliveries can be redelivered from in bulk. */
export const BULK_REDELIVER_STATUSES = ['dead', 'failed', 'skipped'] as const;
export type BulkRedeliverStatus = (typeof BULK_REDELIVER_STATUSES)[number];

/** Which of a connection's finished deliveries a bulk redelivery takes. */
export interface BulkRedeliverFilter {
  /** At least one to match anything; the API and CLI default to dead and failed. */
  statuses: readonly BulkRedeliverStatus[];
  /** Deliveries created at or after this instant (ISO 8601 UTC). */
  from?: string | undefined;
  /** Deliveries created before this instant. */
  to?: string | undefined;
  /** Only deliveries of events of these types; empty or absent = every type. */
  eventTypes?: readonly EventType[] | undefined;
}

export interface BulkRedeliverResult {
  dryRun: boolean;
  /** Deliveries that matched the filter (for a dry run: that would be queued). */
  matched: number;
  /** Deliveries queued again by this call (0 for a dry run). */
  redelivered: number;
}

/** Deliveries queued per write transaction, so a large redelivery never holds the write lock long. */
export const BULK_REDELIVER_BATCH = 500;

function matchingDeliveries(
  db: Kysely<Database>,
  connectionId: string,
  filter: BulkRedeliverFilter,
) {
  const types = filter.eventTypes ?? [];
  return db
    .selectFrom('deliveries')
    .where('deliveries.connection_id', '=', connectionId)
    .where('deliveries.status', 'in', [...filter.statuses])
    .$if(filter.from !== undefined, (q) =>
      q.where('deliveries.created_at', '>=', filter.from ?? ''),
    )
    .$if(filter.to !== undefined, (q) => q.where('deliveries.created_at', '<', filter.to ?? ''))
    .$if(types.length > 0, (q) =>
      q.where(({ exists, selectFrom }) =>
        exists(
          selectFrom('events')
            .select('events.id')
            .whereRef('events.id', '=', 'deliveries.event_id')
            .where('events.type', 'in', [...types]),
        ),
      ),
    );
}

/**
 * Redelivery of every finished delivery of one connection that matches `filter` (after the
 * connection was fixed): each is queued for one more attempt exactly as {@link redeliver} queues
 * one, in batches of {@link BULK_REDELIVER_BATCH} per write transaction, and goes out in event
 * order per order as always. The update of each batch repeats the status condition, so a
 * repeated or concurrent call queues nothing twice: a delivery already queued (or being
 * attempted) is no longer dead or failed. `dryRun` only counts. A connection that does not
 * exist → `NOT_FOUND`; one that is switched off → `CONNECTION_INACTIVE` (switch it on first;
 * a redelivery to a connection that is off would go out all the same); a range that ends
 * before it begins → `INVALID_RANGE`.
 */
export async function redeliverConnection(
  deps: { db: Kysely<Database>; adapter: DbAdapter; clock: Clock },
  connectionId: string,
  filter: BulkRedeliverFilter,
  options: { dryRun?: boolean | undefined } = {},
): Promise<BulkRedeliverResult> {
  checkRange(filter.from, filter.to);
  await requireActiveConnection(deps.db, connectionId);
  const dryRun = options.dryRun === true;
  if (filter.statuses.length === 0) return { dryRun, matched: 0, redelivered: 0 };
  if (dryRun) {
    const row = await matchingDeliveries(deps.db, connectionId, filter)
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .executeTakeFirst();
    return { dryRun, matched: Number(row?.n ?? 0), redelivered: 0 };
  }
  let matched = 0;
  let redelivered = 0;
  let after = '';
  for (;;) {
    const batch = await deps.adapter.writeTransaction(deps.db, async (trx) => {
      const ids = (
        await matchingDeliveries(trx, connectionId, filter)
          .select('deliveries.id')
          .where('deliveries.id', '>', after)
          .orderBy('deliveries.id')
          .limit(BULK_REDELIVER_BATCH)
          .execute()
      ).map((row) => row.id);
      if (ids.length === 0) return { ids, queued: 0 };
      const now = deps.clock.now().toISOString();
      const result = await trx
        .updateTable('deliveries')
        .set(queuedForManualAttempt(now))
        .where('id', 'in', ids)
        .where('status', 'in', [...filter.statuses])
        .executeTakeFirst();
      return { ids, queued: Number(result.numUpdatedRows) };
    });
    matched += batch.ids.length;
    redelivered += batch.queued;
    if (batch.queued > 0) await deps.adapter.notify(deps.db, DELIVERIES_CHANNEL);
    const last = batch.ids.at(-1);
    if (last === undefined || batch.ids.length < BULK_REDELIVER_BATCH) break;
    after = last;
  }
  return { dryRun, matched, redelivered };
}
