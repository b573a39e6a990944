/**
 * The load generator: a fixed number of requests in flight (one per keep-alive connection of
 * an undici `Pool`), a warm-up, then a measured window of fixed duration. A request counts as
 * a success only when it is answered 200 with the body `OK` — what Digistore24 requires before
 * it considers a notification delivered; anything else is an error.
 */
import { Pool } from 'undici';

export interface LoadOptions {
  /** Origin, e.g. `http://127.0.0.1:41234`. */
  origin: string;
  path: string;
  /** Requests in flight at any time (and keep-alive connections). */
  concurrency: number;
  warmupMs: number;
  durationMs: number;
  /** The next body to send, or undefined when the pre-generated supply is used up. */
  nextBody: () => Buffer | undefined;
}

export interface LoadResult {
  /** Successful requests started in the measured window. */
  ok: number;
  /** Failed requests in the whole run (warm-up included). */
  errors: number;
  /** Up to five distinct error descriptions. */
  errorSamples: string[];
  /** Successful requests in the whole run (warm-up included): each one must be stored. */
  okTotal: number;
  warmupRequests: number;
  /** Length of the measured window: from the end of the warm-up until the last answer. */
  seconds: number;
  /** Successful requests per second in the measured window. */
  throughput: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** True when the bodies ran out before the window ended (the window was cut short). */
  exhausted: boolean;
  /**
   * CPU the load generator itself used in the measured window, in cores (user + system).
   * Near 1 means this single-threaded client, not the server, may be what limits the rate.
   */
  clientCpuCores: number;
}

const MAX_ERROR_SAMPLES = 5;

/** Nearest-rank percentile of ascending `sorted`; 0 for an empty list. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] ?? 0;
}

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const pool = new Pool(options.origin, {
    connections: options.concurrency,
    pipelining: 1,
    keepAliveTimeout: 60_000,
  });
  const latencies: number[] = [];
  const errorSamples = new Set<string>();
  let errors = 0;
  let okTotal = 0;
  let warmupRequests = 0;
  let exhausted = false;

  const start = performance.now();
  const measureFrom = start + options.warmupMs;
  const stopAt = measureFrom + options.durationMs;

  function fail(description: string): void {
    errors++;
    if (errorSamples.size < MAX_ERROR_SAMPLES) errorSamples.add(description);
  }

  async function oneRequest(body: Buffer): Promise<boolean> {
    try {
      const res = await pool.request({
        path: options.path,
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body,
      });
      const text = await res.body.text();
      if (res.statusCode === 200 && text === 'OK') return true;
      fail(`HTTP ${res.statusCode}: ${text.slice(0, 160)}`);
    } catch (err) {
      fail(err instanceof Error ? `${err.name}: ${err.message}` : String(err));
    }
    return false;
  }

  let cpuAtMeasureStart: NodeJS.CpuUsage | null = null;

  async function client(): Promise<void> {
    for (;;) {
      const sentAt = performance.now();
      if (sentAt >= stopAt) return;
      if (sentAt >= measureFrom && cpuAtMeasureStart === null)
        cpuAtMeasureStart = process.cpuUsage();
      const body = options.nextBody();
      if (body === undefined) {
        exhausted = true;
        return;
      }
      const ok = await oneRequest(body);
      const latency = performance.now() - sentAt;
      if (ok) okTotal++;
      if (sentAt < measureFrom) warmupRequests++;
      else if (ok) latencies.push(latency);
    }
  }

  await Promise.all(Array.from({ length: options.concurrency }, () => client()));
  const end = performance.now();
  const cpu = process.cpuUsage(cpuAtMeasureStart ?? undefined);
  await pool.close();

  latencies.sort((a, b) => a - b);
  const seconds = Math.max(0, end - measureFrom) / 1000;
  return {
    ok: latencies.length,
    errors,
    errorSamples: [...errorSamples],
    okTotal,
    warmupRequests,
    seconds,
    throughput: seconds > 0 ? latencies.length / seconds : 0,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    maxMs: latencies.at(-1) ?? 0,
    exhausted,
    clientCpuCores:
      seconds > 0 && cpuAtMeasureStart !== null ? (cpu.user + cpu.system) / 1e6 / seconds : 0,
  };
}
