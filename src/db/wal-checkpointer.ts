/**
 * A worker thread that checkpoints an SQLite database's WAL in the background
 * (checkpoint-thread.ts). SQLite's automatic checkpoint runs inside the commit that pushes the
 * WAL past its threshold: the committing thread copies up to 40 MB of frames into the database
 * file and fsyncs it while every request waiting for that commit waits too. The thread copies
 * them meanwhile, so the automatic checkpoint, still on (db/connect.ts), copies only the last
 * few and restarts the WAL; if the thread falls behind or dies, it copies everything as before.
 *
 * Errors of the thread are logged; it keeps trying, at longer intervals while they repeat.
 */
import type { Worker } from 'node:worker_threads';
import type { Logger } from '../lib/logger.js';
import { startModuleThread } from '../lib/module-thread.js';
import type { CheckpointThreadData, CheckpointThreadMessage } from './checkpoint-thread.js';

/** Frames not yet copied that make the thread checkpoint: ~4 MB of 4 KB pages. */
export const CHECKPOINT_MIN_FRAMES = 1000;
/** How often the thread reads the WAL index. */
export const CHECKPOINT_POLL_MS = 20;

export interface WalCheckpointer {
  /** Stops the thread after the checkpoint it may be running; its connection is closed. */
  stop(): Promise<void>;
}

export function startWalCheckpointer(options: {
  file: string;
  logger: Logger;
  minFrames?: number;
  pollMs?: number;
  /** Told of every checkpoint the thread ran (tests, measurements). */
  onCheckpoint?: (result: Extract<CheckpointThreadMessage, { op: 'checkpoint' }>) => void;
}): WalCheckpointer {
  const data: CheckpointThreadData = {
    file: options.file,
    minFrames: options.minFrames ?? CHECKPOINT_MIN_FRAMES,
    pollMs: options.pollMs ?? CHECKPOINT_POLL_MS,
  };
  let stopping = false;
  const thread: Worker = startModuleThread(import.meta.url, 'checkpoint-thread', {
    // It holds a connection, a timer and a 136-byte buffer.
    resourceLimits: { maxYoungGenerationSizeMb: 1, maxOldGenerationSizeMb: 16 },
    data: { ...data },
  });
  const exited = new Promise<void>((resolve) => {
    thread.once('exit', (code) => {
      if (!stopping || code !== 0)
        options.logger.error({ code }, 'WAL checkpoint thread exited; commits checkpoint alone');
      resolve();
    });
  });
  thread.on('message', (message: CheckpointThreadMessage) => {
    if (message.op === 'checkpoint') options.onCheckpoint?.(message);
    else if (message.op === 'error')
      options.logger.error({ err: message.message }, 'WAL checkpoint failed');
  });
  thread.on('error', (err) => options.logger.error({ err }, 'WAL checkpoint thread failed'));
  return {
    async stop() {
      if (!stopping) {
        stopping = true;
        thread.postMessage({ op: 'stop' });
      }
      await exited;
    },
  };
}
