import { describe, expect, it } from 'vitest';
import type { LoadResult } from './load.js';
import type { ScenarioName } from './protocol.js';
import { ratioTo, verdicts } from './report.js';
import type { BaselineAround, ScenarioResult } from './report.js';

function load(throughput: number): LoadResult {
  return {
    ok: throughput * 10,
    errors: 0,
    errorSamples: [],
    okTotal: throughput * 12,
    warmupRequests: throughput * 2,
    seconds: 10,
    throughput,
    p50Ms: 10,
    p99Ms: 20,
    maxMs: 30,
    exhausted: false,
    clientCpuCores: 0.2,
  };
}

function scenario(
  name: ScenarioName,
  throughput: number,
  baselineAround?: BaselineAround,
): ScenarioResult {
  return {
    name,
    ingest: load(throughput),
    openLoop: null,
    stored:
      name === 'baseline'
        ? null
        : {
            inboundRequests: throughput * 12,
            events: throughput * 12,
            deliveries: throughput * 12,
            documentJobs: 0,
            peakRssKiB: 150 * 1024,
            cpuMs: throughput * 12 * 0.4,
          },
    delivery: null,
    documents: null,
    peakRssKiB: 150 * 1024,
    rssSource: 'VmHWM',
    loadAverage: 1,
    cpuMsPerRequest: 0.4,
    startRssKiB: 80 * 1024,
    ingestRssKiB: 150 * 1024,
    ...(baselineAround ? { baselineAround } : {}),
  };
}

function ingestVerdict(results: ScenarioResult[]) {
  return verdicts(results).find((v) => v.target.startsWith('ingest ≥'));
}

describe('ratios to the baseline', () => {
  it('divides by the mean of the baselines around the scenario, not the first one', () => {
    const baseline = scenario('baseline', 6000);
    const sqlite = scenario('ipnhub-sqlite', 3000, { before: 6000, after: 10000 });
    expect(ratioTo(baseline, sqlite)).toBeCloseTo(3000 / 8000, 10);
    expect(ratioTo(baseline, baseline)).toBe(1);
  });

  it('falls back to the run’s first baseline for a scenario without baselines around it', () => {
    const baseline = scenario('baseline', 6000);
    expect(ratioTo(baseline, scenario('ipnhub-sqlite', 3000))).toBe(0.5);
    expect(ratioTo(undefined, scenario('ipnhub-sqlite', 3000))).toBeNull();
  });

  it('prints both baselines, and calls a ratio uncertain when they are more than 20 % apart', () => {
    const baseline = scenario('baseline', 6000);
    const steady = ingestVerdict([
      baseline,
      scenario('ipnhub-sqlite', 3000, { before: 6000, after: 6600 }),
    ]);
    expect(steady?.detail).toBe(
      "0.48 × (3000 vs 6300 req/s, the baseline's mean of 6000 before and 6600 after; moved 10 %)",
    );
    expect(steady?.pass).toBe(false);
    const moved = ingestVerdict([
      baseline,
      scenario('ipnhub-sqlite', 4000, { before: 6000, after: 10000 }),
    ]);
    expect(moved?.detail).toContain("UNCERTAIN: the machine's speed moved 50 % meanwhile");
    expect(moved?.pass).toBe(true);
  });
});
