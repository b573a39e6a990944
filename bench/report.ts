/**
 * Turns the measured scenarios into what `npm run bench` prints: one table row per scenario
 * (ingest as a ratio to the baseline of the same run) and a PASS/FAIL line per target.
 */
import type { LoadResult } from './load.js';
import type { Delivered, ScenarioName, Stats } from './protocol.js';

/** The targets for durable ingest (docs/benchmarks.md). */
export const TARGETS = { minRatio: 0.25, maxP99Ms: 50, maxRssMB: 250 } as const;

export interface ScenarioResult {
  name: ScenarioName;
  ingest: LoadResult;
  /** Rows after the ingest phase (ipnhub scenarios). */
  stored: Stats | null;
  delivery: Delivered | null;
  /** Peak RSS of the server process over its whole life (KiB; VmHWM on Linux, see bench/server.ts). */
  peakRssKiB: number;
  rssSource: 'VmHWM' | 'maxRSS';
  /** The machine's 1-minute load average when the phase started: other work skews the figures. */
  loadAverage: number;
  /** Peak RSS once listening, before any load (KiB). */
  startRssKiB: number;
  /** Peak RSS at the end of the ingest phase (KiB). */
  ingestRssKiB: number;
}

export interface Verdict {
  scenario: ScenarioName;
  target: string;
  pass: boolean;
  detail: string;
  /** Only the SQLite scenario is held to the targets; PostgreSQL's lines are informational. */
  informational: boolean;
}

export function megabytes(kib: number): number {
  return kib / 1024;
}

function fixed(value: number, digits: number): string {
  return value.toFixed(digits);
}

export function ratioTo(baseline: ScenarioResult | undefined, result: ScenarioResult): number | null {
  if (!baseline || baseline.ingest.throughput === 0) return null;
  return result.ingest.throughput / baseline.ingest.throughput;
}

const COLUMNS = ['scenario', 'ingest req/s', '× baseline', 'p50 ms', 'p99 ms', 'errors', 'deliveries/s', 'peak RSS MB'] as const;

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
      String(r.ingest.errors),
      r.delivery ? `${fixed(r.delivery.perSecond, 0)}${r.delivery.drained ? '' : ' (not drained)'}` : '—',
      fixed(megabytes(r.peakRssKiB), 0),
    ];
  });
  const widths = COLUMNS.map((title, i) => Math.max(title.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join('  ');
  return [line(COLUMNS), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** PASS/FAIL per target for each ipnhub scenario. */
export function verdicts(results: readonly ScenarioResult[]): Verdict[] {
  const baseline = results.find((r) => r.name === 'baseline');
  const out: Verdict[] = [];
  for (const r of results) {
    if (r.name === 'baseline') continue;
    const informational = r.name !== 'ipnhub-sqlite';
    const ratio = ratioTo(baseline, r);
    out.push({
      scenario: r.name,
      target: `ingest ≥ ${TARGETS.minRatio} × baseline`,
      pass: ratio !== null && ratio >= TARGETS.minRatio,
      detail: ratio === null ? 'no baseline' : `${fixed(ratio, 2)} × (${fixed(r.ingest.throughput, 0)} vs ${fixed(baseline?.ingest.throughput ?? 0, 0)} req/s)`,
      informational,
    });
    out.push({
      scenario: r.name,
      target: `p99 ≤ ${TARGETS.maxP99Ms} ms`,
      pass: r.ingest.ok > 0 && r.ingest.p99Ms <= TARGETS.maxP99Ms,
      detail: `${fixed(r.ingest.p99Ms, 1)} ms`,
      informational,
    });
    const rss = megabytes(r.peakRssKiB);
    out.push({ scenario: r.name, target: `RSS ≤ ${TARGETS.maxRssMB} MB`, pass: rss <= TARGETS.maxRssMB, detail: `${fixed(rss, 0)} MB`, informational });
    out.push({
      scenario: r.name,
      target: 'no errors, every OK stored',
      pass: r.ingest.errors === 0 && r.stored?.events === r.ingest.okTotal,
      detail: `${r.ingest.errors} errors; ${r.ingest.okTotal} OK answers, ${r.stored?.events ?? '?'} events stored`,
      informational,
    });
  }
  return out;
}

export function formatVerdicts(list: readonly Verdict[]): string {
  return list
    .map((v) => `${v.pass ? 'PASS' : 'FAIL'}  ${v.scenario.padEnd(16)} ${v.target.padEnd(28)} ${v.detail}${v.informational ? '  (informational)' : ''}`)
    .join('\n');
}
