/**
 * One benchmark scenario in its own process (the machine has two cores: the server gets one,
 * the load generator in the parent the other). Started by `bench/child.ts` with its options as
 * one JSON argument (compiled, `node server.js '<json>'`, or from source under tsx); prints
 * `READY {json}` once it listens, then answers commands read from stdin, one per line, each
 * with one `<TAG> {json}` line (schemas in `bench/protocol.ts`):
 *
 * - `stats`   → `STATS`: rows stored so far and the peak RSS until now.
 * - `deliver [n]` → `DELIVERED`: starts the delivery worker against a local sink and reports
 *   deliveries per second once no delivery is pending any more (ipnhub scenarios only); with
 *   `n`, first tops the queue up to at least `n` pending deliveries (copies of the stored ones).
 * - `documents <n>` → `DOCUMENTS`: gives `n` stored payments a document job, as the ingest
 *   commit does when the source's profile has invoicing on, and runs the worker until they are
 *   issued, rendered with the real PDF renderer and mailed to a local SMTP sink; reports
 *   documents per second (ipnhub scenarios only).
 * - `memory`  → `MEMORY`: the memory as it is; `memory gc` first runs a full garbage collection
 *   (when started with `--expose-gc`), to tell what is retained from what is not yet collected.
 * - `stop`    → `DONE`: closes everything, reports the peak RSS and exits.
 *
 * Anything else on stdout is ignored by the parent; logs go to stderr.
 */
import cluster from 'node:cluster';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PerformanceObserver, performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import type { FastifyInstance } from 'fastify';
import { newId } from '../src/core/ids.js';
import type { Runtime } from '../src/runtime.js';
import { buildBaselineApp } from './baseline.js';
import { runClusterChild, startCluster2x2 } from './cluster-2x2.js';
import { startSinkProcess } from './sink.js';
import { startSmtpCountingSink } from './smtp-sink.js';
import { serverOptionsSchema } from './protocol.js';
import type {
  Delivered,
  DocumentsDone,
  Memory,
  ProcessCpu,
  ServerOptions,
  Stats,
} from './protocol.js';

