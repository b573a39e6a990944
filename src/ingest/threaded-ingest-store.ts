/**
 * An {@link IngestStore} whose writes run in a worker thread on their own database
 * connection. better-sqlite3 is synchronous: on the main thread every statement and every
 * commit of the embedded database blocks the HTTP server. In a writer thread the two overlap,
 * one core parsing and verifying requests while the other writes, and the answer to each
 * request still waits for its commit.
 *
 * If the thread dies, the jobs it held fail (their senders get a 5xx and retry; nothing was
 * acknowledged) and the next job starts a new thread.
 *
 * On an SQLite file a second, small thread checkpoints the WAL meanwhile (db/wal-checkpointer.ts),
 * started with the first writer thread and stopped with the store, so that the writer's commits
 * do not stop to copy the WAL into the database file.
 */
import type { Worker } from 'node:worker_threads';
import type { DbTarget } from '../db/connect.js';
import type { Logger } from '../lib/logger.js';
import { startModuleThread } from '../lib/module-thread.js';
import { createTurnBatch } from '../lib/turn-batch.js';
import { startWalCheckpointer } from '../db/wal-checkpointer.js';
import type { WalCheckpointer } from '../db/wal-checkpointer.js';
import type { CommitResult, InboundRow, IngestStore } from './ingest-store.js';
import type { WriterAnswer, WriterReply, WriterRequest } from './writer-protocol.js';
import { slimKeyedEvent } from './event-payload.js';

const WRITER_YOUNG_GENERATION_MB = 8;
// Far above what the thread keeps alive (a batch of rows and the statement cache); if a burst
// ever exceeded it, the thread would die, its jobs would be answered 5xx (senders retry) and a
// new thread would start.
const WRITER_OLD_GENERATION_MB = 96;

/**
 * The row with its body copied into an ArrayBuffer of its own, to be transferred to the thread
 * rather than cloned. A body of a few KB is usually a view into Node's shared 8 KB buffer pool,
 * and cloning a view copies its whole ArrayBuffer: 8 KB per notification copied, and kept
 * alive in the thread while the row waits. The caller's Buffer stays usable (an ingest error
 * stores it again).
 */
export function withOwnBody(row: InboundRow): [InboundRow, ArrayBuffer[]] {
  const body = new Uint8Array(row.raw_body);
  return [{ ...row, raw_body: Buffer.from(body.buffer) }, [body.buffer]];
}

type Pending = { resolve: (reply: WriterReply) => void; reject: (err: Error) => void };
type Job = WriterRequest extends infer R
  ? R extends { id: number }
    ? Omit<R, 'id'>
    : never
  : never;

async function commitResult(reply: Promise<CommitResult | null>): Promise<CommitResult> {
  const result = await reply;
  if (!result) throw new Error('ingest writer thread returned no commit result');
  return result;
}

export function createThreadedIngestStore(options: {
  target: DbTarget;
  logger: Logger;
}): IngestStore {
  const pending = new Map<number, Pending>();
  let worker: Worker | null = null;
  let checkpointer: WalCheckpointer | null = null;
  const { target } = options;
  let nextId = 1;

  function failAll(err: Error): void {
    for (const job of pending.values()) job.reject(err);
    pending.clear();
  }

  function spawn(): Worker {
    if (!checkpointer && target.kind === 'sqlite' && target.file !== ':memory:')
      checkpointer = startWalCheckpointer({ file: target.file, logger: options.logger });
    const thread = startModuleThread(import.meta.url, 'ingest-writer-thread', {
      // The thread keeps little state; a small young generation keeps its memory small
      // (scavenges of short-lived rows are cheap).
      resourceLimits: {
        maxYoungGenerationSizeMb: WRITER_YOUNG_GENERATION_MB,
        maxOldGenerationSizeMb: WRITER_OLD_GENERATION_MB,
      },
      data: { target },
    });
    thread.on('message', (replies: WriterAnswer) => {
      for (const reply of replies) {
        const job = pending.get(reply.id);
        pending.delete(reply.id);
        job?.resolve(reply);
      }
    });
    thread.on('error', (err) => {
      options.logger.error({ err }, 'ingest writer thread failed');
      failAll(err);
    });
    thread.on('exit', (code) => {
      if (worker === thread) worker = null;
      failAll(new Error(`ingest writer thread exited (code ${code})`));
    });
    return thread;
  }

  // The jobs of one turn of the event loop go to the thread as one message, so that it takes
  // them into one transaction (lib/turn-batch.ts); posted one at a time, the first of a turn
  // found the writer idle and was committed alone, its fsync and its ~45 pages of B-tree
  // leaves for one notification (docs/benchmarks.md, "One message per turn to the writer thread").
  const post = createTurnBatch<{ request: WriterRequest; transfer: ArrayBuffer[] }>((jobs) => {
    worker ??= spawn();
    worker.postMessage(
      jobs.map((job) => job.request),
      jobs.flatMap((job) => job.transfer),
    );
  });

  async function send(job: Job, transfer: ArrayBuffer[] = []): Promise<CommitResult | null> {
    const id = nextId++;
    const reply = await new Promise<WriterReply>((resolve, reject) => {
      pending.set(id, { resolve, reject });
      post({ request: { ...job, id }, transfer });
    });
    if (!reply.ok) throw new Error(reply.error);
    return reply.result;
  }

  return {
    async record(row) {
      const [sent, transfer] = withOwnBody(row);
      await send({ op: 'record', row: sent }, transfer);
    },
    // Not an async function: its arguments (the row and the events with their raw fields) are
    // not held in a suspended frame while the thread commits; the posted copy is all it needs.
    commit(row, events, now) {
      const [sent, transfer] = withOwnBody(row);
      return commitResult(
        send({ op: 'commit', row: sent, events: events.map(slimKeyedEvent), now }, transfer),
      );
    },
    async flush() {
      if (worker) await send({ op: 'flush' });
    },
    async close() {
      const thread = worker;
      const stopping = checkpointer?.stop();
      checkpointer = null;
      await stopping;
      if (!thread) return;
      await send({ op: 'close' }).catch(() => null);
      worker = null;
      await thread.terminate();
    },
  };
}
