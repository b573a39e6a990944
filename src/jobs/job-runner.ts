/**
 * One runner for every kind of leased job (docs/architecture.md, "Background jobs"). A job is
 * a table row that is due at a time; a worker takes it under a lease (a time until which no
 * other worker takes it), works it, and settles it (jobs/settle-outcome.ts) with a write that
 * checks the lease is still its own. A worker that dies leaves its leases to expire, and the
 * jobs are taken again. The runner owns what every kind shares:
 *
 * - claim: up to as many jobs as slots are free (or, for a kind that says how many to hold, as
 *   many as it wants held beyond those it holds), through the kind's `claim`, which takes them
 *   under the lease the runner computes (the claims use the dialect adapter: a write
 *   transaction, `SKIP LOCKED` on PostgreSQL);
 * - run: each claimed job holds a slot until its promise settles; a job that crashes is logged
 *   and left to its lease;
 * - wake and sleep: the loop claims again when `refillAt` slots are free and sleeps otherwise,
 *   until woken (new work committed, a job finished, stop) or the poll interval ends — or,
 *   after a claim that took everything due, until the next job scheduled for later is due;
 * - stop with a grace period: no new claims; jobs in flight get `graceMs` to finish and
 *   settle, then their signal is aborted and the runner waits for them to wind down.
 *
 * What a job is, how it is taken, worked and settled is the kind's (outbox/delivery-job.ts,
 * ingest/verifier.ts).
 */
import type { Clock } from '../lib/clock.js';
import type { Logger } from '../lib/logger.js';
import { createWakeSignal } from './wake-signal.js';

/** The lease a claim takes its jobs under. */
export interface Lease {
  /** ISO time of the claim: jobs due at or before it are due. */
  now: string;
  /** ISO time the lease ends; a job not settled by then may be taken by another worker. */
  until: string;
}

export interface JobKind<Job> {
  /** Names the kind in logs: `delivery`, `verification`. */
  readonly name: string;
  /** Jobs worked at once. */
  readonly concurrency: number;
  /** Free slots needed before the loop claims again (default: all of them, i.e. one batch at a time). */
  readonly refillAt?: number;
  /**
   * How many jobs to hold (claimed and not yet settled) right now, at most `concurrency`; asked
   * before every claim. A kind that works its jobs through slots of its own (outbox/delivery-job.ts)
   * claims ahead of them this way, as much as it expects to start soon. With `hold`, the loop
   * claims again when half of what it holds is free, and `refillAt` is not used.
   */
  hold?(): number;
  /** Takes up to `limit` due jobs under `lease`; those another worker holds are not taken. */
  claim(limit: number, lease: Lease): Promise<Job[]>;
  /**
   * Works the claimed jobs: one promise per job, in the order given, that settles when the
   * job's outcome is written. `signal` aborts when the runner stops and the grace period ends;
   * `stopping` aborts as soon as `stop()` is called: a kind that queues claimed jobs for slots
   * of its own starts none of them after that.
   */
  run(jobs: readonly Job[], signal: AbortSignal, stopping: AbortSignal): Array<Promise<void>>;
  /** The earliest time (ISO) a job scheduled after `now` becomes due, when the kind can tell. */
  nextDueAt?(now: string): Promise<string | null>;
  /** Log fields that name a job. */
  describe(job: Job): Record<string, unknown>;
}

export interface JobRunnerOptions {
  clock: Clock;
  logger: Logger;
  leaseMs: number;
  /** Longest sleep between claims when nobody wakes the runner. */
  pollMs: number;
  /** How long `stop` lets jobs in flight finish before aborting them (default 10 s). */
  graceMs?: number;
}

export interface JobRunner {
  /** Starts the claim loop (no-op when running). */
  start(): void;
  /** Stops claiming, lets jobs in flight finish for the grace period, aborts the rest; resolves when all have ended. */
  stop(): Promise<void>;
  /** Wakes a sleeping loop: new jobs were committed. */
  wake(): void;
  /** Claims and works every job due now, batch after batch, until none is left; answers how many were claimed. */
  runOnce(): Promise<number>;
}

export const DEFAULT_STOP_GRACE_MS = 10_000;

