/**
 * The kept queue of a connection that ipnhub switched off on its own (outbox/auto-disable.ts):
 * its pending deliveries stay `pending` with their attempt counts, but their next attempt is
 * moved to {@link PARKED_UNTIL}, so no worker claims them and the claim query needs no look at
 * the connection. Switching the connection on again (connections-service.ts) makes them due at
 * once; the claim then sends them in event order per order, as always (claim-deliveries.ts).
 */
import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

/** The next attempt time of a parked delivery: later than any real one. */
export const PARKED_UNTIL = '9999-12-31T00:00:00.000Z';

/** Parks the connection's pending deliveries; returns how many. */
export async function parkDeliveries(
  trx: Kysely<Database>,
  connectionId: string,
  now: string,
): Promise<number> {
  const result = await trx
    .updateTable('deliveries')
    .set({ next_attempt_at: PARKED_UNTIL, updated_at: now })
    .where('connection_id', '=', connectionId)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** Makes the connection's parked deliveries due now; returns how many. */
export async function resumeParkedDeliveries(
  db: Kysely<Database>,
  connectionId: string,
  now: string,
): Promise<number> {
  const result = await db
    .updateTable('deliveries')
    .set({ next_attempt_at: now, updated_at: now })
    .where('connection_id', '=', connectionId)
    .where('status', '=', 'pending')
    .where('next_attempt_at', '=', PARKED_UNTIL)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/**
 * Forgets the connection's failing streak (`connection_health`, outbox/connection-health.ts):
 * a connection switched on again gets the full time before it can be switched off again.
 */
export async function clearFailingStreak(
  db: Kysely<Database>,
  connectionId: string,
): Promise<void> {
  await db.deleteFrom('connection_health').where('connection_id', '=', connectionId).execute();
}
