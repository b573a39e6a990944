/**
 * `npm run bench`: ingest and delivery figures for ipnhub, as ratios to a bare Fastify baseline
 * measured in the same run (these machines are noisy): the baseline runs first and again after
 * each ipnhub scenario, and each scenario's ratio is to the mean of the two baselines around
 * it (a change in the machine's speed meanwhile is printed with it). Each server runs in its own child
 * process; the load generator runs here. Scenarios, in order: `baseline`, `ipnhub-sqlite`,
 * `ipnhub-sqlite-invoicing` (the same with invoicing on: ingest only, compared with
 * `ipnhub-sqlite`), `ipnhub-postgres` (on an embedded PostgreSQL started for the run),
 * `ipnhub-postgres-2x2` (two server processes on one port, two worker processes). After
 * their delivery phase, `ipnhub-sqlite` and `ipnhub-postgres` issue, render and mail documents
 * for some of their stored payments. docs/benchmarks.md explains the method and records the
 * figures.
 *
 * Flags (or environment variables for quick runs):
 *   --duration <s>     measured seconds per ingest phase (BENCH_DURATION, default 10)
 *   --warmup <s>       warm-up seconds before each (BENCH_WARMUP, default 2)
 *   --scenario <name>  ipnhub scenario(s) to run, repeatable or comma-separated
 *                      (BENCH_SCENARIO, default both); the baseline always runs
 *   --delivery-limit <s>  longest delivery or documents phase; a queue not empty by then is
 *                      reported as not drained (BENCH_DELIVERY_LIMIT, default 90)
 *   --deliveries <n>   top the queue up to at least n deliveries before the delivery phase
 *                      (copies of the stored ones; BENCH_DELIVERIES, default: as ingested)
 *   --documents <n>    stored payments given a document in the documents phase
 *                      (BENCH_DOCUMENTS, default 100)
 *   --open-rate <n>    the open loop's fixed rate, requests per second, run after each closed
 *                      loop (BENCH_OPEN_RATE, default 1000; 0 skips it)
 *   --cpu-prof <dir>   write a V8 CPU profile of each server process to <dir> (BENCH_CPU_PROF)
 *   --tsx              run the servers from source under tsx instead of compiling them first
 *                      (BENCH_TSX=1; quicker to start, but their RSS includes the loader)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { startPostgres } from '../test/helpers/postgres-server.js';
import type { RunningPostgres } from '../test/helpers/postgres-server.js';
import { buildServer, startScenarioChild, tsxEntry } from './child.js';
import type { ServerEntry } from './child.js';
import { runLoad, runOpenLoop, sendLagWords } from './load.js';
import type { OpenLoopResult } from './load.js';
import { signedPaymentBodies } from './payloads.js';
import { postgresCpu, sampleWaits, warmWal } from './pg-usage.js';
import {
  breakdownSchema,
  deliveredSchema,
  documentsSchema,
  doneSchema,
  SCENARIOS,
  statsSchema,
} from './protocol.js';
import type { Delivered, DocumentsDone, ScenarioName, ServerOptions } from './protocol.js';
import {
  formatCpuComparison,
  formatPostgresUsage,
  formatTable,
  formatVerdicts,
  megabytes,
  OPEN_LOOP_RATE,
  ratioTo,
  verdicts,
} from './report.js';
import type { PostgresUsage, ScenarioResult } from './report.js';

const PASSPHRASE = 'bench-ipn-passphrase-2026';
const CONCURRENCY = 50;
const WORKER_CONCURRENCY = 8;
/** Distinct bodies the baseline cycles through; it stores nothing, so reuse costs it nothing extra. */
const BASELINE_BODIES = 5000;

interface Settings {
  durationS: number;
  warmupS: number;
  deliveryLimitS: number;
  /** 0: deliver what the ingest phase stored. */
  deliveries: number;
  documents: number;
  /** Requests per second of the open loop; 0: no open loop. */
  openRate: number;
  scenarios: ScenarioName[];
  cpuProfDir: string | null;
  tsx: boolean;
}

function positiveNumber(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0)
    throw new Error(`${name}: expected a positive number of seconds, got ${JSON.stringify(text)}`);
  return value;
}

function openRate(text: string | undefined): number {
  if (text === '0') return 0;
  return positiveNumber('--open-rate', text, OPEN_LOOP_RATE);
}

function isScenario(name: string): name is ScenarioName {
  return (SCENARIOS as readonly string[]).includes(name);
}

