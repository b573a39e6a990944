/**
 * Turns the measured scenarios into what `npm run bench` prints: one table row per scenario
 * (ingest as a ratio to the baseline of the same run) and a PASS/FAIL line per target.
 */
import type { LoadResult, OpenLoopResult } from './load.js';
import { sendLagWords } from './load.js';
import type { Delivered, DocumentsDone, ScenarioName, Stats } from './protocol.js';

/** What one ipnhub scenario is held to; null: reported, not held. */
export interface ScenarioTargets {
  /** Durable ingest at 50 connections, as a ratio to the baseline of the same run. */
  minRatio: number;
  /** p99 at 50 connections (closed loop). */
  maxP99Ms: number | null;
  /** p99 at the open loop's fixed rate. */
  maxOpenP99Ms: number;
  minDeliveriesPerSecond: number;
  /** Peak RSS of the server process over ingest and delivery. */
  maxRssMB: number;
}

/**
 * The targets (docs/benchmarks.md, "Targets"). `ipnhub-sqlite` and `ipnhub-postgres` are held
 * to their own; other scenarios print their lines against `ipnhub-sqlite`'s for information.
 * Ingest with invoicing on must reach 0.9 × ingest without (each as a ratio to the baseline).
 */
export const TARGETS: Readonly<Partial<Record<ScenarioName, ScenarioTargets>>> = {
  'ipnhub-sqlite': {
    minRatio: 0.5,
    maxP99Ms: 30,
    maxOpenP99Ms: 10,
    minDeliveriesPerSecond: 5000,
    maxRssMB: 160,
  },
  'ipnhub-postgres': {
    minRatio: 0.3,
    maxP99Ms: null,
    maxOpenP99Ms: 20,
    minDeliveriesPerSecond: 2000,
    maxRssMB: 160,
  },
};
export const MIN_INVOICING_SHARE = 0.9;
/** The open loop's rate unless `--open-rate` says otherwise (requests per second). */
export const OPEN_LOOP_RATE = 1000;

export interface ScenarioResult {
  name: ScenarioName;
  ingest: LoadResult;
  /** The open-loop phase at a fixed rate, after the closed loop (null when not run). */
  openLoop: OpenLoopResult | null;
  /** Rows after the ingest phase (ipnhub scenarios). */
  stored: Stats | null;
  delivery: Delivered | null;
  /** The documents phase (ipnhub-sqlite, ipnhub-postgres). */
  documents: DocumentsDone | null;
  /** Peak RSS of the server process over its whole life (KiB; VmHWM on Linux, see bench/server.ts). */
  peakRssKiB: number;
  rssSource: 'VmHWM' | 'maxRSS';
  /** The machine's 1-minute load average when the phase started: other work skews the figures. */
  loadAverage: number;
  /**
   * CPU time the server process used per notification answered `OK` over the ingest phase
   * (warm-up included; ms, all threads). Less disturbed by other load on the machine than
   * throughput, so it compares two scenarios of one run more reliably.
   */
  cpuMsPerRequest: number | null;
  /** Peak RSS once listening, before any load (KiB). */
  startRssKiB: number;
  /** Peak RSS at the end of the ingest phase (KiB). */
  ingestRssKiB: number;
  /** PostgreSQL scenarios: where the ingest phase's time went (bench/pg-usage.ts). */
  postgresUsage?: PostgresUsage;
  /**
   * ipnhub scenarios: the baseline's closed-loop rate measured just before and just after this
   * scenario (req/s). Its ratio is to their mean, so that a change in the machine's speed
   * between the baseline and the scenario does not pass for a change in ipnhub's.
   */
  baselineAround?: BaselineAround;
}

/** The baseline's rate on either side of one scenario (req/s). */
export interface BaselineAround {
  before: number;
  after: number;
}

/** The baseline rate a scenario is compared with: the mean of the two around it. */
export function aroundMean(around: BaselineAround): number {
  return (around.before + around.after) / 2;
}

/** How far the machine's speed moved around a scenario: the two baselines' gap over their mean. */
export function aroundDrift(around: BaselineAround): number {
  const mean = aroundMean(around);
  return mean === 0 ? 0 : Math.abs(around.after - around.before) / mean;
}

/** Beyond this drift between the baselines around a scenario, its ratio is flagged as uncertain. */
export const UNCERTAIN_DRIFT = 0.2;

export interface PostgresUsage {
  /** CPU of PostgreSQL's processes over the ingest phase, per notification answered `OK` (ms). */
  postgresCpuMsPerRequest: number | null;
  /** Its backends' states over the ingest phase, share of samples. */
  backendStates: Array<{ state: string; share: number }>;
  /** CPU per process of the scenario over its whole life so far (the 2x2 scenario's children). */
  processes: Array<{ role: string; pid: number; cpuMs: number }>;
}

