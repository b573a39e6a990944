/**
 * Group commit for the delivery worker's outcome writes: attempts that finish together are
 * recorded in one transaction, so one durable commit (one fsync on SQLite with
 * `synchronous=FULL`) serves all of them instead of one commit per delivery. Inside the
 * transaction, deliveries that move to the same state share one `UPDATE … WHERE id IN (…)`
 * and all attempt rows go in with one multi-row `INSERT`, so a batch costs a few statements
 * (round trips on PostgreSQL), not two per delivery. The id lists are padded to a power of two
 * and, on SQLite, the `INSERT` is cut into chunks of power-of-two sizes (db/statement-shapes.ts),
 * so each statement is prepared for a few sizes, not for every batch size.
 *
 * Every update is guarded by the lease: it only touches a delivery that is still `delivering`
 * and leased to this worker, and an attempt row is written only for a delivery whose update
 * matched. The queue, the batches and the retry of a failed batch one outcome at a time are
 * db/batch-writer.ts's, shared with ingest's group commit.
 *
 * Attempts end a few at a time (as many as run at once), so a batch that is not full waits up
 * to {@link OUTCOME_LINGER_MS} for more outcomes before it commits: the slots freed meanwhile
 * start new attempts, and one commit serves many more outcomes. An outcome is still reported
 * recorded only once its transaction has committed.
 *
 * An outcome that needs an error e-mail queues it (alert-queue.ts) in the same transaction, so
 * the mail cannot be lost between recording the outcome and sending it; the connection's
 * failing streak (connection-health.ts) is written there too.
 */
import type { Insertable, Kysely } from 'kysely';
import { newId } from '../core/ids.js';
import { createBatchWriter } from '../db/batch-writer.js';
import type { DbAdapter } from '../db/dialect-adapter.js';
import { paddedInList, powerOfTwoChunks } from '../db/statement-shapes.js';
import type { AttemptsTable, Database, DeliveryStatus } from '../db/schema.js';
import type { Clock } from '../lib/clock.js';
import { queueAlerts } from './alert-queue.js';
import type { AlertKind } from './alert-queue.js';
import { recordConnectionHealth } from './connection-health.js';
import type { HealthMark } from './connection-health.js';

/** One finished attempt and the state its delivery moves to. */
export interface AttemptOutcome {
  deliveryId: string;
  status: Exclude<DeliveryStatus, 'delivering'>;
  /** The attempt's number, which is also the delivery's attempt count from now on. */
  attemptNo: number;
  /** When the next try is due (status `pending`); null leaves the delivery's time as it is. */
  nextAttemptAt: string | null;
  lastError: string | null;
  /** The attempt row; none when no attempt was made (a delivery parked for a switched-off connection). */
  attempt: Omit<Insertable<AttemptsTable>, 'id' | 'delivery_id' | 'attempt_no'> | null;
  /** An error e-mail to queue with the outcome (its reason is `lastError`). */
  alert?: { connectionId: string; kind: AlertKind };
  /** What the attempt says about its connection's health (connection-health.ts). */
  health?: HealthMark;
}

export interface OutcomeWriter {
  /**
   * Resolves once the outcome's transaction has committed: true when it was recorded, false
   * when the delivery was no longer leased to this worker (nothing was written). Rejects only
   * when the write itself failed.
   */
  record(outcome: AttemptOutcome): Promise<boolean>;
  /** Resolves when everything recorded so far has committed or failed. */
  flush(): Promise<void>;
}

/** How long a batch of outcomes that is not full waits for more before it commits. */
export const OUTCOME_LINGER_MS = 10;

export interface OutcomeWriterDeps {
  db: Kysely<Database>;
  adapter: DbAdapter;
  clock: Clock;
  /** The lease owner every update is guarded by. */
  owner: string;
  maxBatch?: number;
  /** Default {@link OUTCOME_LINGER_MS}. */
  lingerMs?: number;
}

export function createOutcomeWriter(deps: OutcomeWriterDeps): OutcomeWriter {
  async function write(
    trx: Kysely<Database>,
    outcomes: readonly AttemptOutcome[],
  ): Promise<Set<string>> {
    const now = deps.clock.now().toISOString();
    const groups = new Map<string, AttemptOutcome[]>();
    for (const outcome of outcomes) {
      const key = JSON.stringify([
        outcome.status,
        outcome.attemptNo,
        outcome.nextAttemptAt,
        outcome.lastError,
      ]);
      const group = groups.get(key);
      if (group) group.push(outcome);
      else groups.set(key, [outcome]);
    }
    const recorded = new Set<string>();
    for (const [first, ...rest] of groups.values()) {
      if (!first) continue;
      const rows = await trx
        .updateTable('deliveries')
        .set({
          status: first.status,
          attempts: first.attemptNo,
          // A finished delivery keeps the time of its last try; the lease guard below means
          // nobody has moved it since this worker claimed it.
          ...(first.nextAttemptAt === null ? {} : { next_attempt_at: first.nextAttemptAt }),
          lease_owner: null,
          lease_expires_at: null,
          trigger: 'scheduled',
          last_error: first.lastError,
          updated_at: now,
          completed_at: first.status === 'pending' ? null : now,
        })
        .where('id', 'in', paddedInList([first.deliveryId, ...rest.map((o) => o.deliveryId)]))
        .where('lease_owner', '=', deps.owner)
        .where('status', '=', 'delivering')
        .returning('id')
        .execute();
      for (const row of rows) recorded.add(row.id);
    }
    const attempts = outcomes.flatMap((o) =>
      o.attempt !== null && recorded.has(o.deliveryId)
        ? [
            {
              id: newId('attempt'),
              delivery_id: o.deliveryId,
              attempt_no: o.attemptNo,
              ...o.attempt,
              requests: o.attempt.requests ?? null,
            },
          ]
        : [],
    );
    const inserts = deps.adapter.keepsStatementsByText ? powerOfTwoChunks(attempts) : [attempts];
    for (const rows of inserts)
      if (rows.length > 0) await trx.insertInto('attempts').values(rows).execute();
    const alerts = outcomes.flatMap((o) =>
      o.alert && recorded.has(o.deliveryId)
        ? [
            {
              deliveryId: o.deliveryId,
              connectionId: o.alert.connectionId,
              kind: o.alert.kind,
              attemptNo: o.attemptNo,
              reason: o.lastError ?? 'unknown',
            },
          ]
        : [],
    );
    await queueAlerts(trx, alerts, now);
    await recordConnectionHealth(
      trx,
      outcomes.flatMap((o) => (o.health && recorded.has(o.deliveryId) ? [o.health] : [])),
      now,
    );
    return recorded;
  }

  const writer = createBatchWriter<AttemptOutcome, boolean>({
    db: deps.db,
    adapter: deps.adapter,
    ...(deps.maxBatch === undefined ? {} : { maxBatch: deps.maxBatch }),
    lingerMs: deps.lingerMs ?? OUTCOME_LINGER_MS,
    async write(trx, outcomes) {
      const recorded = await write(trx, outcomes);
      return outcomes.map((o) => recorded.has(o.deliveryId));
    },
    // One delivery appears at most once per batch: two outcomes for it (possible only when this
    // worker re-claimed its own expired lease) are written one after the other, as they came.
    keyOf: (outcome) => outcome.deliveryId,
  });

  return {
    record: (outcome) => writer.submit(outcome),
    flush: () => writer.flush(),
  };
}
