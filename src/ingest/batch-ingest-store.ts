/**
 * The ingest store that writes each group-commit batch with one statement per table where it
 * can (batch-commit.ts): one transaction and one commit for every notification that arrives
 * together, as with the local store, written with the dialect's `GroupWriter`
 * (pg-batch-commit.ts, sqlite-batch-commit.ts).
 */
import type { Kysely } from 'kysely';
import { createBatchWriter } from '../db/batch-writer.js';
import type { BatchWriterOptions } from '../db/batch-writer.js';
import type { DbAdapter } from '../db/dialect-adapter.js';
import type { Database } from '../db/schema.js';
import type { ActiveTargets, IngestStore } from './ingest-store.js';
import { perTransaction } from './ingest-store.js';
import { writeBatch } from './batch-commit.js';
import type { BatchItem, BatchResult, GroupWriter } from './batch-commit.js';

export interface BatchIngestStoreOptions {
  db: Kysely<Database>;
  adapter: DbAdapter;
  activeFilters: ActiveTargets;
  writer: GroupWriter;
  /** Batches written at the same time (db/batch-writer.ts; default 1). */
  concurrentBatches?: number;
  /** A batch written as one statement outside a transaction when it can (db/batch-writer.ts `direct`). */
  direct?: BatchWriterOptions<BatchItem, BatchResult>['direct'];
}

export function createBatchIngestStore(options: BatchIngestStoreOptions): IngestStore {
  const { db, adapter } = options;
  const targets = perTransaction(options.activeFilters);
  const batches = createBatchWriter<BatchItem, BatchResult>({
    db,
    adapter,
    write: (trx, items) => writeBatch(trx, targets, items, options.writer),
    concurrentBatches: options.concurrentBatches ?? 1,
    direct: options.direct,
  });
  return {
    async record(row) {
      await batches.submit({ kind: 'record', row });
    },
    async commit(row, events, now) {
      const result = await batches.submit({ kind: 'commit', row, events, now });
      if (!result) throw new Error('batch ingest store: a commit without its result');
      return result;
    },
    flush: () => batches.flush(),
    close: () => batches.flush(),
  };
}
