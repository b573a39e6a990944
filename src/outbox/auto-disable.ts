/**
 * Switching off a connection that keeps failing, as Svix disables an endpoint whose messages
 * have all failed for five days (docs/health-and-alerts.md cites Svix's documentation). A
 * connection whose deliveries have failed for `autoDisableAfterDays` without one success in
 * between (`connection_health`, connection-health.ts: the first and the latest failure of the
 * streak are that far apart) is switched off, says why and since when (`disabled_at`,
 * `disabled_reason`), and its pending deliveries are parked, not given up
 * (db/parked-deliveries.ts). Switching it on again through the usual path resumes them in
 * order (connections/connections-service.ts). The switch is a compare-and-set on `active`, so
 * of several workers exactly one switches it off and sends the mail.
 */
import type { Kysely } from 'kysely';
import { nextUpdatedAt } from '../connections/row-version.js';
import type { DbAdapter } from '../db/dialect-adapter.js';
import { parkDeliveries } from '../db/parked-deliveries.js';
import type { Database } from '../db/schema.js';
import type { Clock } from '../lib/clock.js';
import type { Logger } from '../lib/logger.js';
import type { Alerter } from './alerts.js';

export interface AutoDisableDeps {
  db: Kysely<Database>;
  adapter: DbAdapter;
  clock: Clock;
  logger: Logger;
  alerter: Pick<Alerter, 'note'>;
  /** How long a connection may fail without a success; 0 never switches one off. */
  afterMs: number;
  /** Counts a connection switched off (`/metrics`). */
  onDisabled?: () => void;
}

/** Checks a connection after a failed attempt; true when it was switched off now. */
export type AutoDisable = (connectionId: string) => Promise<boolean>;

const DAY_MS = 24 * 60 * 60 * 1000;

function describeStreak(ms: number, failures: number): string {
  const days = Math.floor(ms / DAY_MS);
  const hours = Math.floor((ms % DAY_MS) / (60 * 60 * 1000));
  return `every delivery attempt failed for ${days} days ${hours} hours (${failures} attempts) without one success`;
}

export function createAutoDisable(deps: AutoDisableDeps): AutoDisable {
  const { db, adapter, clock, logger } = deps;
  return async (connectionId) => {
    if (deps.afterMs <= 0) return false;
    const streak = await db
      .selectFrom('connection_health')
      .selectAll()
      .where('connection_id', '=', connectionId)
      .executeTakeFirst();
    if (!streak) return false;
    const length = Date.parse(streak.last_failure_at) - Date.parse(streak.failing_since);
    if (length < deps.afterMs) return false;
    const now = clock.now();
    const nowIso = now.toISOString();
    const reason = `${describeStreak(length, Number(streak.failures))}, since ${streak.failing_since}`;
    const parked = await adapter.writeTransaction(db, async (trx) => {
      const row = await trx
        .selectFrom('connections')
        .select(['updated_at'])
        .where('id', '=', connectionId)
        .where('active', '=', 1)
        .executeTakeFirst();
      if (!row) return null;
      const switched = await trx
        .updateTable('connections')
        .set({
          active: 0,
          disabled_at: nowIso,
          disabled_reason: reason,
          // A new row version: the cached configs and filters of every process see the change.
          updated_at: nextUpdatedAt(now, row.updated_at),
        })
        .where('id', '=', connectionId)
        .where('active', '=', 1)
        .where('updated_at', '=', row.updated_at)
        .returning('id')
        .execute();
      if (switched.length !== 1) return null;
      return parkDeliveries(trx, connectionId, nowIso);
    });
    if (parked === null) return false;
    deps.onDisabled?.();
    logger.warn(
      {
        connectionId,
        failingSince: streak.failing_since,
        failures: Number(streak.failures),
        parked,
      },
      'connection switched off: it kept failing; its queued deliveries are kept',
    );
    await deps.alerter.note({
      subjectId: connectionId,
      kind: 'disabled',
      ref: connectionId,
      reason,
    });
    return true;
  };
}
