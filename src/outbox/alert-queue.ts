/**
 * The durable half of the error e-mails: a delivery that needs reporting gets a row in
 * `alert_queue`, written in the same transaction as the outcome that caused it (see
 * outcome-writer.ts), so neither a crash after the outcome nor a restart inside a throttle
 * window loses it. `alerts.ts` mails the rows and removes exactly the ones it mailed.
 *
 * One row per delivery: a later problem of the same delivery (failing, then dead) replaces the
 * earlier one and gets a new row id, so a mail that reported the earlier problem does not
 * remove the later one.
 */
import type { Kysely } from 'kysely';
import { newId } from '../core/ids.js';
import type { Database } from '../db/schema.js';

/**
 * `dead`: the retry schedule is used up; `failed`: the target refused the delivery for good;
 * `failing`: the delivery has failed `failingAlertAfterAttempts` times in a row and is retried.
 */
export type AlertKind = 'dead' | 'failed' | 'failing';

export interface QueuedAlert {
  deliveryId: string;
  connectionId: string;
  kind: AlertKind;
  attemptNo: number;
  reason: string;
}

export async function queueAlerts(
  trx: Kysely<Database>,
  alerts: readonly QueuedAlert[],
  now: string,
): Promise<void> {
  if (alerts.length === 0) return;
  await trx
    .insertInto('alert_queue')
    .values(
      alerts.map((alert) => ({
        delivery_id: alert.deliveryId,
        id: newId('alert'),
        connection_id: alert.connectionId,
        kind: alert.kind,
        attempt_no: alert.attemptNo,
        reason: alert.reason,
        queued_at: now,
      })),
    )
    .onConflict((oc) =>
      oc.column('delivery_id').doUpdateSet((eb) => ({
        id: eb.ref('excluded.id'),
        connection_id: eb.ref('excluded.connection_id'),
        kind: eb.ref('excluded.kind'),
        attempt_no: eb.ref('excluded.attempt_no'),
        reason: eb.ref('excluded.reason'),
        queued_at: eb.ref('excluded.queued_at'),
      })),
    )
    .execute();
}
