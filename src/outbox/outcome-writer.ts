/**
 * Group commit for the delivery worker's outcome writes: attempts that finish together are
 * recorded in one transaction, so one durable commit (one fsync on SQLite with
 * `synchronous=FULL`) serves all of them instead of one commit per delivery. Inside the
 * transaction, deliveries that move to the same state share one `UPDATE … WHERE id IN (…)`
 * and all attempt rows go in with one multi-row `INSERT`, so a batch costs a few statements
 * (round trips on PostgreSQL), not two per delivery.
 *
 * Every update is guarded by the lease: it only touches a delivery that is still `delivering`
 * and leased to this worker, and an attempt row is written only for a delivery whose update
 * matched. A batch that fails as a whole is rolled back and each outcome is written again in
 * its own transaction, so one bad outcome cannot fail the others.
 *
 * An outcome that needs an error e-mail queues it (alert-queue.ts) in the same transaction, so
 * the mail cannot be lost between recording the outcome and sending it.
 */
import type { Insertable, Kysely } from 'kysely';
import { newId } from '../core/ids.js';
import type { DbAdapter } from '../db/dialect-adapter.js';
import type { AttemptsTable, Database, DeliveryStatus } from '../db/schema.js';
import type { Clock } from '../lib/clock.js';
import { queueAlerts } from './alert-queue.js';
import type { AlertKind } from './alert-queue.js';

/** One finished attempt and the state its delivery moves to. */
export interface AttemptOutcome {
  deliveryId: string;
  status: Exclude<DeliveryStatus, 'delivering'>;
  /** The attempt's number, which is also the delivery's attempt count from now on. */
  attemptNo: number;
  /** When the next try is due (status `pending`); null leaves the delivery's time as it is. */
  nextAttemptAt: string | null;
  lastError: string | null;
  attempt: Omit<Insertable<AttemptsTable>, 'id' | 'delivery_id' | 'attempt_no'>;
  /** An error e-mail to queue with the outcome (its reason is `lastError`). */
  alert?: { connectionId: string; kind: AlertKind };
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

export interface OutcomeWriterDeps {
  db: Kysely<Database>;
  adapter: DbAdapter;
  clock: Clock;
  /** The lease owner every update is guarded by. */
  owner: string;
  maxBatch?: number;
}

interface Queued {
  outcome: AttemptOutcome;
  resolve: (recorded: boolean) => void;
  reject: (err: unknown) => void;
}

export function createOutcomeWriter(deps: OutcomeWriterDeps): OutcomeWriter {
  const maxBatch = deps.maxBatch ?? 256;
  let queue: Queued[] = [];
  let running: Promise<void> | null = null;

  async function write(trx: Kysely<Database>, outcomes: readonly AttemptOutcome[]): Promise<Set<string>> {
    const now = deps.clock.now().toISOString();
    const groups = new Map<string, AttemptOutcome[]>();
    for (const outcome of outcomes) {
      const key = JSON.stringify([outcome.status, outcome.attemptNo, outcome.nextAttemptAt, outcome.lastError]);
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
        .where('id', 'in', [first.deliveryId, ...rest.map((o) => o.deliveryId)])
        .where('lease_owner', '=', deps.owner)
        .where('status', '=', 'delivering')
        .returning('id')
        .execute();
      for (const row of rows) recorded.add(row.id);
    }
    const attempts = outcomes
      .filter((o) => recorded.has(o.deliveryId))
      .map((o) => ({ id: newId('attempt'), delivery_id: o.deliveryId, attempt_no: o.attemptNo, ...o.attempt, requests: o.attempt.requests ?? null }));
    if (attempts.length > 0) await trx.insertInto('attempts').values(attempts).execute();
    const alerts = outcomes.flatMap((o) =>
      o.alert && recorded.has(o.deliveryId)
        ? [{ deliveryId: o.deliveryId, connectionId: o.alert.connectionId, kind: o.alert.kind, attemptNo: o.attemptNo, reason: o.lastError ?? 'unknown' }]
        : [],
    );
    await queueAlerts(trx, alerts, now);
    return recorded;
  }

  async function runBatch(batch: Queued[]): Promise<void> {
    let recorded: Set<string>;
    try {
      recorded = await deps.adapter.writeTransaction(deps.db, (trx) => write(trx, batch.map((q) => q.outcome)));
    } catch {
      for (const item of batch) {
        try {
          const alone = await deps.adapter.writeTransaction(deps.db, (trx) => write(trx, [item.outcome]));
          item.resolve(alone.has(item.outcome.deliveryId));
        } catch (err) {
          item.reject(err);
        }
      }
      return;
    }
    for (const item of batch) item.resolve(recorded.has(item.outcome.deliveryId));
  }

  // One delivery appears at most once per batch: two outcomes for it (possible only when this
  // worker re-claimed its own expired lease) are written one after the other, as they came.
  function nextBatch(): Queued[] {
    const batch: Queued[] = [];
    const ids = new Set<string>();
    const rest: Queued[] = [];
    for (const item of queue) {
      if (batch.length < maxBatch && !ids.has(item.outcome.deliveryId)) {
        ids.add(item.outcome.deliveryId);
        batch.push(item);
      } else rest.push(item);
    }
    queue = rest;
    return batch;
  }

  async function drain(): Promise<void> {
    // Let the outcomes that arrive in the same turn of the event loop join the batch.
    await new Promise<void>((resolve) => setImmediate(resolve));
    while (queue.length > 0) await runBatch(nextBatch());
    running = null;
  }

  return {
    record(outcome) {
      return new Promise<boolean>((resolve, reject) => {
        queue.push({ outcome, resolve, reject });
        running ??= drain();
      });
    },
    async flush() {
      while (running) await running;
    },
  };
}
