/**
 * One benchmark scenario in its own process (the machine has two cores: the server gets one,
 * the load generator in the parent the other). Started by `bench/child.ts` with its options as
 * one JSON argument (compiled, `node server.js '<json>'`, or from source under tsx); prints
 * `READY {json}` once it listens, then answers commands read from stdin, one per line, each
 * with one `<TAG> {json}` line (schemas in `bench/protocol.ts`):
 *
 * - `stats`   → `STATS`: rows stored so far and the peak RSS until now.
 * - `deliver` → `DELIVERED`: starts the delivery worker against a local sink and reports
 *   deliveries per second once no delivery is pending any more (ipnhub scenarios only).
 * - `memory`  → `MEMORY`: the memory as it is; `memory gc` first runs a full garbage collection
 *   (when started with `--expose-gc`), to tell what is retained from what is not yet collected.
 * - `stop`    → `DONE`: closes everything, reports the peak RSS and exits.
 *
 * Anything else on stdout is ignored by the parent; logs go to stderr.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { FastifyInstance } from 'fastify';
import type { Runtime } from '../src/runtime.js';
import { buildBaselineApp } from './baseline.js';
import { startSink } from './sink.js';
import { serverOptionsSchema } from './protocol.js';
import type { Delivered, Memory, ServerOptions, Stats } from './protocol.js';

interface Scenario {
  port: number;
  path: string;
  stats(): Promise<Stats>;
  deliver(): Promise<Delivered | null>;
  close(): Promise<void>;
}

function send(tag: string, payload: unknown): void {
  process.stdout.write(`${tag} ${JSON.stringify(payload)}\n`);
}

const HIGH_WATER = /^VmHWM:\s+(\d+) kB$/m;

/**
 * This process's peak RSS in KiB and where it came from. On Linux: `VmHWM` of
 * /proc/self/status, the high-water mark of this process image. Not
 * `process.resourceUsage().maxRSS` there: Linux carries ru_maxrss over fork and exec, so a
 * child of the load generator would report the parent's peak (hundreds of MB of
 * pre-generated bodies) instead of its own.
 */
function peakRss(): { kib: number; source: 'VmHWM' | 'maxRSS' } {
  try {
    const match = HIGH_WATER.exec(readFileSync('/proc/self/status', 'utf8'));
    if (match?.[1] !== undefined) return { kib: Number(match[1]), source: 'VmHWM' };
  } catch {
    // Not Linux: fall back to getrusage.
  }
  return { kib: process.resourceUsage().maxRSS, source: 'maxRSS' };
}

function peakRssKiB(): number {
  return peakRss().kib;
}

const MIB = 1024 * 1024;

function memory(collect: boolean): Memory {
  const gc: unknown = Reflect.get(globalThis, 'gc');
  const collected = collect && typeof gc === 'function';
  if (collected) {
    // Twice: the first pass may only finalize what the second frees.
    Reflect.apply(gc, globalThis, []);
    Reflect.apply(gc, globalThis, []);
  }
  const m = process.memoryUsage();
  const mib = (bytes: number): number => Math.round((bytes / MIB) * 10) / 10;
  return { collected, rssMiB: mib(m.rss), heapUsedMiB: mib(m.heapUsed), heapTotalMiB: mib(m.heapTotal), externalMiB: mib(m.external), arrayBuffersMiB: mib(m.arrayBuffers) };
}

async function listen(app: FastifyInstance): Promise<number> {
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('the server has no TCP address');
  return address.port;
}

async function startBaseline(options: ServerOptions): Promise<Scenario> {
  const app = buildBaselineApp(options.passphrase);
  const port = await listen(app);
  return {
    port,
    path: '/ipn/src_baseline',
    stats: async () => ({ peakRssKiB: peakRssKiB() }),
    deliver: async () => null,
    close: () => app.close(),
  };
}

async function countDeliveries(runtime: Runtime): Promise<Record<string, number>> {
  const rows = await runtime.dbHandle.db
    .selectFrom('deliveries')
    .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
    .groupBy('status')
    .execute();
  return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
}