interface Scenario {
  port: number;
  path: string;
  stats(): Promise<Stats>;
  deliver(atLeast: number): Promise<Delivered | null>;
  documents(count: number): Promise<DocumentsDone | null>;
  /** CPU per process (the 2x2 scenario's children; empty otherwise). */
  breakdown(): Promise<ProcessCpu[]>;
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

/** CPU time this process has used, all threads, in ms. */
function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/**
 * How busy the main thread is from now until `stop()`: the time its event loop was not waiting
 * (JavaScript, synchronous SQLite with its fsyncs, collections) and the part of that spent
 * collecting garbage. The worker runs on the main thread, so on a busy main thread these say
 * where a delivery's time goes more steadily than the rate does on a noisy machine.
 */
function mainThreadUse(): { stop(): { busyMs: number; share: number; gcMs: number } } {
  const loopAtStart = performance.eventLoopUtilization();
  let gcMs = 0;
  const add = (entries: readonly { duration: number }[]): void => {
    for (const entry of entries) gcMs += entry.duration;
  };
  const observer = new PerformanceObserver((list) => add(list.getEntries()));
  observer.observe({ entryTypes: ['gc'] });
  return {
    stop() {
      add(observer.takeRecords());
      observer.disconnect();
      const loop = performance.eventLoopUtilization(loopAtStart);
      return { busyMs: loop.active, share: loop.utilization, gcMs };
    },
  };
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
  return {
    collected,
    rssMiB: mib(m.rss),
    heapUsedMiB: mib(m.heapUsed),
    heapTotalMiB: mib(m.heapTotal),
    externalMiB: mib(m.external),
    arrayBuffersMiB: mib(m.arrayBuffers),
  };
}

async function listen(app: FastifyInstance): Promise<number> {
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  if (address === null || typeof address === 'string')
    throw new Error('the server has no TCP address');
  return address.port;
}

async function startBaseline(options: ServerOptions): Promise<Scenario> {
  const app = buildBaselineApp(options.passphrase);
  const port = await listen(app);
  return {
    port,
    path: '/ipn/src_baseline',
    stats: async () => ({ peakRssKiB: peakRssKiB(), cpuMs: cpuMs() }),
    deliver: async () => null,
    documents: async () => null,
    breakdown: async () => [],
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

/**
 * Tops the queue up to at least `atLeast` pending deliveries with copies of the stored ones,
 * each with a copy of its event (a delivery is one per event and connection) and an order key of
 * its own (so the FIFO rule holds none back), so the delivery phase does not hang on how many
 * notifications a slow ingest phase stored.
 *
 * It runs in the server process, whose peak RSS the bench reports: the stored deliveries are
 * read a chunk at a time, with only that chunk's events, and nothing is read when the queue is
 * long enough already. (Reading every pending delivery and every event at once put ~220 MB of
 * rows on the heap before the delivery phase at 52 000 stored notifications, and the heap limit
 * V8 derived from it let the delivery phase's garbage pile up to a peak RSS of 555 MB.)
 */
async function topUpDeliveries(runtime: Runtime, atLeast: number): Promise<void> {
  const db = runtime.dbHandle.db;
  const stored = await db
    .selectFrom('deliveries')
    .select([(eb) => eb.fn.countAll<number>().as('n'), (eb) => eb.fn.max('id').as('last')])
    .where('status', '=', 'pending')
    .executeTakeFirstOrThrow();
  const originals = Number(stored.n);
  const lastOriginal = stored.last;
  if (originals === 0 || originals >= atLeast || lastOriginal === null) return;
  const CHUNK = 200;
  // The originals in id order, over and over (copy n is of original n mod `originals`); the
  // copies get ids after `lastOriginal` and are not copied again.
  let after = '';
  for (let n = originals; n < atLeast; ) {
    const chunk = await db
      .selectFrom('deliveries')
      .selectAll()
      .where('status', '=', 'pending')
      .where('id', '>', after)
      .where('id', '<=', lastOriginal)
      .orderBy('id')
      .limit(Math.min(CHUNK, atLeast - n))
      .execute();
    const lastOfChunk = chunk.at(-1);
    if (lastOfChunk === undefined) {
      if (after === '') return;
      after = '';
      continue;
    }
    after = lastOfChunk.id;
    const events = new Map(
      (
        await db
          .selectFrom('events')
          .selectAll()
          .where('id', 'in', [...new Set(chunk.map((d) => d.event_id))])
          .execute()
      ).map((event) => [event.id, event]),
    );
    const copies = [];
    for (const original of chunk) {
      const event = events.get(original.event_id);
      if (!event) return;
      // A delivery per event and connection: each copy gets an event of its own.
      const eventId = newId('event');
      copies.push({
        event: { ...event, id: eventId, dedup_key: `${event.dedup_key}#${n}` },
        delivery: {
          ...original,
          id: newId('delivery'),
          event_id: eventId,
          order_key: `${original.order_key}#${n}`,
        },
      });
      n++;
    }
    await db
      .insertInto('events')
      .values(copies.map((c) => c.event))
      .execute();
    await db
      .insertInto('deliveries')
      .values(copies.map((c) => c.delivery))
      .execute();
  }
}

/**
 * Whether any delivery is still pending or delivering. Polled every 100 ms on the server's own
 * main thread while the worker runs, so it stops at the first row: counting them all took ~2 ms
 * per poll over 40,000 deliveries, ~2 % of the delivery phase's main thread charged to ipnhub.
 */
async function anyOpen(runtime: Runtime): Promise<boolean> {
  const row = await runtime.dbHandle.db
    .selectFrom('deliveries')
    .select('id')
    .where('status', 'in', ['pending', 'delivering'])
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

async function countRows(
  runtime: Runtime,
  table: 'events' | 'inbound_requests' | 'deliveries' | 'document_jobs',
): Promise<number> {
  const row = await runtime.dbHandle.db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Document jobs, documents to render and mails to send that are left. */
async function openDocumentWork(runtime: Runtime): Promise<number> {
  const db = runtime.dbHandle.db;
  const [jobs, renders, mails] = await Promise.all([
    db
      .selectFrom('document_jobs')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('documents')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('render_state', '=', 'pending')
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('document_mails')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('status', '=', 'pending')
      .executeTakeFirstOrThrow(),
  ]);
  return Number(jobs.n) + Number(renders.n) + Number(mails.n);
}

/**
 * A German seller with a logo, invoicing on, attached to the benchmark's Digistore24 source.
 * `issueForPlatformSales` is on so that its payments get documents (a Digistore24 sale would
 * otherwise get only the mails with Digistore24's links); the ingest commit queues a document
 * job for every payment of an attached source either way.
 */
async function addProfile(runtime: Runtime, sourceId: string): Promise<string> {
  const [{ SAMPLE_LOGO_PNG_BASE64 }, { sampleProfileSettings }] = await Promise.all([
    import('../src/invoicing/pdf/test-support/sample-snapshots.js'),
    import('../src/invoicing/test-support/invoicing-fixtures.js'),
  ]);
  const profile = await runtime.profiles.create({
    name: 'Benchmark seller',
    invoicing: true,
    settings: sampleProfileSettings({ issueForPlatformSales: true }),
  });
  await runtime.profiles.setLogo(profile.id, SAMPLE_LOGO_PNG_BASE64);
  await runtime.profiles.attach(profile.id, sourceId);
  return profile.id;
}

async function startIpnhub(options: ServerOptions): Promise<Scenario> {
  // Loaded here, not at the top: the baseline process must not load (or pay for) ipnhub.
  const [{ loadConfig }, { createLogger }, { createRuntime }, { tuneHeapForServer }] =
    await Promise.all([
      import('../src/config/config.js'),
      import('../src/lib/logger.js'),
      import('../src/runtime.js'),
      import('../src/lib/heap-tuning.js'),
    ]);
  // This child is the benchmark's `ipnhub serve`: the same process-wide settings.
  tuneHeapForServer();
  const dataDir = mkdtempSync(join(tmpdir(), 'ipnhub-bench-'));
  // The delivery target runs in a process of its own, as a real target would not share this
  // server's CPU (in the same process it cost about a third of the delivery phase's CPU).
  const sink = await startSinkProcess();
  const smtp = await startSmtpCountingSink();
  const twoByTwo = options.scenario === 'ipnhub-postgres-2x2';
  const postgres = options.scenario === 'ipnhub-postgres' || twoByTwo;
  if (postgres && options.databaseUrl === undefined)
    throw new Error(`${options.scenario} needs databaseUrl`);
  // Every process of the 2x2 scenario opens the database with the same master key.
  const masterKey = randomBytes(32).toString('base64');
  // Defaults everywhere else: SQLite WAL + synchronous=FULL with group commit, or PostgreSQL
  // with fsync and synchronous_commit on. Nothing is read from the environment.
  const config = loadConfig(
    {},
    {
      dataDir,
      databaseUrl: postgres ? options.databaseUrl : undefined,
      masterKey: postgres ? masterKey : undefined,
      logLevel: 'warn',
      inboundRateLimitPerMinute: 0,
      outboundAllowList: ['127.0.0.1'],
      workerConcurrency: options.workerConcurrency,
      ingestWriterThread: options.ingestWriterThread,
      smtpUrl: smtp.url,
    },
  );
  const runtime = await createRuntime(config, {
    logger: createLogger('warn', process.stderr),
    skipAdminToken: true,
  });
  const source = await runtime.sources.create({
    provider: 'digistore24',
    name: 'Benchmark DS24',
    config: { passphrase: options.passphrase },
  });
  await runtime.connections.create({
    connector: 'webhook',
    name: 'Benchmark sink',
    filters: { eventTypes: ['payment'] },
    config: { url: `${sink.url}/hooks/payments` },
  });
  let profileId =
    options.scenario === 'ipnhub-sqlite-invoicing' ? await addProfile(runtime, source.id) : null;
  // 2x2: the two server processes listen, this one only coordinates.
  const cluster2x2 = twoByTwo ? await startCluster2x2({ options, dataDir, masterKey }) : null;
  const app = cluster2x2 ? null : await runtime.buildApp();
  const port = cluster2x2 ? cluster2x2.port : await listen(app as FastifyInstance);
  const startWorker = (): Promise<void> => cluster2x2?.startWorkers() ?? runtime.worker.start();
  const stopWorker = (): Promise<void> => cluster2x2?.stopWorkers() ?? runtime.worker.stop();

  async function deliver(atLeast: number): Promise<Delivered> {
    await topUpDeliveries(runtime, atLeast);
    const before = await countDeliveries(runtime);
    const queued = (before.pending ?? 0) + (before.delivering ?? 0);
    const startedAt = Date.now();
    const cpuAtStart = cpuMs();
    const mainThread = mainThreadUse();
    await startWorker();
    let drained = false;
    while (Date.now() - startedAt < options.deliveryTimeoutMs) {
      if (!(await anyOpen(runtime))) {
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
    await stopWorker();
    const cpuUsed = cpuMs() - cpuAtStart;
    const used = mainThread.stop();
    // Not drained: the phase ends once the attempts in flight have finished and been counted.
    const endedAt = drained && typeof last?.at === 'string' ? Date.parse(last.at) : Date.now();
    const after = await countDeliveries(runtime);
    const done = (after.delivered ?? 0) - (before.delivered ?? 0);
    const seconds = Math.max(1, endedAt - startedAt) / 1000;
    return {
      queued,
      delivered: done,
      notDelivered: Object.entries(after)
        .filter(([status]) => status !== 'delivered')
        .reduce((sum, [, n]) => sum + n, 0),
      sinkRequests: await sink.requests(),
      drained,
      seconds,
      perSecond: done / seconds,
      cpuMsPerDelivery: done > 0 ? cpuUsed / done : 0,
      // In the 2x2 scenario the worker processes deliver; this process only coordinates.
      ...(cluster2x2 || done === 0
        ? { mainThreadBusyMsPerDelivery: null, mainThreadBusyShare: null, gcMsPerDelivery: null }
        : {
            mainThreadBusyMsPerDelivery: used.busyMs / done,
            mainThreadBusyShare: used.share,
            gcMsPerDelivery: used.gcMs / done,
          }),
      peakRssKiB: peakRssKiB(),
    };
  }

  async function documents(count: number): Promise<DocumentsDone> {
    const db = runtime.dbHandle.db;
    profileId ??= await addProfile(runtime, source.id);
    const payments = await db
      .selectFrom('events')
      .select('id')
      .where('type', '=', 'payment')
      .orderBy('id')
      .limit(count)
      .execute();
    const queuedAt = new Date().toISOString();
    for (let i = 0; i < payments.length; i += 100) {
      const jobs = payments.slice(i, i + 100).map((e) => ({
        event_id: e.id,
        profile_id: profileId ?? '',
        attempts: 0,
        next_attempt_at: queuedAt,
        lease_until: null,
        last_error: null,
        created_at: queuedAt,
      }));
      await db.insertInto('document_jobs').values(jobs).execute();
    }
    const startedAt = Date.now();
    let drained = false;
    // The worker's own round (issue, render, mail: what its poll loop runs), until nothing is left.
    while (Date.now() - startedAt < options.deliveryTimeoutMs) {
      await runtime.worker.runOnce();
      if ((await openDocumentWork(runtime)) === 0) {
        drained = true;
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const last = await db
      .selectFrom('document_mails')
      .select((eb) => eb.fn.max('sent_at').as('at'))
      .executeTakeFirst();
    const endedAt = drained && typeof last?.at === 'string' ? Date.parse(last.at) : Date.now();
    const seconds = Math.max(1, endedAt - startedAt) / 1000;
    const mails = await db
      .selectFrom('document_mails')
      .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
      .groupBy('status')
      .execute();
    const sent = Number(mails.find((m) => m.status === 'sent')?.n ?? 0);
    const rendered = await db
      .selectFrom('documents')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('render_state', '=', 'rendered')
      .executeTakeFirstOrThrow();
    const issued = await db
      .selectFrom('documents')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return {
      queued: payments.length,
      issued: Number(issued.n),
      rendered: Number(rendered.n),
      mailsSent: sent,
      mailsNotSent: mails.reduce((sum, m) => sum + (m.status === 'sent' ? 0 : Number(m.n)), 0),
      smtpMessages: smtp.messages(),
      smtpKiBPerMessage: smtp.messages() === 0 ? 0 : smtp.bytes() / smtp.messages() / 1024,
      drained,
      seconds,
      perSecond: Number(rendered.n) / seconds,
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
        documentJobs: await countRows(runtime, 'document_jobs'),
        peakRssKiB: peakRssKiB(),
        // The 2x2 scenario's servers do the work: their CPU counts with this process's.
        cpuMs:
          cpuMs() +
          (cluster2x2 ? (await cluster2x2.cpu()).reduce((sum, p) => sum + p.cpuMs, 0) : 0),
      };
    },
    deliver,
    documents,
    breakdown: async () => {
      if (!cluster2x2) return [];
      return [
        { role: 'coordinator', pid: process.pid, cpuMs: cpuMs() },
        ...(await cluster2x2.cpu()),
      ];
    },
    async close() {
      await cluster2x2?.close();
      await app?.close();
      await runtime.close();
      await sink.close();
      await smtp.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function main(): Promise<void> {
  // A server or worker process of the 2x2 scenario, forked by its coordinator.
  if (cluster.isWorker) {
    await runClusterChild();
    return;
  }
  const options = serverOptionsSchema.parse(JSON.parse(process.argv[2] ?? '{}'));
  const scenario =
    options.scenario === 'baseline' ? await startBaseline(options) : await startIpnhub(options);
  send('READY', {
    scenario: options.scenario,
    port: scenario.port,
    path: scenario.path,
    pid: process.pid,
    peakRssKiB: peakRssKiB(),
    cpuMs: cpuMs(),
  });

  const lines = createInterface({ input: process.stdin });
  for await (const line of lines) {
    const command = line.trim();
    if (command === 'stats') send('STATS', await scenario.stats());
    else if (command === 'deliver' || command.startsWith('deliver '))
      send('DELIVERED', await scenario.deliver(Number(command.slice('deliver'.length)) || 0));
    else if (command.startsWith('documents '))
      send('DOCUMENTS', await scenario.documents(Number(command.slice('documents '.length))));
    else if (command === 'breakdown') send('BREAKDOWN', { processes: await scenario.breakdown() });
    else if (command === 'memory' || command === 'memory gc')
      send('MEMORY', memory(command === 'memory gc'));
    else if (command === 'stop') {
      await scenario.close();
      const rss = peakRss();
      send('DONE', { peakRssKiB: rss.kib, rssSource: rss.source });
      break;
    } else if (command !== '')
      send('ERROR', { message: `unknown command ${JSON.stringify(command)}` });
  }
  lines.close();
  process.stdin.destroy();
}

main().catch((err: unknown) => {
  send('ERROR', { message: err instanceof Error ? (err.stack ?? err.message) : String(err) });
  process.exitCode = 1;
  process.stdin.destroy();
});
