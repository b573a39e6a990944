/**
 * The load generator, in two modes:
 *
 * - closed loop (`runLoad`): a fixed number of requests in flight (one per keep-alive
 *   connection of an undici `Pool`), each sent when the previous one on its connection was
 *   answered. It measures the most the server can take; its latency is what a sender that
 *   waits for each answer sees.
 * - open loop (`runOpenLoop`): requests sent on a fixed schedule (request i at start + i ÷
 *   rate) whatever the answers, and each latency taken from the request's *scheduled* send
 *   time. A server that stalls cannot slow the sender down and hide its queue (coordinated
 *   omission): the requests scheduled during a stall wait for it and their latency shows it.
 *
 * Both have a warm-up, then a measured window of fixed duration. A request counts as a success
 * only when it is answered 200 with the body `OK` — what Digistore24 requires before it
 * considers a notification delivered; anything else is an error.
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

const byValue = (a: number, b: number): number => a - b;

/** Sends bodies to one path of a pool and keeps the tally of failures. */
interface Requester {
  /** True when the answer was 200 `OK` (the whole body read); false (and counted) otherwise. */
  send(body: Buffer): Promise<boolean>;
  errors(): number;
  errorSamples(): string[];
}

function requester(pool: Pool, path: string): Requester {
  const samples = new Set<string>();
  let errors = 0;
  function fail(description: string): void {
    errors++;
    if (samples.size < MAX_ERROR_SAMPLES) samples.add(description);
  }
  return {
    async send(body) {
      try {
        const res = await pool.request({
          path,
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
    },
    errors: () => errors,
    errorSamples: () => [...samples],
  };
}

/** Client CPU in cores over `seconds`, from a `process.cpuUsage()` taken when the window began. */
function cpuCores(since: NodeJS.CpuUsage | null, seconds: number): number {
  if (since === null || seconds <= 0) return 0;
  const cpu = process.cpuUsage(since);
  return (cpu.user + cpu.system) / 1e6 / seconds;
}

/** The figures both loops report, from the measured latencies (sorted here). */
function summary(
  latencies: number[],
  counts: {
    requests: Requester;
    okTotal: number;
    warmupRequests: number;
    seconds: number;
    /** The seconds the throughput is per. */
    perSeconds: number;
    exhausted: boolean;
    clientCpuCores: number;
  },
): LoadResult {
  latencies.sort(byValue);
  return {
    ok: latencies.length,
    errors: counts.requests.errors(),
    errorSamples: counts.requests.errorSamples(),
    okTotal: counts.okTotal,
    warmupRequests: counts.warmupRequests,
    seconds: counts.seconds,
    throughput: counts.perSeconds > 0 ? latencies.length / counts.perSeconds : 0,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    maxMs: latencies.at(-1) ?? 0,
    exhausted: counts.exhausted,
    clientCpuCores: counts.clientCpuCores,
  };
}

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const pool = new Pool(options.origin, {
    connections: options.concurrency,
    pipelining: 1,
    keepAliveTimeout: 60_000,
  });
  const requests = requester(pool, options.path);
  const latencies: number[] = [];
  let okTotal = 0;
  let warmupRequests = 0;
  let exhausted = false;

  const start = performance.now();
  const measureFrom = start + options.warmupMs;
  const stopAt = measureFrom + options.durationMs;
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
      const ok = await requests.send(body);
      const latency = performance.now() - sentAt;
      if (ok) okTotal++;
      if (sentAt < measureFrom) warmupRequests++;
      else if (ok) latencies.push(latency);
    }
  }

  await Promise.all(Array.from({ length: options.concurrency }, () => client()));
  const end = performance.now();
  const seconds = Math.max(0, end - measureFrom) / 1000;
  const clientCpuCores = cpuCores(cpuAtMeasureStart, seconds);
  await pool.close();

  return summary(latencies, {
    requests,
    okTotal,
    warmupRequests,
    seconds,
    perSeconds: seconds,
    exhausted,
    clientCpuCores,
  });
}

export interface OpenLoopOptions {
  origin: string;
  path: string;
  /** Requests per second, sent on schedule whatever the answers. */
  ratePerSecond: number;
  warmupMs: number;
  durationMs: number;
  /**
   * Most keep-alive connections (default 256). A request scheduled while all of them wait for
   * answers queues in the pool; its latency still counts from its scheduled time.
   */
  maxConnections?: number;
  nextBody: () => Buffer | undefined;
}

