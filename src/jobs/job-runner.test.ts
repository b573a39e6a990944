import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../lib/clock.js';
import { createJobRunner } from './job-runner.js';
import type { JobKind, JobRunner, Lease } from './job-runner.js';
import { captureLogger } from '../../test/helpers/capture-logger.js';
import { createCondition } from '../../test/helpers/condition.js';

/** Never reached in these tests: a runner that sleeps this long instead of waking makes its test time out. */
const HOUR = 3_600_000;

interface TestJob {
  id: string;
  /** Settles when the test releases it; `fail` rejects instead. */
  fail?: boolean;
}

/**
 * A kind over jobs held in memory: `claim` takes the due ones in order, `run` holds each job
 * until `release(id)`, and everything that happens is recorded for the test.
 */
function memoryKind(options: {
  concurrency: number;
  refillAt?: number;
  hold?: () => number;
  nextDueAt?: () => string | null;
}) {
  const due: TestJob[] = [];
  const held = new Map<
    string,
    { resolve(): void; reject(err: Error): void; signal: AbortSignal }
  >();
  const claims: Array<{ limit: number; ids: string[]; lease: Lease }> = [];
  const finished: string[] = [];
  const changed = createCondition();
  let failClaims = 0;
  let failedClaims = 0;
  const kind: JobKind<TestJob> = {
    name: 'test',
    concurrency: options.concurrency,
    ...(options.refillAt === undefined ? {} : { refillAt: options.refillAt }),
    ...(options.hold ? { hold: options.hold } : {}),
    async claim(limit, lease) {
      if (failClaims > 0) {
        failClaims--;
        failedClaims++;
        changed.notify();
        throw new Error('database unavailable');
      }
      const taken = due.splice(0, limit);
      claims.push({ limit, ids: taken.map((j) => j.id), lease });
      changed.notify();
      return taken;
    },
    run(jobs, signal) {
      return jobs.map(
        (job) =>
          new Promise<void>((resolve, reject) => {
            if (job.fail) {
              reject(new Error(`job ${job.id} crashed`));
              return;
            }
            held.set(job.id, {
              resolve: () => {
                finished.push(job.id);
                resolve();
              },
              reject,
              signal,
            });
            // A well-behaved job stops when its signal aborts.
            signal.addEventListener('abort', () => {
              if (held.delete(job.id)) reject(new Error('aborted'));
            });
            changed.notify();
          }),
      );
    },
    ...(options.nextDueAt ? { nextDueAt: async () => options.nextDueAt?.() ?? null } : {}),
    describe: (job) => ({ jobId: job.id }),
  };
  return {
    kind,
    claims,
    finished,
    held,
    changed,
    add: (...jobs: TestJob[]) => due.push(...jobs),
    failNextClaims: (n: number) => (failClaims = n),
    failedClaims: () => failedClaims,
    release(id: string) {
      const job = held.get(id);
      held.delete(id);
      job?.resolve();
    },
  };
}