function readSettings(): Settings {
  const { values } = parseArgs({
    options: {
      duration: { type: 'string' },
      warmup: { type: 'string' },
      'delivery-limit': { type: 'string' },
      deliveries: { type: 'string' },
      documents: { type: 'string' },
      scenario: { type: 'string', multiple: true },
      'cpu-prof': { type: 'string' },
      'open-rate': { type: 'string' },
      tsx: { type: 'boolean' },
    },
    strict: true,
  });
  const env = process.env;
  const requested = (values.scenario ?? (env.BENCH_SCENARIO ? [env.BENCH_SCENARIO] : []))
    .flatMap((s) => s.split(','))
    .map((s) => s.trim())
    .filter((s) => s !== '' && s !== 'baseline');
  for (const name of requested) {
    if (!isScenario(name))
      throw new Error(
        `--scenario: unknown scenario ${JSON.stringify(name)}; known: ${SCENARIOS.join(', ')}`,
      );
  }
  const ipnhub = SCENARIOS.filter(
    (s) => s !== 'baseline' && (requested.length === 0 || requested.includes(s)),
  );
  const cpuProf = values['cpu-prof'] ?? env.BENCH_CPU_PROF;
  return {
    durationS: positiveNumber('--duration', values.duration ?? env.BENCH_DURATION, 10),
    warmupS: positiveNumber('--warmup', values.warmup ?? env.BENCH_WARMUP, 2),
    deliveryLimitS: positiveNumber(
      '--delivery-limit',
      values['delivery-limit'] ?? env.BENCH_DELIVERY_LIMIT,
      90,
    ),
    deliveries: Math.round(
      positiveNumber('--deliveries', values.deliveries ?? env.BENCH_DELIVERIES, 0),
    ),
    documents: Math.round(
      positiveNumber('--documents', values.documents ?? env.BENCH_DOCUMENTS, 100),
    ),
    openRate: openRate(values['open-rate'] ?? env.BENCH_OPEN_RATE),
    scenarios: ['baseline', ...ipnhub],
    cpuProfDir: cpuProf ? resolve(cpuProf) : null,
    tsx: values.tsx === true || env.BENCH_TSX === '1',
  };
}

function log(message: string): void {
  process.stdout.write(`${message}\n`);
}

/** A phase's heading with the machine's load averages: other work on it skews every figure. */
function logPhaseHeading(phase: string): void {
  log(
    `\n[${phase}] load average ${loadavg()
      .map((n) => n.toFixed(2))
      .join(' ')}`,
  );
}

interface PostgresInfo {
  server: RunningPostgres;
  url: string;
  /** The 2x2 scenario's own empty database. */
  url2x2: string;
  version: string;
  fsync: string;
  synchronousCommit: string;
}

async function startBenchPostgres(): Promise<PostgresInfo> {
  const server = await startPostgres();
  const admin = new pg.Client({ connectionString: server.adminUrl });
  await admin.connect();
  try {
    await admin.query('CREATE DATABASE ipnhub_bench');
    await admin.query('CREATE DATABASE ipnhub_bench_2x2');
    const setting = async (name: string): Promise<string> => {
      const res = await admin.query<{ value: string }>('SELECT current_setting($1) AS value', [
        name,
      ]);
      return res.rows[0]?.value ?? '?';
    };
    return {
      server,
      url: server.url('ipnhub_bench'),
      url2x2: server.url('ipnhub_bench_2x2'),
      version: await setting('server_version'),
      fsync: await setting('fsync'),
      synchronousCommit: await setting('synchronous_commit'),
    };
  } finally {
    await admin.end();
  }
}

/** `, main thread busy 0.250 ms per delivery (93 % of the phase), GC 0.031 ms`, when measured. */
function mainThreadLine(delivery: Delivered): string {
  const {
    mainThreadBusyMsPerDelivery: busy,
    mainThreadBusyShare: share,
    gcMsPerDelivery: gc,
  } = delivery;
  if (busy === null || share === null || gc === null) return '';
  return `, main thread busy ${busy.toFixed(3)} ms per delivery (${Math.round(share * 100)} % of the phase), GC ${gc.toFixed(3)} ms`;
}

