/**
 * Group commit: many concurrent ingests share one durable transaction. Each caller submits a
 * unit of work and gets its result only after the transaction that ran it has committed, so
 * "acknowledged" still means "on disk" while the fsync cost is paid once per batch instead of
 * once per notification.
 *
 * A batch that fails as a whole (a bug in one unit, a deadlock on PostgreSQL) is rolled back
 * and every unit is re-run in its own transaction, so one bad notification cannot fail the
 * others that happened to share its batch.
 */
import type { Kysely } from 'kysely';
import type { DbAdapter } from '../db/dialect-adapter.js';
import type { Database } from '../db/schema.js';

export type Work<T> = (trx: Kysely<Database>) => Promise<T>;

interface Pending {
  work: Work<unknown>;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
}

export interface GroupCommitter {
  submit<T>(work: Work<T>): Promise<T>;
  /** Resolves when everything submitted so far has committed or failed. */
  flush(): Promise<void>;
}

export function createGroupCommitter(db: Kysely<Database>, adapter: DbAdapter, maxBatch = 256): GroupCommitter {
  let queue: Pending[] = [];
  let running: Promise<void> | null = null;

  async function runBatch(batch: Pending[]): Promise<void> {
    const results: unknown[] = [];
    try {
      await adapter.writeTransaction(db, async (trx) => {
        for (const item of batch) results.push(await item.work(trx));
      });
    } catch {
      for (const item of batch) {
        try {
          item.resolve(await adapter.writeTransaction(db, (trx) => item.work(trx)));
        } catch (err) {
          item.reject(err);
        }
      }
      return;
    }
    batch.forEach((item, i) => item.resolve(results[i]));
  }

  async function drain(): Promise<void> {
    // Let the callers that arrived in the same turn of the event loop join the batch.
    await new Promise<void>((resolve) => setImmediate(resolve));
    while (queue.length > 0) {
      const batch = queue.slice(0, maxBatch);
      queue = queue.slice(batch.length);
      await runBatch(batch);
    }
    running = null;
  }

  return {
    submit<T>(work: Work<T>): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
        running ??= drain();
      });
    },
    async flush() {
      while (running) await running;
    },
  };
}