/** One line on where a PostgreSQL scenario's ingest time went. */
export function formatPostgresUsage(usage: PostgresUsage, okTotal: number): string {
  const pgCpu =
    usage.postgresCpuMsPerRequest === null
      ? 'PostgreSQL CPU unknown'
      : `PostgreSQL ${usage.postgresCpuMsPerRequest.toFixed(3)} CPU ms/req`;
  const states = usage.backendStates
    .slice(0, 6)
    .map((s) => `${s.state} ${(s.share * 100).toFixed(0)} %`)
    .join(', ');
  const processes = usage.processes
    .map((p) => `${p.role} ${p.pid}: ${(p.cpuMs / Math.max(1, okTotal)).toFixed(3)} ms/req`)
    .join('; ');
  return `  where the time goes: ${pgCpu}; its backends: ${states || 'no samples'}${processes ? `; per process (whole life so far, per OK): ${processes}` : ''}`;
}

export interface Verdict {
  scenario: ScenarioName;
  target: string;
  pass: boolean;
  detail: string;
  /** True for the lines of a scenario that is not held to the target (see {@link TARGETS}). */
  informational: boolean;
}

export function megabytes(kib: number): number {
  return kib / 1024;
}

function fixed(value: number, digits: number): string {
  return value.toFixed(digits);
}

/**
 * The baseline rate `result` is compared with: the mean of the baselines around it when they
 * were measured, else the run's first baseline (the baseline itself, and reports written before
 * the baselines around each scenario existed).
 */
export function baselineRateFor(
  baseline: ScenarioResult | undefined,
  result: ScenarioResult,
): number | null {
  const rate = result.baselineAround
    ? aroundMean(result.baselineAround)
    : (baseline?.ingest.throughput ?? 0);
  return rate > 0 ? rate : null;
}

export function ratioTo(
  baseline: ScenarioResult | undefined,
  result: ScenarioResult,
): number | null {
  const rate = baselineRateFor(baseline, result);
  return rate === null ? null : result.ingest.throughput / rate;
}

/** The ingest line's words on the baselines around the scenario, when they were measured. */
function aroundDetail(result: ScenarioResult): string {
  const around = result.baselineAround;
  if (!around) return '';
  const drift = aroundDrift(around);
  const moved = `${fixed(drift * 100, 0)} %`;
  const verdict =
    drift > UNCERTAIN_DRIFT
      ? `UNCERTAIN: the machine's speed moved ${moved} meanwhile`
      : `moved ${moved}`;
  return `, the baseline's mean of ${fixed(around.before, 0)} before and ${fixed(around.after, 0)} after; ${verdict}`;
}

const COLUMNS = [
  'scenario',
  'ingest req/s',
  '× baseline',
  'p50 ms',
  'p99 ms',
  'open p99 ms',
  'errors',
  'CPU ms/req',
  'deliveries/s',
  'documents/s',
  'peak RSS MB',
] as const;

