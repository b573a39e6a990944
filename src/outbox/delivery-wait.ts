/**
 * Why an unfinished delivery has not gone out yet, for people: the admin API's delivery detail
 * and `ipnhub deliveries show` both carry this one answer. It follows the claim rule of
 * db/claim-deliveries.ts (the same FIFO query), so it names exactly what the worker waits for.
 */
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import { earlierUnfinishedDeliveries } from '../db/claim-deliveries.js';
import { PARKED_UNTIL } from '../db/parked-deliveries.js';
import type { Database, DeliveryStatus } from '../db/schema.js';

/** The earlier delivery of the same connection and order that must finish first. */
export interface BlockingDelivery {
  id: string;
  eventId: string;
  status: DeliveryStatus;
  nextAttemptAt: string;
  attemptCount: number;
}

export type DeliveryWait =
  /** Due, but an earlier delivery of the same order to this connection is unfinished: events of one order go out in order. */
  | { reason: 'held_back'; nextAttemptAt: string; heldBackBy: BlockingDelivery; message: string }
  /** Its next attempt is in the future (a retry after a failed attempt). */
  | { reason: 'scheduled'; nextAttemptAt: string; message: string }
  /** Due now; the next running worker attempts it. */
  | { reason: 'due'; nextAttemptAt: string; message: string }
  /** A worker is attempting it right now. */
  | { reason: 'attempting'; leaseExpiresAt: string | null; message: string }
  /** The worker that was attempting it stopped; the next running worker takes it over. */
  | { reason: 'lease_expired'; leaseExpiresAt: string; message: string };

/** The delivery columns the explanation needs. */
export interface WaitingDelivery {
  id: string;
  status: DeliveryStatus;
  connectionId: string;
  orderKey: string;
  eventId: string;
  nextAttemptAt: string;
  leaseExpiresAt: string | null;
  trigger: string;
  /** False when the connection is switched off (null when it was removed). */
  connectionActive: boolean | null;
}

const WORKER = 'a running worker (ipnhub serve or ipnhub worker)';

/** The earliest unfinished delivery ahead of `delivery` in its queue, or null when none holds it back. */
async function blockingDelivery(
  db: Kysely<Database>,
  delivery: WaitingDelivery,
): Promise<BlockingDelivery | null> {
  const row = await earlierUnfinishedDeliveries(db, {
    connectionId: sql.val(delivery.connectionId),
    orderKey: sql.val(delivery.orderKey),
    eventId: sql.val(delivery.eventId),
  })
    .select(['e.id', 'e.event_id', 'e.status', 'e.next_attempt_at', 'e.attempts'])
    .orderBy('e.event_id', 'asc')
    .limit(1)
    .executeTakeFirst();
  return row
    ? {
        id: row.id,
        eventId: row.event_id,
        status: row.status,
        nextAttemptAt: row.next_attempt_at,
        attemptCount: Number(row.attempts),
      }
    : null;
}

/** What happens once it is attempted, when the connection is off (a manual attempt goes out anyway). */
function inactiveNote(delivery: WaitingDelivery): string {
  if (delivery.trigger === 'manual') return '';
  if (delivery.connectionActive === false)
    return ' The connection is disabled: the attempt will mark it skipped (enable it first with ipnhub connection enable).';
  if (delivery.connectionActive === null)
    return ' The connection was removed: the attempt will mark it skipped.';
  return '';
}

/**
 * Why `delivery` waits at `now`, or null when it is finished (delivered, skipped, failed,
 * dead). Pending and delivering deliveries whose lease expired are claimable only when no
 * earlier one of their queue is unfinished, so that is checked first.
 */
export async function explainWait(
  db: Kysely<Database>,
  delivery: WaitingDelivery,
  now: Date,
): Promise<DeliveryWait | null> {
  const nowIso = now.toISOString();
  if (delivery.status === 'delivering') {
    const expiresAt = delivery.leaseExpiresAt;
    if (expiresAt === null || expiresAt >= nowIso) {
      return {
        reason: 'attempting',
        leaseExpiresAt: expiresAt,
        message: `A worker is attempting it now${expiresAt === null ? '' : ` (its lease runs until ${expiresAt})`}.`,
      };
    }
  } else if (delivery.status !== 'pending') {
    return null;
  }
  const note = inactiveNote(delivery);
  const blocker = await blockingDelivery(db, delivery);
  if (blocker !== null) {
    const when =
      blocker.status === 'pending'
        ? `, next attempt ${blocker.nextAttemptAt}`
        : ', being attempted';
    return {
      reason: 'held_back',
      nextAttemptAt: delivery.nextAttemptAt,
      heldBackBy: blocker,
      message: `Held back by delivery ${blocker.id} (event ${blocker.eventId}, ${blocker.status}${when}): deliveries of one order go to a connection in event order, so this one waits until that one is delivered, skipped, failed or dead.${note}`,
    };
  }
  if (delivery.status === 'delivering') {
    const expiresAt = delivery.leaseExpiresAt ?? nowIso;
    return {
      reason: 'lease_expired',
      leaseExpiresAt: expiresAt,
      message: `The worker attempting it stopped (its lease ended ${expiresAt}); ${WORKER} takes it over.${note}`,
    };
  }
  if (delivery.nextAttemptAt === PARKED_UNTIL) {
    return {
      reason: 'scheduled',
      nextAttemptAt: delivery.nextAttemptAt,
      message:
        'Kept while its connection is switched off (ipnhub switched it off because its deliveries kept failing): it goes out, in order, once the connection is switched on again (ipnhub connection enable).',
    };
  }
  if (delivery.nextAttemptAt > nowIso) {
    return {
      reason: 'scheduled',
      nextAttemptAt: delivery.nextAttemptAt,
      message: `Next attempt at ${delivery.nextAttemptAt}.${note}`,
    };
  }
  return {
    reason: 'due',
    nextAttemptAt: delivery.nextAttemptAt,
    message: `Due since ${delivery.nextAttemptAt}; ${WORKER} attempts it.${note}`,
  };
}
