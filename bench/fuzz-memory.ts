/**
 * `npm run bench:memory`: does a fuzz-like run leave memory behind? Starts the `ipnhub-sqlite`
 * benchmark server (compiled, with `--expose-gc`), sends a warm-up of the fuzz mix
 * (`bench/fuzz.ts`), then the main run, and reads the server's memory at each step — as it is,
 * and after a forced full garbage collection. Memory that a collection gives back was garbage
 * not yet collected; memory that stays after it, beyond the warm-up level, would be retained.
 *
 * Flags (or environment variables):
 *   --requests <n>  requests in the main run (FUZZ_REQUESTS, default 22000)
 *   --rounds <n>    main runs in a row, memory read after each (FUZZ_ROUNDS, default 1)
 *   --idle <s>      idle seconds before the last reading (FUZZ_IDLE, default 15)
 *   --no-writer-thread  SQLite writes on the main thread (IPNHUB_INGEST_WRITER_THREAD=false)
 *   --tsx           run the server from source under tsx (its RSS then includes the loader)
 */
import { parseArgs } from 'node:util';
import { buildServer, startScenarioChild, tsxEntry } from './child.js';
import { fuzz } from './fuzz.js';
import type { FuzzTarget } from './fuzz.js';
import { doneSchema, memorySchema } from './protocol.js';
import type { Memory } from './protocol.js';

const PASSPHRASE = 'bench-fuzz-passphrase-2026';
const CONCURRENCY = 32;
const WARM_UP = 1200;

function count(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0)
    throw new Error(`${name}: expected a whole number, got ${JSON.stringify(text)}`);
  return value;
}

function row(label: string, m: Memory): string {
  const cells = [m.rssMiB, m.heapUsedMiB, m.heapTotalMiB, m.arrayBuffersMiB].map((v) =>
    v.toFixed(0).padStart(8),
  );
  return `${label.padEnd(34)}${cells.join('')}`;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      requests: { type: 'string' },
      rounds: { type: 'string' },
      idle: { type: 'string' },
      'no-writer-thread': { type: 'boolean' },
      tsx: { type: 'boolean' },
    },
  });
  const requests = count('--requests', values.requests ?? process.env.FUZZ_REQUESTS, 22_000);
  const rounds = Math.max(1, count('--rounds', values.rounds ?? process.env.FUZZ_ROUNDS, 1));
  const idleS = count('--idle', values.idle ?? process.env.FUZZ_IDLE, 15);
  const entry = values.tsx ? tsxEntry() : await buildServer();
  const child = await startScenarioChild(
    entry,
    {
      scenario: 'ipnhub-sqlite',
      passphrase: PASSPHRASE,
      workerConcurrency: 8,
      deliveryTimeoutMs: 90_000,
      ingestWriterThread: !values['no-writer-thread'],
    },
    { nodeFlags: ['--expose-gc'] },
  );
  const target: FuzzTarget = {
    port: child.ready.port,
    path: child.ready.path,
    passphrase: PASSPHRASE,
  };
  const read = (gc: boolean): Promise<Memory> =>
    child.ask(gc ? 'memory gc' : 'memory', 'MEMORY', memorySchema);
  try {
    console.log(
      `${''.padEnd(34)}${['RSS', 'heap', 'heapTot', 'buffers'].map((h) => h.padStart(8)).join('')}   (MiB)`,
    );
    console.log(row('started, after GC', await read(true)));
    await fuzz(target, 0, WARM_UP, CONCURRENCY);
    console.log(row(`warm-up (${WARM_UP} requests), after GC`, await read(true)));
    let sent = WARM_UP;
    for (let round = 1; round <= rounds; round++) {
      const startedAt = performance.now();
      await fuzz(target, sent, requests, CONCURRENCY);
      sent += requests;
      const seconds = (performance.now() - startedAt) / 1000;
      console.log(row(`+${requests} in ${seconds.toFixed(0)} s, as is`, await read(false)));
      console.log(row(`+${requests}, after GC`, await read(true)));
    }
    await new Promise((resolve) => setTimeout(resolve, idleS * 1000));
    console.log(row(`idle ${idleS} s, as is`, await read(false)));
    console.log(row(`idle ${idleS} s, after GC`, await read(true)));
  } finally {
    await child.ask('stop', 'DONE', doneSchema).catch(() => child.kill());
    await child.exited;
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
  process.exitCode = 1;
});
