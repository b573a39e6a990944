/**
 * Works a kind's claimed jobs with at most `concurrency` at once, started in the order given
 * (with 1: one after the other, in claim order), and answers one promise per job, as
 * `JobKind.run` does (jobs/job-runner.ts). A job's promise rejects only with its own failure;
 * the others run on. Once `signal` aborts (the runner stopped and its grace period ended), jobs
 * not started yet are not started: they stay leased until the lease ends, then any worker takes
 * them again.
 */
import { forEachBounded } from '../lib/for-each-bounded.js';

export function runEach<Job>(
  jobs: readonly Job[],
  concurrency: number,
  signal: AbortSignal,
  work: (job: Job) => Promise<void>,
): Array<Promise<void>> {
  const ends = jobs.map(() => {
    let settle: { resolve: () => void; reject: (err: unknown) => void } = {
      resolve: () => undefined,
      reject: () => undefined,
    };
    const promise = new Promise<void>((resolve, reject) => {
      settle = { resolve, reject };
    });
    return { promise, settle };
  });
  const indexes = jobs.map((_, i) => i);
  void forEachBounded(indexes, Math.max(1, Math.floor(concurrency)), async (i) => {
    const end = ends[i];
    const job = jobs[i];
    if (end === undefined || job === undefined) return;
    try {
      if (!signal.aborted) await work(job);
      end.settle.resolve();
    } catch (err) {
      end.settle.reject(err);
    }
  });
  return ends.map((end) => end.promise);
}
