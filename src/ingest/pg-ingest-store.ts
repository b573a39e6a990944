/**
 * The ingest store for PostgreSQL: the same group commit as the local store (one transaction,
 * one commit for every notification that arrives together), but each batch is written by
 * `writePgBatch` (pg-batch-commit.ts) with one statement per table for the notifications that
 * allow it, instead of one round trip per row.
 */
import type { Kysely } from 'kysely';
import { createBatchWriter } from '../db/batch-writer.js';
import type { DbAdapter } from '../db/dialect-adapter.js';
import type { Database } from '../db/schema.js';
import type { ActiveTargets, CommitResult, IngestStore } from './ingest-store.js';
import { perTransaction } from './ingest-store.js';
import type { PgIngestItem, PgIngestResult } from './pg-batch-commit.js';
import { writePgBatch } from './pg-batch-commit.js';

/**
 * Batches in flight at once, each on its own pooled connection: a batch spends most of its time
 * waiting for the server (round trips, the commit's WAL flush), so a second one fills that wait.
 * Two notifications of one order in two batches are serialised by the database's row locks; an
 * order written by the other batch meanwhile fails the batch into one-by-one writes
 * (pg-batch-commit.ts).
 */
export const CONCURRENT_BATCHES = 2;

export function createPgIngestStore(
  db: Kysely<Database>,
  adapter: DbAdapter,
  activeFilters: ActiveTargets,
): IngestStore {
  const targets = perTransaction(activeFilters);
  const writer = createBatchWriter<PgIngestItem, PgIngestResult>({
    db,
    adapter,
    write: (trx, items) => writePgBatch(trx, targets, items),
    concurrentBatches: CONCURRENT_BATCHES,
  });
  return {
    async record(row) {
      await writer.submit({ kind: 'record', row });
    },
    async commit(row, events, now) {
      const result = await writer.submit({ kind: 'commit', row, events, now });
      if (!result) throw new Error('pg ingest store: a commit without its result');
      return result as CommitResult;
    },
    flush: () => writer.flush(),
    close: () => writer.flush(),
  };
}