async function runScenario(
  entry: ServerEntry,
  name: ScenarioName,
  settings: Settings,
  bodies: readonly Buffer[],
  options: { cycle: boolean; databaseUrl?: string; postgresAdminUrl?: string },
): Promise<ScenarioResult> {
  const serverOptions: ServerOptions = {
    scenario: name,
    passphrase: PASSPHRASE,
    databaseUrl: options.databaseUrl,
    workerConcurrency: WORKER_CONCURRENCY,
    deliveryTimeoutMs: Math.max(1000, Math.round(settings.deliveryLimitS * 1000)),
  };
  const nodeFlags = settings.cpuProfDir
    ? // One directory per scenario, Node's own file names: one profile per thread (pid and thread id).
      ['--cpu-prof', `--cpu-prof-dir=${join(settings.cpuProfDir, name)}`]
    : [];
  const loadAverage = loadavg()[0] ?? 0;
  // The delivery answer may take the whole delivery limit, plus closing down.
  const child = await startScenarioChild(entry, serverOptions, {
    nodeFlags,
    timeoutMs: serverOptions.deliveryTimeoutMs + 60_000,
  });
  try {
    let next = 0;
    // PostgreSQL scenarios: the server's CPU and its backends' states over the ingest phase.
    const pgCpu =
      options.postgresAdminUrl && options.databaseUrl
        ? postgresCpu(options.postgresAdminUrl)
        : null;
    const pgCpuBefore = pgCpu?.read() ?? null;
    const waits = options.databaseUrl ? await sampleWaits(options.databaseUrl) : null;
    const ingest = await runLoad({
      origin: `http://127.0.0.1:${child.ready.port}`,
      path: child.ready.path,
      concurrency: CONCURRENCY,
      warmupMs: settings.warmupS * 1000,
      durationMs: settings.durationS * 1000,
      nextBody: () => (options.cycle ? bodies[next++ % bodies.length] : bodies[next++]),
    });
    log(
      `  ingest: ${ingest.throughput.toFixed(0)} req/s, p50 ${ingest.p50Ms.toFixed(1)} ms, p99 ${ingest.p99Ms.toFixed(1)} ms, ` +
        `${ingest.errors} errors, ${ingest.okTotal} OK answers in all, load generator at ${ingest.clientCpuCores.toFixed(2)} cores${ingest.exhausted ? ' — RAN OUT OF BODIES, window cut short' : ''}`,
    );
    for (const sample of ingest.errorSamples) log(`    error: ${sample}`);
    const pgCpuAfter = pgCpu?.read() ?? null;
    const backendStates = waits ? (await waits.stop()).states : [];
    // CPU per notification is the closed loop's (the open loop's batches are smaller).
    const afterClosedLoop = await child.ask('stats', 'STATS', statsSchema);
    let openLoop: OpenLoopResult | null = null;
    if (settings.openRate > 0) {
      openLoop = await runOpenLoop({
        origin: `http://127.0.0.1:${child.ready.port}`,
        path: child.ready.path,
        ratePerSecond: settings.openRate,
        warmupMs: settings.warmupS * 1000,
        durationMs: settings.durationS * 1000,
        nextBody: () => (options.cycle ? bodies[next++ % bodies.length] : bodies[next++]),
      });
      log(
        `  open loop at ${settings.openRate} req/s: p50 ${openLoop.p50Ms.toFixed(1)} ms, p99 ${openLoop.p99Ms.toFixed(1)} ms, max ${openLoop.maxMs.toFixed(1)} ms (from the scheduled send), ` +
          `${openLoop.okTotal} of ${openLoop.sent} answered OK, ${openLoop.errors} errors, ${sendLagWords(openLoop)}${openLoop.exhausted ? ' — RAN OUT OF BODIES' : ''}`,
      );
      for (const sample of openLoop.errorSamples) log(`    error: ${sample}`);
    }
    const stored = await child.ask('stats', 'STATS', statsSchema);
    let postgresUsage: PostgresUsage | undefined;
    if (pgCpu) {
      postgresUsage = {
        postgresCpuMsPerRequest:
          pgCpuBefore !== null && pgCpuAfter !== null && ingest.okTotal > 0
            ? (pgCpuAfter - pgCpuBefore) / ingest.okTotal
            : null,
        backendStates,
        processes: (await child.ask('breakdown', 'BREAKDOWN', breakdownSchema)).processes,
      };
      log(formatPostgresUsage(postgresUsage, ingest.okTotal));
    }
    let delivery: Delivered | null = null;
    let documents: DocumentsDone | null = null;
    if (name !== 'baseline') {
      log(
        `  stored: ${stored.inboundRequests} inbound requests, ${stored.events} events, ${stored.deliveries} deliveries, ${stored.documentJobs} document jobs`,
      );
    }
    // The invoicing scenario is there for its ingest figure; its deliveries are ipnhub-sqlite's.
    if (name === 'ipnhub-postgres-2x2') {
      log('  delivering with 2 worker processes…');
      delivery = await child.ask('deliver', 'DELIVERED', deliveredSchema);
      log(
        `  delivery: ${delivery.delivered} of ${delivery.queued} in ${delivery.seconds.toFixed(1)} s = ${delivery.perSecond.toFixed(0)}/s` +
          `${delivery.drained ? '' : ' — QUEUE NOT DRAINED'}, sink saw ${delivery.sinkRequests}`,
      );
      const { processes } = await child.ask('breakdown', 'BREAKDOWN', breakdownSchema);
      log(
        `  CPU per process over the whole run: ${processes.map((p) => `${p.role} ${p.pid} ${(p.cpuMs / 1000).toFixed(1)} s`).join(', ')}`,
      );
    }
    if (name === 'ipnhub-sqlite' || name === 'ipnhub-postgres') {
      log('  delivering…');
      delivery = await child.ask(`deliver ${settings.deliveries}`, 'DELIVERED', deliveredSchema);
      log(
        `  delivery: ${delivery.delivered} of ${delivery.queued} in ${delivery.seconds.toFixed(1)} s = ${delivery.perSecond.toFixed(0)}/s` +
          `${delivery.drained ? '' : ' — QUEUE NOT DRAINED'}, sink saw ${delivery.sinkRequests}, ` +
          `server CPU ${delivery.cpuMsPerDelivery.toFixed(3)} ms per delivery${mainThreadLine(delivery)}`,
      );
      documents = await child.ask(`documents ${settings.documents}`, 'DOCUMENTS', documentsSchema);
      log(
        `  documents: ${documents.rendered} of ${documents.queued} stored payments issued, rendered and mailed in ${documents.seconds.toFixed(1)} s = ` +
          `${documents.perSecond.toFixed(1)}/s${documents.drained ? '' : ' — NOT DRAINED'}; ${documents.mailsSent} mails sent (${documents.mailsNotSent} not), ` +
          `SMTP sink took ${documents.smtpMessages} of ${documents.smtpKiBPerMessage.toFixed(0)} KiB each; peak RSS with the renderer ${megabytes(documents.peakRssKiB).toFixed(0)} MB`,
      );
    }
    const done = await child.ask('stop', 'DONE', doneSchema);
    await child.exited;
    log(
      `  peak RSS ${megabytes(done.peakRssKiB).toFixed(0)} MB by ${done.rssSource} (at start ${megabytes(child.ready.peakRssKiB).toFixed(0)} MB, after ingest ${megabytes(stored.peakRssKiB).toFixed(0)} MB` +
        `${delivery ? `, after delivery ${megabytes(delivery.peakRssKiB).toFixed(0)} MB` : ''})`,
    );
    return {
      name,
      ingest,
      openLoop,
      stored: name === 'baseline' ? null : stored,
      delivery,
      documents,
      cpuMsPerRequest:
        ingest.okTotal > 0 ? (afterClosedLoop.cpuMs - child.ready.cpuMs) / ingest.okTotal : null,
      loadAverage,
      // The RSS target covers ingest and delivery; the documents phase (which loads the PDF
      // renderer) reports its own peak.
      peakRssKiB: delivery?.peakRssKiB ?? done.peakRssKiB,
      rssSource: done.rssSource,
      startRssKiB: child.ready.peakRssKiB,
      ingestRssKiB: stored.peakRssKiB,
      postgresUsage,
    };
  } finally {
    child.kill();
  }
}

