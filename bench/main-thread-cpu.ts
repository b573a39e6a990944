/**
 * The main thread's CPU per notification on the ingest path, without HTTP: signed Digistore24
 * `on_payment` bodies (bench/payloads.ts) through `runtime.ingest.receive`, 50 at a time as
 * under the closed-loop load, with the writer thread as `ipnhub serve` runs it (SQLite, WAL,
 * synchronous=FULL). The main thread's own CPU is read from Linux's per-thread counters
 * (`/proc/self/task/<pid>/stat`), apart from the writer thread's and V8's helpers', which
 * `process.cpuUsage()` adds in:
 *
 *   node --import tsx bench/main-thread-cpu.ts [--count 10000] [--rounds 3]
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config/config.js';
import { silentLogger } from '../src/lib/logger.js';
import { createRuntime } from '../src/runtime.js';
import { signedPaymentBodies } from './payloads.js';

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '10000' },
    rounds: { type: 'string', default: '3' },
  },
});
const COUNT = Number(values.count);
const ROUNDS = Number(values.rounds);
const AT_ONCE = 50;
const PASSPHRASE = 'bench-passphrase';
// Linux counts thread CPU in clock ticks of 1/100 s (USER_HZ).
const TICK_MS = 10;

/** CPU time (user + system) of the main thread so far, in ms. */
function mainThreadCpuMs(): number {
  const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces) in parentheses; utime and stime are 14 and 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
}

const dataDir = mkdtempSync(join(tmpdir(), 'ipnhub-main-thread-'));
const runtime = await createRuntime(loadConfig({}, { dataDir, logLevel: 'warn' }), {
  logger: silentLogger(),
  skipAdminToken: true,
});
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

for (let round = 0; round <= ROUNDS; round++) {
  const bodies = signedPaymentBodies(COUNT, {
    passphrase: PASSPHRASE,
    prefix: `M${String.fromCharCode(65 + round)}`,
  });
  const mainBefore = mainThreadCpuMs();
  const before = process.cpuUsage();
  for (let done = 0; done < COUNT; done += AT_ONCE) {
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
  }
  const used = process.cpuUsage(before);
  const main = mainThreadCpuMs() - mainBefore;
  process.stdout.write(
    `${round === 0 ? 'warm-up' : `round ${round}`}: main thread ${(main / COUNT).toFixed(4)} ms CPU per notification, ` +
      `all threads ${((used.user + used.system) / 1000 / COUNT).toFixed(4)} ms\n`,
  );
}
await runtime.close();
rmSync(dataDir, { recursive: true, force: true });
