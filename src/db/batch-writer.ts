/**
 * One durable transaction for many writes that arrive together. Callers submit items; the
 * writer queues them, lets everything submitted in the same turn of the event loop join, and
 * writes up to `maxBatch` items in one write transaction, so one commit (one fsync on SQLite
 * with `synchronous=FULL`) serves all of them. Each caller's promise settles only after the
 * transaction that wrote its item has committed: "written" still means "on disk".
 *
 * With `lingerMs`, a batch that is not full yet waits up to that long for more items first (one
 * commit for the outcomes of attempts that end a few milliseconds apart, rather than one each
 * time a handful end together); a full batch, or `flush()`, ends the wait at once.
 *
 * A batch that fails as a whole (one bad item, a deadlock on PostgreSQL) is rolled back and
 * every item of it is written again in a transaction of its own, so one bad item fails alone
 * and cannot take the others of its batch with it.
 *
 * Users: group commit of ingest (ingest/group-commit.ts) and the delivery worker's outcome
 * writes (outbox/outcome-writer.ts).
 */
import type { Kysely } from 'kysely';
import type { DbAdapter } from './dialect-adapter.js';
import type { Database } from './schema.js';

export interface BatchWriterOptions<Item, Result> {
  db: Kysely<Database>;
  adapter: DbAdapter;
  /** Writes the items inside the batch's transaction; answers one result per item, in order. */
  write(trx: Kysely<Database>, items: readonly Item[]): Promise<readonly Result[]>;
  /** Most items per transaction (default 256). */
  maxBatch?: number;
  /** How long a batch that is not full waits for more items before it is written (default 0: it does not). */
  lingerMs?: number;
  /**
   * Items with the same key never share a batch: a later one waits for a later batch, in the
   * order submitted (two outcomes of one delivery, say, must not be merged into one statement).
   */
  keyOf?: (item: Item) => string;
  /**
   * Batches written at the same time, each in its own transaction (default 1); only without
   * `keyOf` (two batches in flight could hold the same key). Another batch starts when one starts
   * or ends and items are still queued, so a second is in flight only when more than `maxBatch`
   * items wait at that moment; items that arrive while a batch is written wait for the next one.
   */
  concurrentBatches?: number;
  /**
   * Writes the items without a transaction of the writer's making when it can: one statement
   * that is its own transaction, answered only once committed (PostgreSQL, ingest/pg-one-statement.ts).
   * Answers one result per item, or undefined when it wrote nothing; when it rejects, it wrote
   * nothing either (the statement was rolled back). Either way the batch is then written by
   * `write` in a transaction, as without it.
   */
  direct?(db: Kysely<Database>, items: readonly Item[]): Promise<readonly Result[] | undefined>;
}

export interface BatchWriter<Item, Result> {
  /** Resolves with the item's result once its transaction has committed; rejects when writing it alone failed too. */
  submit(item: Item): Promise<Result>;
  /** Resolves when everything submitted so far has committed or failed. */
  flush(): Promise<void>;
}

interface Queued<Item, Result> {
  item: Item;
  resolve: (result: Result) => void;
  reject: (err: unknown) => void;
}

export const DEFAULT_MAX_BATCH = 256;

export function createBatchWriter<Item, Result>(
  options: BatchWriterOptions<Item, Result>,
): BatchWriter<Item, Result> {
  const { db, adapter, write, keyOf } = options;
  const maxBatch = options.maxBatch ?? DEFAULT_MAX_BATCH;
  const lingerMs = options.lingerMs ?? 0;
  const concurrent = keyOf ? 1 : Math.max(1, options.concurrentBatches ?? 1);
  let queue: Array<Queued<Item, Result>> = [];
  let running: Promise<void> | null = null;
  /** Ends the linger of the batch being gathered; null when none is. */
  let stopLingering: (() => void) | null = null;
  /** Callers of `flush()` waiting: no batch lingers meanwhile. */
  let flushing = 0;

  /** Waits until `lingerMs` have passed, the queue holds a full batch, or `flush()` is called. */
  function linger(): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(end, lingerMs);
      function end(): void {
        clearTimeout(timer);
        stopLingering = null;
        resolve();
      }
      stopLingering = end;
    });
  }

  async function writeAll(items: readonly Item[]): Promise<readonly Result[]> {
    return adapter.writeTransaction(db, async (trx) => {
      const results = await write(trx, items);
      // Checked before the commit: a write that lost track of its items is rolled back.
      if (results.length !== items.length)
        throw new Error(`batch writer: ${results.length} results for ${items.length} items`);
      return results;
    });
  }

  /** `options.direct`'s results, or undefined when it wrote nothing (not given, declined, failed). */
  async function writeDirect(items: readonly Item[]): Promise<readonly Result[] | undefined> {
    if (!options.direct) return undefined;
    try {
      return await options.direct(db, items);
    } catch {
      return undefined;
    }
  }

  async function runBatch(batch: ReadonlyArray<Queued<Item, Result>>): Promise<void> {
    let results: readonly Result[];
    const items = batch.map((q) => q.item);
    try {
      results = (await writeDirect(items)) ?? (await writeAll(items));
    } catch {
      for (const queued of batch) {
        try {
          const [alone] = await writeAll([queued.item]);
          queued.resolve(alone as Result);
        } catch (err) {
          queued.reject(err);
        }
      }
      return;
    }
    for (const [i, queued] of batch.entries()) queued.resolve(results[i] as Result);
  }

  function nextBatch(): Array<Queued<Item, Result>> {
    if (!keyOf) {
      const batch = queue.slice(0, maxBatch);
      queue = queue.slice(batch.length);
      return batch;
    }
    const batch: Array<Queued<Item, Result>> = [];
    const keys = new Set<string>();
    const rest: Array<Queued<Item, Result>> = [];
    for (const queued of queue) {
      const key = keyOf(queued.item);
      if (batch.length < maxBatch && !keys.has(key)) {
        keys.add(key);
        batch.push(queued);
      } else rest.push(queued);
    }
    queue = rest;
    return batch;
  }

  async function drain(): Promise<void> {
    // Let the items submitted in the same turn of the event loop join the batch.
    await new Promise<void>((resolve) => setImmediate(resolve));
    const inFlight = new Set<Promise<void>>();
    while (queue.length > 0 || inFlight.size > 0) {
      while (queue.length > 0 && inFlight.size < concurrent) {
        if (lingerMs > 0 && flushing === 0 && queue.length < maxBatch) await linger();
        const batch: Promise<void> = runBatch(nextBatch()).finally(() => inFlight.delete(batch));
        inFlight.add(batch);
      }
      await Promise.race(inFlight);
    }
    running = null;
  }

  return {
    submit(item) {
      return new Promise<Result>((resolve, reject) => {
        queue.push({ item, resolve, reject });
        if (queue.length >= maxBatch) stopLingering?.();
        running ??= drain();
      });
    },
    async flush() {
      flushing++;
      stopLingering?.();
      try {
        while (running) await running;
      } finally {
        flushing--;
      }
    },
  };
}