describe('job runner', () => {
  const runners: JobRunner[] = [];
  const clock = new ManualClock('2026-01-01T00:00:00.000Z');
  afterEach(async () => {
    for (const runner of runners.splice(0)) await runner.stop();
  });

  /** Stops after the tests abort the jobs left at once (grace 0), unless a test asks for a grace period. */
  function runner(kind: JobKind<TestJob>, graceMs = 0) {
    const captured = captureLogger();
    const r = createJobRunner(kind, {
      clock,
      logger: captured.logger,
      leaseMs: 60_000,
      pollMs: HOUR,
      graceMs,
    });
    runners.push(r);
    return { runner: r, logs: () => captured.lines() };
  }

  it('runOnce claims batch after batch under a lease until nothing is due, and counts the jobs', async () => {
    const m = memoryKind({ concurrency: 2 });
    m.add({ id: 'a' }, { id: 'b' }, { id: 'c' });
    const { runner: r } = runner(m.kind);
    const once = r.runOnce();
    await m.changed.until(() => m.held.size === 2);
    m.release('a');
    m.release('b');
    await m.changed.until(() => m.held.has('c'));
    m.release('c');
    expect(await once).toBe(3);
    expect(m.claims.map((c) => c.ids)).toEqual([['a', 'b'], ['c'], []]);
    expect(m.claims[0]?.lease).toEqual({
      now: '2026-01-01T00:00:00.000Z',
      until: '2026-01-01T00:01:00.000Z',
    });
  });

  it('claims again when enough slots are free, and as many as are free', async () => {
    const m = memoryKind({ concurrency: 4, refillAt: 2 });
    m.add(...['a', 'b', 'c', 'd', 'e', 'f'].map((id) => ({ id })));
    const { runner: r } = runner(m.kind);
    r.start();
    await m.changed.until(() => m.held.size === 4);
    m.release('a');
    // One free slot is below refillAt: no claim yet. A second finished job frees enough.
    m.release('b');
    await m.changed.until(() => m.claims.length === 2);
    expect(m.claims.map((c) => [c.limit, c.ids])).toEqual([
      [4, ['a', 'b', 'c', 'd']],
      [2, ['e', 'f']],
    ]);
  });

  it('holds as many jobs as the kind says, within 1…concurrency, and claims again when half of them are free', async () => {
    let hold = 4;
    const m = memoryKind({ concurrency: 6, hold: () => hold });
    m.add(...['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'].map((id) => ({ id })));
    const { runner: r } = runner(m.kind);
    r.start();
    await m.changed.until(() => m.held.size === 4);
    // One of four free is below half: no claim. The second makes half free: a claim of two.
    m.release('a');
    m.release('b');
    await m.changed.until(() => m.held.has('f'));
    // The kind now wants more than the runner's concurrency: it holds six at most.
    hold = 100;
    m.release('c');
    m.release('d');
    await m.changed.until(() => m.held.has('j'));
    // And less than one: one at a time, claimed once nothing is held.
    hold = 0;
    for (const id of ['e', 'f', 'g', 'h', 'i', 'j']) m.release(id);
    await m.changed.until(() => m.claims.length === 4);
    expect(m.claims.map((c) => [c.limit, c.ids])).toEqual([
      [4, ['a', 'b', 'c', 'd']],
      [2, ['e', 'f']],
      [4, ['g', 'h', 'i', 'j']],
      [1, []],
    ]);
  });

  it('a wake-up makes a sleeping runner claim new jobs at once', async () => {
    const m = memoryKind({ concurrency: 2 });
    const { runner: r } = runner(m.kind);
    r.start();
    await m.changed.until(() => m.claims.length === 1);
    m.add({ id: 'late' });
    r.wake();
    await m.changed.until(() => m.held.has('late'));
    expect(m.claims.at(-1)?.ids).toEqual(['late']);
  });

  it('sleeps until the next job scheduled for later is due after a claim that took everything', async () => {
    const m = memoryKind({ concurrency: 2, nextDueAt: () => '2025-12-31T23:59:59.000Z' });
    const { runner: r } = runner(m.kind);
    r.start();
    // pollMs is an hour: only the due time the kind names brings the second claim.
    await m.changed.until(() => m.claims.length >= 2);
  });

  it('logs a job that crashes, frees its slot and goes on', async () => {
    const m = memoryKind({ concurrency: 1 });
    m.add({ id: 'bad', fail: true }, { id: 'good' });
    const { runner: r, logs } = runner(m.kind);
    r.start();
    await m.changed.until(() => m.held.has('good'));
    expect(logs()).toContainEqual(
      expect.objectContaining({
        level: 50,
        jobId: 'bad',
        msg: 'test crashed; its lease will expire and it will be tried again',
      }),
    );
  });

  it('logs a claim that fails and claims again when woken', async () => {
    const m = memoryKind({ concurrency: 1 });
    m.failNextClaims(1);
    m.add({ id: 'a' });
    const { runner: r, logs } = runner(m.kind);
    r.start();
    await m.changed.until(() => m.claims.length === 0 && m.failedClaims() === 1);
    // Woken after the failed claim (or while it is being logged): the wake-up is not lost.
    r.wake();
    await m.changed.until(() => m.held.has('a'));
    expect(logs()).toContainEqual(
      expect.objectContaining({ level: 50, msg: 'claiming test jobs failed' }),
    );
  });

  it('stop lets jobs in flight finish and claims nothing more', async () => {
    const m = memoryKind({ concurrency: 1 });
    m.add({ id: 'a' }, { id: 'b' });
    const { runner: r } = runner(m.kind, HOUR);
    r.start();
    await m.changed.until(() => m.held.has('a'));
    const stopped = r.stop();
    m.release('a');
    await stopped;
    expect(m.finished).toEqual(['a']);
    expect(m.claims.map((c) => c.ids)).toEqual([['a']]);
  });

  it('stop aborts the jobs still running after the grace period and waits for them to end', async () => {
    const m = memoryKind({ concurrency: 2 });
    m.add({ id: 'slow' });
    const { runner: r, logs } = runner(m.kind, 0);
    r.start();
    await m.changed.until(() => m.held.has('slow'));
    await r.stop();
    expect(m.held.size).toBe(0);
    expect(logs()).toContainEqual(
      expect.objectContaining({
        jobId: 'slow',
        msg: 'test crashed; its lease will expire and it will be tried again',
      }),
    );
  });
});

describe('a runner after stop', () => {
  it('runs jobs again, with a signal that is not aborted, from runOnce() and from a new start()', async () => {
    const due: string[] = [];
    const ran: Array<{ id: string; aborted: boolean }> = [];
    const ranAll = createCondition();
    const kind: JobKind<string> = {
      name: 'test',
      concurrency: 4,
      async claim(limit) {
        return due.splice(0, limit);
      },
      run(jobs, signal) {
        return jobs.map(async (id) => {
          ran.push({ id, aborted: signal.aborted });
          ranAll.notify();
        });
      },
      describe: (id) => ({ id }),
    };
    const runner = createJobRunner(kind, {
      clock: new ManualClock(),
      logger: captureLogger().logger,
      leaseMs: 60_000,
      pollMs: HOUR,
    });
    runner.start();
    await runner.stop();
    due.push('a', 'b');
    expect(await runner.runOnce()).toBe(2);
    runner.start();
    due.push('c');
    runner.wake();
    await ranAll.until(() => ran.length === 3);
    await runner.stop();
    expect(ran).toEqual([
      { id: 'a', aborted: false },
      { id: 'b', aborted: false },
      { id: 'c', aborted: false },
    ]);
  });
});
