/**
 * Entry of the WAL checkpoint thread (wal-checkpointer.ts): copies the SQLite WAL back into
 * the database file while the ingest writer keeps committing, so that the writer's own
 * automatic checkpoint (db/connect.ts) finds little left to copy. Its own better-sqlite3
 * connection and nothing else of ipnhub (no Kysely, no app modules), to keep its heap small.
 *
 * Every `pollMs` it reads the WAL index (wal-index.ts); when at least `minFrames` frames have
 * not been copied yet it runs `PRAGMA wal_checkpoint(PASSIVE)`, which copies what no reader
 * still needs without taking the write lock or waiting for anyone: commits go on meanwhile.
 * A PASSIVE checkpoint never restarts the WAL; the writer's automatic checkpoint does (after
 * copying the last frames, at its next write), and bounds the WAL if this thread falls behind.
 *
 * Messages: in `{ op: 'stop' }`; out `{ op: 'checkpoint', … }` after each checkpoint that ran,
 * `{ op: 'error', message }` when one failed (the thread then waits longer before the next
 * try) or the connection could not be opened (the thread then ends). After `stop` it closes
 * its connection and ends.
 */
import { closeSync, openSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import SqliteDatabase from 'better-sqlite3';
import { readWalIndex } from './wal-index.js';

export interface CheckpointThreadData {
  file: string;
  minFrames: number;
  pollMs: number;
}

export type CheckpointThreadMessage =
  | { op: 'checkpoint'; busy: boolean; walFrames: number; copiedFrames: number }
  | { op: 'error'; message: string };

const port = parentPort;
if (!port) throw new Error('checkpoint-thread must run in a worker thread');
const { file, minFrames, pollMs } = workerData as CheckpointThreadData;
/** The longest wait after repeated failures. */
const MAX_BACKOFF_MS = 60_000;

/** Opens the connection and the WAL index; null (after reporting why) if that fails. */
function open(): { database: SqliteDatabase.Database; shm: number } | null {
  let database: SqliteDatabase.Database | undefined;
  try {
    database = new SqliteDatabase(file, { fileMustExist: true });
    // The checkpoint syncs the WAL before copying and the database file before it records the
    // frames as copied (after which a writer may overwrite them): never without the fsyncs.
    database.pragma('synchronous = FULL');
    // Copying reads frames straight from the WAL; this connection needs almost no page cache.
    database.pragma('cache_size = -64');
    // A first read opens the WAL index (the `-shm` file) if no connection has yet.
    database.prepare('select count(*) from sqlite_master').get();
    return { database, shm: openSync(`${file}-shm`, 'r') };
  } catch (err) {
    database?.close();
    send({ op: 'error', message: messageOf(err) });
    return null;
  }
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function send(message: CheckpointThreadMessage): void {
  port?.postMessage(message);
}

const opened = open();
const scratch = Buffer.alloc(136);

let timer: NodeJS.Timeout | undefined;
let failures = 0;

function poll(database: SqliteDatabase.Database, shm: number): void {
  try {
    const wal = readWalIndex(shm, scratch);
    if (wal && wal.mxFrame - wal.nBackfill >= minFrames) {
      const [result] = database.pragma('wal_checkpoint(PASSIVE)') as {
        busy: number;
        log: number;
        checkpointed: number;
      }[];
      send({
        op: 'checkpoint',
        busy: result?.busy === 1,
        walFrames: result?.log ?? 0,
        copiedFrames: result?.checkpointed ?? 0,
      });
    }
    failures = 0;
  } catch (err) {
    failures++;
    send({ op: 'error', message: messageOf(err) });
  }
  timer = setTimeout(poll, Math.min(pollMs * 2 ** failures, MAX_BACKOFF_MS), database, shm);
}

if (opened) {
  const { database, shm } = opened;
  port.on('message', (message: { op: 'stop' }) => {
    if (message.op !== 'stop') return;
    clearTimeout(timer);
    closeSync(shm);
    database.close();
    port.close();
  });
  timer = setTimeout(poll, pollMs, database, shm);
} else port.close();
