/**
 * The ingest path without HTTP, in one thread: signed Digistore24 `on_payment` bodies go
 * through `runtime.ingest.receive` (verify, normalize, the group-committed write) with the
 * writer in this thread, 50 at a time as under the closed-loop load, against a real SQLite file
 * (WAL, synchronous=FULL). Prints CPU per notification and bytes written per notification
 * (database + WAL), so a change to the write path can be measured apart from HTTP and from
 * the noise of the load generator:
 *
 *   node --import tsx bench/ingest-path.ts [--count 20000] [--rounds 3]
 *   node --cpu-prof --import tsx bench/ingest-path.ts     # where the time goes, one thread
 *   node --import tsx bench/ingest-path.ts --keep         # keep the database to inspect it
 *   node --import tsx bench/ingest-path.ts --writer-thread  # the writes in their own thread, as
 *       `ipnhub serve` runs them; also prints the main thread's own CPU per notification (Linux
 *       per-thread counters), apart from the writer thread's and V8's helpers'
 *
 * It also prints how long each group of `--at-once` notifications waited, for the groups during
 * which a checkpoint copied WAL frames into the database file (read from the WAL index,
 * db/wal-index.ts) and for the others: the stall a checkpoint puts on the commits behind it.
 */
import {
  closeSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config/config.js';
import { silentLogger } from '../src/lib/logger.js';
import { createRuntime } from '../src/runtime.js';
import { readWalIndex } from '../src/db/wal-index.js';
import { signedPaymentBodies } from './payloads.js';

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '20000' },
    rounds: { type: 'string', default: '3' },
    'at-once': { type: 'string', default: '50' },
    keep: { type: 'boolean', default: false },
    'writer-thread': { type: 'boolean', default: false },
  },
});
const WRITER_THREAD = values['writer-thread'];
const COUNT = Number(values.count);
const ROUNDS = Number(values.rounds);
const AT_ONCE = Number(values['at-once']);
const PASSPHRASE = 'bench-passphrase';

const dataDir = mkdtempSync(join(tmpdir(), 'ipnhub-ingest-path-'));
const runtime = await createRuntime(
  loadConfig({}, { dataDir, logLevel: 'warn', ingestWriterThread: WRITER_THREAD }),
  { logger: silentLogger(), skipAdminToken: true },
);
const source = await runtime.sources.create({
  provider: 'digistore24',
  name: 'DS24',
  config: { passphrase: PASSPHRASE },
});
await runtime.connections.create({
  connector: 'webhook',
  name: 'Sink',
  filters: { eventTypes: ['payment'] },
  config: { url: 'http://127.0.0.1:9/hooks' },
});

const bytesOnDisk = (): number =>
  readdirSync(dataDir)
    .filter((name) => name.startsWith('ipnhub.db') || name.endsWith('.db') || name.endsWith('-wal'))
    .reduce((sum, name) => sum + statSync(join(dataDir, name)).size, 0);

/** CPU time (user + system) of the main thread so far, in ms (Linux counts it in 1/100 s). */
function mainThreadCpuMs(): number {
  const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
  // The fields after the command name, which is in parentheses; utime and stime are 14 and 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** Nearest-rank percentile of sorted `values`. */
const percentile = (values: readonly number[], p: number): number =>
  values[Math.min(values.length - 1, Math.ceil((p / 100) * values.length) - 1)] ?? 0;

function waits(label: string, values: number[]): string {
  values.sort((a, b) => a - b);
  return `${label} ${values.length}: p50 ${percentile(values, 50).toFixed(1)}, p99 ${percentile(values, 99).toFixed(1)}, max ${(values.at(-1) ?? 0).toFixed(1)} ms`;
}

const shm = openSync(join(dataDir, 'ipnhub.db-shm'), 'r');
let prefix = 0;
for (let round = 0; round <= ROUNDS; round++) {
  const bodies = signedPaymentBodies(COUNT, {
    passphrase: PASSPHRASE,
    prefix: `R${String.fromCharCode(65 + prefix++)}`,
  });
  const before = process.cpuUsage();
  const mainBefore = WRITER_THREAD ? mainThreadCpuMs() : 0;
  const started = performance.now();
  const plain: number[] = [];
  const checkpointed: number[] = [];
  for (let done = 0; done < COUNT; done += AT_ONCE) {
    const groupStarted = performance.now();
    const walBefore = readWalIndex(shm);
    const results = await Promise.all(
      bodies.slice(done, done + AT_ONCE).map((rawBody) =>
        runtime.ingest.receive(source.id, {
          receivedAt: new Date(),
          method: 'POST',
          url: `/ipn/${source.id}`,
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          rawBody,
          remoteAddress: '127.0.0.1',
        }),
      ),
    );
    for (const result of results)
      if (result.ack.body !== 'OK') throw new Error(`not OK: ${result.ack.body}`);
    const walAfter = readWalIndex(shm);
    // Frames copied back in the same WAL (not restarted meanwhile): a checkpoint ran.
    const copied =
      walBefore !== null &&
      walAfter !== null &&
      walAfter.mxFrame >= walBefore.mxFrame &&
      walAfter.nBackfill > walBefore.nBackfill;
    (copied ? checkpointed : plain).push(performance.now() - groupStarted);
  }
  const used = process.cpuUsage(before);
  const main = WRITER_THREAD
    ? `, main thread ${((mainThreadCpuMs() - mainBefore) / COUNT).toFixed(4)} ms`
    : '';
  const ms = performance.now() - started;
  process.stdout.write(
    `${round === 0 ? 'warm-up' : `round ${round}`}: ${((used.user + used.system) / 1000 / COUNT).toFixed(4)} ms CPU per notification${main}, ` +
      `${((1000 * COUNT) / ms).toFixed(0)}/s, on disk ${(bytesOnDisk() / 1024 / 1024).toFixed(1)} MB, RSS ${(process.memoryUsage.rss() / 1024 / 1024).toFixed(0)} MB\n` +
      `  groups of ${AT_ONCE}: ${waits('with a checkpoint', checkpointed)}; ${waits('without', plain)}\n`,
  );
}
closeSync(shm);
await runtime.close();
if (values.keep) process.stdout.write(`database kept in ${dataDir}\n`);
else rmSync(dataDir, { recursive: true, force: true });