/** A plain, aligned text table: one row per scenario. */
export function formatTable(results: readonly ScenarioResult[]): string {
  const baseline = results.find((r) => r.name === 'baseline');
  const rows = results.map((r) => {
    const ratio = ratioTo(baseline, r);
    return [
      r.name,
      fixed(r.ingest.throughput, 0),
      ratio === null ? '—' : fixed(ratio, 2),
      fixed(r.ingest.p50Ms, 1),
      fixed(r.ingest.p99Ms, 1),
      r.openLoop ? fixed(r.openLoop.p99Ms, 1) : '—',
      String(r.ingest.errors + (r.openLoop?.errors ?? 0)),
      r.cpuMsPerRequest === null ? '—' : fixed(r.cpuMsPerRequest, 3),
      r.delivery
        ? `${fixed(r.delivery.perSecond, 0)}${r.delivery.drained ? '' : ' (not drained)'}`
        : '—',
      r.documents
        ? `${fixed(r.documents.perSecond, 1)}${r.documents.drained ? '' : ' (not drained)'}`
        : '—',
      fixed(megabytes(r.peakRssKiB), 0),
    ];
  });
  const widths = COLUMNS.map((title, i) =>
    Math.max(title.length, ...rows.map((row) => (row[i] ?? '').length)),
  );
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0)))
      .join('  ');
  return [line(COLUMNS), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** PASS/FAIL per target for each ipnhub scenario. */
export function verdicts(results: readonly ScenarioResult[]): Verdict[] {
  const baseline = results.find((r) => r.name === 'baseline');
  const out: Verdict[] = [];
  for (const r of results) {
    if (r.name === 'baseline') continue;
    const own = TARGETS[r.name];
    const informational = own === undefined;
    const targets = own ?? TARGETS['ipnhub-sqlite'];
    if (targets === undefined) continue;
    const line = (target: string, pass: boolean, detail: string, always = informational) =>
      out.push({ scenario: r.name, target, pass, detail, informational: always });
    const ratio = ratioTo(baseline, r);
    line(
      `ingest ≥ ${targets.minRatio} × baseline`,
      ratio !== null && ratio >= targets.minRatio,
      ratio === null
        ? 'no baseline'
        : `${fixed(ratio, 2)} × (${fixed(r.ingest.throughput, 0)} vs ${fixed(baselineRateFor(baseline, r) ?? 0, 0)} req/s${aroundDetail(r)})`,
    );
    const maxP99 = targets.maxP99Ms ?? TARGETS['ipnhub-sqlite']?.maxP99Ms ?? null;
    if (maxP99 !== null)
      line(
        `p99 ≤ ${maxP99} ms`,
        r.ingest.ok > 0 && r.ingest.p99Ms <= maxP99,
        `${fixed(r.ingest.p99Ms, 1)} ms`,
        informational || targets.maxP99Ms === null,
      );
    const open = r.openLoop;
    if (open)
      line(
        `open loop p99 ≤ ${targets.maxOpenP99Ms} ms`,
        open.ok > 0 && open.errors === 0 && open.p99Ms <= targets.maxOpenP99Ms,
        `${fixed(open.p99Ms, 1)} ms at ${fixed(open.ratePerSecond, 0)} req/s (p50 ${fixed(open.p50Ms, 1)} ms, ${open.okTotal} of ${open.sent} answered OK, ${sendLagWords(open)})`,
      );
    if (r.delivery)
      line(
        `deliveries ≥ ${targets.minDeliveriesPerSecond}/s`,
        r.delivery.drained && r.delivery.perSecond >= targets.minDeliveriesPerSecond,
        `${fixed(r.delivery.perSecond, 0)}/s${r.delivery.drained ? '' : ' (not drained)'}`,
      );
    const rss = megabytes(r.peakRssKiB);
    line(`RSS ≤ ${targets.maxRssMB} MB`, rss <= targets.maxRssMB, `${fixed(rss, 0)} MB`);
    const okAnswers = r.ingest.okTotal + (open?.okTotal ?? 0);
    const errors = r.ingest.errors + (open?.errors ?? 0);
    line(
      'no errors, every OK stored',
      errors === 0 && r.stored?.events === okAnswers,
      `${errors} errors; ${okAnswers} OK answers, ${r.stored?.events ?? '?'} events stored`,
    );
    if (r.documents) {
      const d = r.documents;
      line(
        'documents issued and mailed',
        d.drained &&
          d.rendered === d.queued &&
          d.mailsNotSent === 0 &&
          d.smtpMessages === d.mailsSent,
        `${d.rendered} of ${d.queued} rendered, ${d.mailsSent} mails sent, ${d.mailsNotSent} not, ${d.smtpMessages} at the SMTP sink`,
        true,
      );
    }
    if (r.name === 'ipnhub-sqlite-invoicing')
      out.push(
        ...invoicingVerdicts(
          r,
          results.find((o) => o.name === 'ipnhub-sqlite'),
          baseline,
        ),
      );
  }
  return out;
}

/** Ingest with invoicing on against ingest without, in the same run; and a document job queued for every payment. */
function invoicingVerdicts(
  on: ScenarioResult,
  off: ScenarioResult | undefined,
  baseline: ScenarioResult | undefined,
): Verdict[] {
  const ratioOn = ratioTo(baseline, on);
  const ratioOff = off === undefined ? null : ratioTo(baseline, off);
  const share = ratioOn === null || ratioOff === null || ratioOff === 0 ? null : ratioOn / ratioOff;
  return [
    {
      scenario: on.name,
      target: `ingest ≥ ${MIN_INVOICING_SHARE} × without invoicing`,
      pass: share !== null && share >= MIN_INVOICING_SHARE,
      detail:
        share === null || ratioOn === null || ratioOff === null
          ? 'no ipnhub-sqlite in this run'
          : `${fixed(share, 2)} × (${fixed(ratioOn, 2)} vs ${fixed(ratioOff, 2)} × baseline)`,
      informational: false,
    },
    {
      scenario: on.name,
      target: 'a document job per payment',
      pass: on.stored !== null && on.stored.documentJobs === on.stored.events,
      detail: `${on.stored?.documentJobs ?? '?'} jobs for ${on.stored?.events ?? '?'} events`,
      informational: false,
    },
  ];
}

export function formatVerdicts(list: readonly Verdict[]): string {
  return list
    .map(
      (v) =>
        `${v.pass ? 'PASS' : 'FAIL'}  ${v.scenario.padEnd(16)} ${v.target.padEnd(30)} ${v.detail}${v.informational ? '  (informational)' : ''}`,
    )
    .join('\n');
}

/** The CPU each notification cost with invoicing on and off (a line for the log; no target). */
export function formatCpuComparison(results: readonly ScenarioResult[]): string | null {
  const on = results.find((r) => r.name === 'ipnhub-sqlite-invoicing')?.cpuMsPerRequest ?? null;
  const off = results.find((r) => r.name === 'ipnhub-sqlite')?.cpuMsPerRequest ?? null;
  if (on === null || off === null || on === 0) return null;
  return `CPU per notification, SQLite: ${fixed(on, 3)} ms with invoicing, ${fixed(off, 3)} ms without: the same CPU ingests ${fixed(off / on, 2)} × as many with invoicing on`;
}
