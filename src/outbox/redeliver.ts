/**
 * Manual redelivery: puts a delivery back in the queue for one more attempt, recorded with
 * trigger `manual`. Works on any delivery that is not being attempted right now, including
 * delivered ones (a target that lost its data). A manual attempt that fails is not retried on
 * the schedule; it ends `dead` (or `failed`) again and can be redelivered again. A connection's
 * dead, failed or skipped deliveries can be queued again all at once.
 */
import type { Kysely } from 'kysely';
import { IpnhubError } from '../core/errors.js';
import type { DbAdapter } from '../db/dialect-adapter.js';
import type { Database } from '../db/schema.js';
import type { Clock } from '../lib/clock.js';
import { DELIVERIES_CHANNEL } from './delivery-job.js';

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
      .set({
        status: 'pending',
        trigger: 'manual',
        next_attempt_at: now,
        lease_owner: null,
        lease_expires_at: null,
        completed_at: null,
        updated_at: now,
      })
      .where('id', '=', deliveryId)
      .execute();
  });
  await deps.adapter.notify(deps.db, DELIVERIES_CHANNEL);
}

/** The finished statuses a connection's deliveries can be redelivered from in bulk. */
export const BULK_REDELIVER_STATUSES = ['dead', 'failed', 'skipped'] as const;
export type BulkRedeliverStatus = (typeof BULK_REDELIVER_STATUSES)[number];

/**
 * Redelivery of every delivery of one connection that ended with one of `statuses` (after the
 * connection was fixed): each is queued for one more attempt like {@link redeliver} does, in one
 * statement, and goes out in event order per order as always. Finished deliveries are never
 * being attempted, so none is refused as in progress. Returns how many were queued; a
 * connection that does not exist → `NOT_FOUND`.
 */
export async function redeliverConnection(
  deps: { db: Kysely<Database>; adapter: DbAdapter; clock: Clock },
  connectionId: string,
  statuses: readonly BulkRedeliverStatus[],
): Promise<number> {
  const now = deps.clock.now().toISOString();
  const queued = await deps.adapter.writeTransaction(deps.db, async (trx) => {
    const connection = await trx
      .selectFrom('connections')
      .select('id')
      .where('id', '=', connectionId)
      .executeTakeFirst();
    if (!connection) throw new IpnhubError('NOT_FOUND', `No connection ${connectionId}.`);
    if (statuses.length === 0) return 0;
    const result = await trx
      .updateTable('deliveries')
      .set({
        status: 'pending',
        trigger: 'manual',
        next_attempt_at: now,
        lease_owner: null,
        lease_expires_at: null,
        completed_at: null,
        updated_at: now,
      })
      .where('connection_id', '=', connectionId)
      .where('status', 'in', [...statuses])
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  });
  if (queued > 0) await deps.adapter.notify(deps.db, DELIVERIES_CHANNEL);
  return queued;
}