export interface OpenLoopResult extends LoadResult {
  ratePerSecond: number;
  /** Requests sent (warm-up included); rate × (warm-up + window) unless the bodies ran out. */
  sent: number;
  /**
   * The longest a request went out after its scheduled time (the load generator's own lag:
   * timer granularity, or a client too busy to keep the schedule). It is part of that
   * request's latency, so a lagging client can only make the figures worse, never better.
   * Over the warm-up and the window.
   */
  maxSendLagMs: number;
  /** The 99th percentile of that lag over the measured requests answered OK. */
  sendLagP99Ms: number;
  /**
   * The 99th percentile of the measured requests' latency counted from when each actually went
   * out instead of from its scheduled time: what is left of the tail without the client's lag.
   * Reported beside `p99Ms`, never instead of it.
   */
  fromSendP99Ms: number;
}

/**
 * The client's share of an open loop's tail, for its report lines: how late requests went out,
 * and the p99 without that lag.
 */
export function sendLagWords(result: OpenLoopResult): string {
  return `send lag p99 ${result.sendLagP99Ms.toFixed(1)} ms, up to ${result.maxSendLagMs.toFixed(1)} ms; p99 from the actual send ${result.fromSendP99Ms.toFixed(1)} ms`;
}

/**
 * The open loop: request i is scheduled at start + i ÷ rate and sent as soon as that time has
 * come; its latency runs from the scheduled time until its whole answer was read. Requests
 * scheduled in the warm-up are sent and counted as `warmupRequests`; those scheduled in the
 * window are measured. The run ends once every request sent has been answered.
 */
export async function runOpenLoop(options: OpenLoopOptions): Promise<OpenLoopResult> {
  if (!(options.ratePerSecond > 0)) throw new Error('open loop: the rate must be positive');
  const pool = new Pool(options.origin, {
    connections: options.maxConnections ?? 256,
    pipelining: 1,
    keepAliveTimeout: 60_000,
  });
  const requests = requester(pool, options.path);
  const intervalMs = 1000 / options.ratePerSecond;
  const scheduled = Math.floor(
    ((options.warmupMs + options.durationMs) / 1000) * options.ratePerSecond,
  );
  const latencies: number[] = [];
  const sendLags: number[] = [];
  const fromSend: number[] = [];
  const inFlight: Array<Promise<void>> = [];
  let okTotal = 0;
  let warmupRequests = 0;
  let exhausted = false;
  let maxSendLagMs = 0;
  let cpuAtMeasureStart: NodeJS.CpuUsage | null = null;

  const start = performance.now();
  const measureFrom = start + options.warmupMs;

  async function one(body: Buffer, due: number, sentAt: number): Promise<void> {
    const ok = await requests.send(body);
    const answeredAt = performance.now();
    if (ok) okTotal++;
    if (due < measureFrom) warmupRequests++;
    else if (ok) {
      latencies.push(answeredAt - due);
      sendLags.push(sentAt - due);
      fromSend.push(answeredAt - sentAt);
    }
  }

  let sent = 0;
  while (sent < scheduled && !exhausted) {
    const due = start + sent * intervalMs;
    const now = performance.now();
    if (due > now) {
      await new Promise<void>((resolve) => setTimeout(resolve, due - now));
      continue;
    }
    // Everything whose time has come goes out now; a late timer never thins the schedule.
    if (due >= measureFrom && cpuAtMeasureStart === null) cpuAtMeasureStart = process.cpuUsage();
    const body = options.nextBody();
    if (body === undefined) {
      exhausted = true;
      break;
    }
    // Taken once the body is at hand: what producing it took is the client's lag too.
    const sentAt = performance.now();
    maxSendLagMs = Math.max(maxSendLagMs, sentAt - due);
    inFlight.push(one(body, due, sentAt));
    sent++;
  }
  await Promise.all(inFlight);
  const end = performance.now();
  const seconds = Math.max(0, end - measureFrom) / 1000;
  const clientCpuCores = cpuCores(cpuAtMeasureStart, seconds);
  await pool.close();

  return {
    ...summary(latencies, {
      requests,
      okTotal,
      warmupRequests,
      seconds,
      // Answered OK per second of the schedule's window: the rate itself when the server keeps up.
      perSeconds: options.durationMs / 1000,
      exhausted,
      clientCpuCores,
    }),
    ratePerSecond: options.ratePerSecond,
    sent,
    maxSendLagMs,
    sendLagP99Ms: percentile(sendLags.sort(byValue), 99),
    fromSendP99Ms: percentile(fromSend.sort(byValue), 99),
  };
}