/** Pending or delivering: an index range, cheap enough to poll while the worker runs. */
async function countOpen(runtime: Runtime): Promise<number> {
  const row = await runtime.dbHandle.db
    .selectFrom('deliveries')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('status', 'in', ['pending', 'delivering'])
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

async function countRows(runtime: Runtime, table: 'events' | 'inbound_requests' | 'deliveries'): Promise<number> {
  const row = await runtime.dbHandle.db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

async function startIpnhub(options: ServerOptions): Promise<Scenario> {
  // Loaded here, not at the top: the baseline process must not load (or pay for) ipnhub.
  const [{ loadConfig }, { createLogger }, { createRuntime }] = await Promise.all([
    import('../src/config/config.js'),
    import('../src/lib/logger.js'),
    import('../src/runtime.js'),
  ]);
  const dataDir = mkdtempSync(join(tmpdir(), 'ipnhub-bench-'));
  const sink = await startSink();
  const postgres = options.scenario === 'ipnhub-postgres';
  if (postgres && options.databaseUrl === undefined) throw new Error('ipnhub-postgres needs databaseUrl');
  // Defaults everywhere else: SQLite WAL + synchronous=FULL with group commit, or PostgreSQL
  // with fsync and synchronous_commit on. Nothing is read from the environment.
  const config = loadConfig(
    {},
    {
      dataDir,
      databaseUrl: postgres ? options.databaseUrl : undefined,
      masterKey: postgres ? randomBytes(32).toString('base64') : undefined,
      logLevel: 'warn',
      inboundRateLimitPerMinute: 0,
      outboundAllowList: ['127.0.0.1'],
      workerConcurrency: options.workerConcurrency,
      ingestWriterThread: options.ingestWriterThread,
    },
  );
  const runtime = await createRuntime(config, { logger: createLogger('warn', process.stderr), skipAdminToken: true });
  const source = await runtime.sources.create({ provider: 'digistore24', name: 'Benchmark DS24', config: { passphrase: options.passphrase } });
  await runtime.connections.create({
    connector: 'webhook',
    name: 'Benchmark sink',
    filters: { eventTypes: ['payment'] },
    config: { url: `${sink.url}/hooks/payments` },
  });
  const app = await runtime.buildApp();
  const port = await listen(app);

  async function deliver(): Promise<Delivered> {
    const before = await countDeliveries(runtime);
    const queued = (before.pending ?? 0) + (before.delivering ?? 0);
    const startedAt = Date.now();
    await runtime.worker.start();
    let drained = false;
    while (Date.now() - startedAt < options.deliveryTimeoutMs) {
      if ((await countOpen(runtime)) === 0) {
        drained = true;
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    // The end of the phase is the last recorded outcome, not the poll that noticed it.
    const last = await runtime.dbHandle.db
      .selectFrom('deliveries')
      .select((eb) => eb.fn.max('completed_at').as('at'))
      .executeTakeFirst();
    await runtime.worker.stop();
    // Not drained: the phase ends once the attempts in flight have finished and been counted.
    const endedAt = drained && typeof last?.at === 'string' ? Date.parse(last.at) : Date.now();
    const after = await countDeliveries(runtime);
    const done = (after.delivered ?? 0) - (before.delivered ?? 0);
    const seconds = Math.max(1, endedAt - startedAt) / 1000;
    return {
      queued,
      delivered: done,
      notDelivered: Object.entries(after).filter(([status]) => status !== 'delivered').reduce((sum, [, n]) => sum + n, 0),
      sinkRequests: sink.requests(),
      drained,
      seconds,
      perSecond: done / seconds,
      peakRssKiB: peakRssKiB(),
    };
  }

  return {
    port,
    path: `/ipn/${source.id}`,
    async stats() {
      return {
        inboundRequests: await countRows(runtime, 'inbound_requests'),
        events: await countRows(runtime, 'events'),
        deliveries: await countRows(runtime, 'deliveries'),
        peakRssKiB: peakRssKiB(),
      };
    },
    deliver,
    async close() {
      await app.close();
      await runtime.close();
      await sink.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function main(): Promise<void> {
  const options = serverOptionsSchema.parse(JSON.parse(process.argv[2] ?? '{}'));
  const scenario = options.scenario === 'baseline' ? await startBaseline(options) : await startIpnhub(options);
  send('READY', { scenario: options.scenario, port: scenario.port, path: scenario.path, pid: process.pid, peakRssKiB: peakRssKiB() });

  const lines = createInterface({ input: process.stdin });
  for await (const line of lines) {
    const command = line.trim();
    if (command === 'stats') send('STATS', await scenario.stats());
    else if (command === 'deliver') send('DELIVERED', await scenario.deliver());
    else if (command === 'memory' || command === 'memory gc') send('MEMORY', memory(command === 'memory gc'));
    else if (command === 'stop') {
      await scenario.close();
      const rss = peakRss();
      send('DONE', { peakRssKiB: rss.kib, rssSource: rss.source });
      break;
    } else if (command !== '') send('ERROR', { message: `unknown command ${JSON.stringify(command)}` });
  }
  lines.close();
  process.stdin.destroy();
}

main().catch((err: unknown) => {
  send('ERROR', { message: err instanceof Error ? (err.stack ?? err.message) : String(err) });
  process.exitCode = 1;
  process.stdin.destroy();
});