/** Shortest sleep until a job scheduled for later, so a due time in the past does not spin the loop. */
const MIN_SLEEP_MS = 5;

export function createJobRunner<Job>(kind: JobKind<Job>, options: JobRunnerOptions): JobRunner {
  const { clock, logger } = options;
  const refillAt = Math.min(kind.concurrency, Math.max(1, kind.refillAt ?? kind.concurrency));
  const inFlight = new Set<Promise<void>>();
  const signal = createWakeSignal();
  // Aborted by stop() for the jobs in flight, after the grace period (`controller`) and at once
  // (`stopping`); a later start() or runOnce() gets fresh ones.
  let controller = new AbortController();
  let stopping = new AbortController();
  let running = false;
  let loop: Promise<void> | null = null;

  /** Jobs to hold now: the kind's `hold`, within 1…concurrency. */
  function holding(): number {
    if (!kind.hold) return kind.concurrency;
    return Math.max(1, Math.min(kind.concurrency, Math.floor(kind.hold())));
  }

  function claim(limit: number): Promise<Job[]> {
    const now = clock.now();
    return kind.claim(limit, {
      now: now.toISOString(),
      until: new Date(now.getTime() + options.leaseMs).toISOString(),
    });
  }

  /** Fresh signals after a stop. */
  function renew(): void {
    if (controller.signal.aborted) controller = new AbortController();
    if (stopping.signal.aborted) stopping = new AbortController();
  }

  function track(jobs: readonly Job[]): void {
    const works = kind.run(jobs, controller.signal, stopping.signal);
    jobs.forEach((job, i) => {
      const p: Promise<void> = (works[i] ?? Promise.resolve())
        .catch((err: unknown) =>
          logger.error(
            { err, ...kind.describe(job) },
            `${kind.name} crashed; its lease will expire and it will be tried again`,
          ),
        )
        .finally(() => {
          inFlight.delete(p);
          signal.wake();
        });
      inFlight.add(p);
    });
  }

  /**
   * Waits for a wake-up or the poll interval. With `untilDue` the last claim took everything
   * it could, so the wait also ends when the next job scheduled for later becomes due.
   */
  async function sleep(untilDue: boolean): Promise<void> {
    if (signal.woken || !running) return;
    let ms = options.pollMs;
    if (untilDue && kind.nextDueAt) {
      const now = clock.now();
      const next = await kind.nextDueAt(now.toISOString()).catch(() => null);
      if (next) ms = Math.max(MIN_SLEEP_MS, Math.min(ms, Date.parse(next) - now.getTime()));
    }
    if (!running) return;
    await signal.sleep(ms);
  }

  async function run(): Promise<void> {
    while (running) {
      signal.reset();
      const held = holding();
      const free = held - inFlight.size;
      if (free < (kind.hold ? Math.ceil(held / 2) : refillAt)) {
        await sleep(false);
        continue;
      }
      let claimed: Job[] = [];
      try {
        claimed = await claim(free);
      } catch (err) {
        logger.error({ err }, `claiming ${kind.name} jobs failed`);
      }
      if (claimed.length > 0) track(claimed);
      // A full claim means more may be due: claim again as soon as slots free up.
      await sleep(claimed.length < free);
    }
  }

  return {
    start() {
      if (running) return;
      running = true;
      renew();
      loop = run();
    },
    async stop() {
      running = false;
      stopping.abort();
      signal.wake();
      await loop;
      loop = null;
      // Let jobs in flight finish and settle; abort only the stragglers (they settle as a
      // retry, or their lease expires and another worker takes them).
      const grace = new Promise<void>((resolve) =>
        setTimeout(resolve, options.graceMs ?? DEFAULT_STOP_GRACE_MS).unref(),
      );
      await Promise.race([Promise.allSettled([...inFlight]), grace]);
      controller.abort();
      await Promise.allSettled([...inFlight]);
    },
    wake: () => signal.wake(),
    async runOnce() {
      if (!running) renew();
      let total = 0;
      for (;;) {
        const claimed = await claim(kind.concurrency);
        if (claimed.length === 0) return total;
        await Promise.all(kind.run(claimed, controller.signal, stopping.signal));
        total += claimed.length;
      }
    },
  };
}
