/**
 * The ingest store for PostgreSQL: the same group commit as the local store (one transaction,
 * one commit for every notification that arrives together), but each batch is written with one
 * statement per group of notifications that allow it (batch-commit.ts with pg-batch-commit.ts's
 * group writer), instead of one round trip per row; a batch that is one group of new orders is
 * written as one statement outside a transaction (pg-one-statement.ts), one round trip in all.
 */
import type { Kysely } from 'kysely';
import type { DbAdapter } from '../db/dialect-adapter.js';
import type { Database } from '../db/schema.js';
import type { ActiveTargets, IngestStore } from './ingest-store.js';
import { createBatchIngestStore } from './batch-ingest-store.js';
import { pgGroupWriter } from './pg-batch-commit.js';
import { createOneStatementWriter } from './pg-one-statement.js';

/**
 * Batches in flight at once, each on its own pooled connection. The batch writer starts a second
 * one only when more than a full batch (`maxBatch`, 256) is waiting as a batch starts or ends, a
 * burst from many clients at once; under a steady load the notifications that arrive while a
 * batch is written wait for it and form the next one, so one batch is in flight. Starting a
 * second batch for them as they arrive was measured and cost PostgreSQL more CPU per notification
 * for no higher rate (docs/benchmarks.md, "PostgreSQL ingest: what one process is bound by").
 * Two notifications of one order in two batches are serialised by the database's row locks; an
 * order written by the other batch meanwhile fails the batch into one-by-one writes
 * (batch-commit.ts).
 */
export const CONCURRENT_BATCHES = 2;

export function createPgIngestStore(
  db: Kysely<Database>,
  adapter: DbAdapter,
  activeFilters: ActiveTargets,
): IngestStore {
  return createBatchIngestStore({
    db,
    adapter,
    activeFilters,
    writer: pgGroupWriter,
    concurrentBatches: CONCURRENT_BATCHES,
    direct: createOneStatementWriter(activeFilters),
  });
}