/**
 * The baseline's closed loop once more, right after the scenario `after` (no open loop): the
 * machine's speed now, for the ratio of the scenario before it and of the one after it. These
 * machines change speed by a third within minutes, and a scenario compared only with a baseline
 * measured minutes earlier showed 0.27 × in one run and 0.48 × in the next for one build.
 */
async function baselineAgain(
  entry: ServerEntry,
  settings: Settings,
  bodies: readonly Buffer[],
  after: ScenarioName,
): Promise<number> {
  logPhaseHeading(`baseline, again after ${after}`);
  const again = await runScenario(entry, 'baseline', { ...settings, openRate: 0 }, bodies, {
    cycle: true,
  });
  return again.ingest.throughput;
}

function generateBodies(count: number, prefix: string): Buffer[] {
  const started = performance.now();
  const bodies = signedPaymentBodies(count, { passphrase: PASSPHRASE, prefix });
  log(
    `  ${count} signed on_payment bodies generated in ${((performance.now() - started) / 1000).toFixed(1)} s (before timing)`,
  );
  return bodies;
}

async function main(): Promise<void> {
  const settings = readSettings();
  const command = `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`;
  const cpu = cpus();
  const startedAt = new Date().toISOString();
  log(`ipnhub benchmark — ${startedAt}`);
  log(
    `node ${process.version}, ${cpu.length} × ${cpu[0]?.model ?? '?'}; ${CONCURRENCY} connections, ${settings.warmupS} s warm-up + ${settings.durationS} s per ingest phase` +
      (settings.openRate > 0 ? `, then the open loop at ${settings.openRate} req/s as long` : ''),
  );

  let postgres: PostgresInfo | null = null;
  const results: ScenarioResult[] = [];
  try {
    const built = performance.now();
    const entry = settings.tsx ? tsxEntry() : await buildServer();
    log(
      entry.kind === 'tsx'
        ? 'servers run from source under tsx'
        : `servers compiled to ${entry.script} in ${((performance.now() - built) / 1000).toFixed(1)} s; they run on plain node`,
    );
    if (
      settings.scenarios.includes('ipnhub-postgres') ||
      settings.scenarios.includes('ipnhub-postgres-2x2')
    ) {
      postgres = await startBenchPostgres();
      log(
        `embedded PostgreSQL ${postgres.version}: fsync=${postgres.fsync}, synchronous_commit=${postgres.synchronousCommit}`,
      );
    }
    // Each ipnhub scenario has its own empty database, so one set of unique bodies serves both:
    // within a scenario no body is sent twice.
    let unique: Buffer[] = [];
    let baselineBodies: Buffer[] = [];
    // The baseline's rate just before the next ipnhub scenario: measured first, then again
    // after each scenario (baselineAgain), so that each one is compared with the baseline on
    // both sides of it.
    let baselineBefore = 0;
    for (const name of settings.scenarios) {
      logPhaseHeading(name);
      if (name === 'baseline') {
        baselineBodies = generateBodies(BASELINE_BODIES, 'BB');
        const baseline = await runScenario(entry, name, settings, baselineBodies, { cycle: true });
        results.push(baseline);
        baselineBefore = baseline.ingest.throughput;
        continue;
      }
      if (unique.length === 0) {
        // Enough for the whole phase: ipnhub does strictly more work per request than the
        // baseline, so the baseline's rate plus a margin bounds what it can consume.
        const baselineRate = results[0]?.ingest.throughput ?? 0;
        unique = generateBodies(
          Math.ceil(
            (baselineRate * 1.25 + settings.openRate) * (settings.warmupS + settings.durationS),
          ) + 1000,
          'BU',
        );
      }
      if (postgres && name.startsWith('ipnhub-postgres')) {
        const warmed = await warmWal(postgres.server.adminUrl);
        log(
          `[${name}] WAL of a running server: ${warmed.files} segment files ready (${(warmed.ms / 1000).toFixed(1)} s)`,
        );
      }
      const result = await runScenario(entry, name, settings, unique, {
        cycle: false,
        databaseUrl:
          name === 'ipnhub-postgres'
            ? postgres?.url
            : name === 'ipnhub-postgres-2x2'
              ? postgres?.url2x2
              : undefined,
        postgresAdminUrl: postgres?.server.adminUrl,
      });
      const baselineAfter = await baselineAgain(entry, settings, baselineBodies, name);
      results.push({ ...result, baselineAround: { before: baselineBefore, after: baselineAfter } });
      baselineBefore = baselineAfter;
    }
  } finally {
    await postgres?.server.stop();
  }

  const list = verdicts(results);
  log(`\n${formatTable(results)}\n`);
  log(formatVerdicts(list));
  const cpuLine = formatCpuComparison(results);
  if (cpuLine !== null) log(cpuLine);

  const baseline = results.find((r) => r.name === 'baseline');
  const outDir = join(tmpdir(), 'ipnhub-bench');
  mkdirSync(outDir, { recursive: true });
  const outFile = join(outDir, 'latest.json');
  const report = {
    startedAt,
    finishedAt: new Date().toISOString(),
    command,
    machine: {
      cpus: cpu.length,
      cpuModel: cpu[0]?.model ?? null,
      node: process.version,
      platform: `${process.platform} ${process.arch}`,
    },
    settings: { ...settings, concurrency: CONCURRENCY, workerConcurrency: WORKER_CONCURRENCY },
    postgres: postgres
      ? {
          version: postgres.version,
          fsync: postgres.fsync,
          synchronousCommit: postgres.synchronousCommit,
        }
      : null,
    scenarios: results.map((r) => ({
      ...r,
      ratioToBaseline: ratioTo(baseline, r),
      peakRssMB: megabytes(r.peakRssKiB),
    })),
    verdicts: list,
  };
  writeFileSync(outFile, `${JSON.stringify(report, null, 2)}\n`);
  log(`\nresults: ${outFile}`);
  if (settings.cpuProfDir) log(`CPU profiles: ${settings.cpuProfDir}`);
}

main().catch((err: unknown) => {
  process.stderr.write(
    `bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  process.exitCode = 1;
});
