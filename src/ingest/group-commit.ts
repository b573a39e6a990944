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
import { createBatchWriter, DEFAULT_MAX_BATCH } from '../db/batch-writer.js';
import type { DbAdapter } from '../db/dialect-adapter.js';
import type { Database } from '../db/schema.js';

export type Work<T> = (trx: Kysely<Database>) => Promise<T>;

export interface GroupCommitter {
  submit<T>(work: Work<T>): Promise<T>;
  /** Resolves when everything submitted so far has committed or failed. */
  flush(): Promise<void>;
}

/** The units of a batch run one after the other in its transaction (db/batch-writer.ts queues, batches and retries them alone). */
export function createGroupCommitter(
  db: Kysely<Database>,
  adapter: DbAdapter,
  maxBatch = DEFAULT_MAX_BATCH,
): GroupCommitter {
  const writer = createBatchWriter<Work<unknown>, unknown>({
    db,
    adapter,
    maxBatch,
    async write(trx, units) {
      const results: unknown[] = [];
      for (const unit of units) results.push(await unit(trx));
      return results;
    },
  });
  return {
    // A unit's result is what its own work returned.
    submit: <T>(work: Work<T>) => writer.submit(work) as Promise<T>,
    flush: () => writer.flush(),
  };
}
