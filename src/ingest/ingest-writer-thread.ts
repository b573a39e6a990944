/**
 * Entry of the ingest writer thread (see threaded-ingest-store.ts): opens its own connection to
 * the database, writes through its own group commit (batch-ingest-store.ts, SQLite's multi-row
 * statements from sqlite-batch-commit.ts), and answers each job once its transaction has
 * committed, the jobs of one message in one answer.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createActiveFiltersLoader } from '../routing/active-filters.js';
import { openDb } from '../db/connect.js';
import type { DbTarget } from '../db/connect.js';
import { createBatchIngestStore } from './batch-ingest-store.js';
import type { IngestStore } from './ingest-store.js';
import { sqliteGroupWriter } from './sqlite-batch-commit.js';
import type { WriterAnswer, WriterMessage, WriterReply, WriterRequest } from './writer-protocol.js';
import { reviveRow } from './writer-protocol.js';

const port = parentPort;
if (!port) throw new Error('ingest-writer-thread must run in a worker thread');

const { target } = workerData as { target: DbTarget };
// Its statements change a bounded number of pages each (batches of at most 64 rows per
// statement), many times a second: their statement journals stay in memory (db/connect.ts).
const handle = openDb(target, { statementJournalsInMemory: true });
const store: IngestStore = createBatchIngestStore({
  db: handle.db,
  adapter: handle.adapter,
  activeFilters: createActiveFiltersLoader(),
  writer: sqliteGroupWriter,
});

async function run(request: WriterRequest): Promise<WriterReply> {
  try {
    switch (request.op) {
      case 'record':
        await store.record(reviveRow(request.row));
        return { id: request.id, ok: true, result: null };
      case 'commit':
        return {
          id: request.id,
          ok: true,
          result: await store.commit(reviveRow(request.row), request.events, request.now),
        };
      case 'flush':
        await store.flush();
        return { id: request.id, ok: true, result: null };
      case 'close':
        await store.close();
        await handle.close();
        return { id: request.id, ok: true, result: null };
    }
  } catch (err) {
    return { id: request.id, ok: false, error: err instanceof Error ? err.message : String(err) };
  }
}

// One answer per message: its jobs were submitted together and join one transaction (a
// message of more than one batch's worth, 256 jobs, is answered when its last batch commits).
port.on('message', (requests: WriterMessage) => {
  void Promise.all(requests.map(run)).then((replies: WriterAnswer) => port.postMessage(replies));
});
