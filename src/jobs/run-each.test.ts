import { describe, expect, it } from 'vitest';
import { runEach } from './run-each.js';

/** A job that ends when the test says so. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open: () => void = () => undefined;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

describe('runEach', () => {
  it('with concurrency 1 works the jobs one after the other, in the order given', async () => {
    const log: string[] = [];
    const gates = [gate(), gate(), gate()];
    const ends = runEach([0, 1, 2], 1, new AbortController().signal, async (i) => {
      log.push(`start ${i}`);
      await gates[i]?.promise;
      log.push(`end ${i}`);
    });
    gates[2]?.open();
    gates[1]?.open();
    await Promise.resolve();
    expect(log).toEqual(['start 0']);
    gates[0]?.open();
    await Promise.all(ends);
    expect(log).toEqual(['start 0', 'end 0', 'start 1', 'end 1', 'start 2', 'end 2']);
  });

  it('works at most `concurrency` jobs at once and answers one promise per job, each settling when its job ends', async () => {
    const gates = [gate(), gate(), gate()];
    const started: number[] = [];
    const ends = runEach([0, 1, 2], 2, new AbortController().signal, async (i) => {
      started.push(i);
      await gates[i]?.promise;
    });
    await Promise.resolve();
    expect(started).toEqual([0, 1]);
    let secondEnded = false;
    void ends[1]?.then(() => {
      secondEnded = true;
    });
    gates[1]?.open();
    await ends[1];
    expect(secondEnded).toBe(true);
    await new Promise((resolve) => setImmediate(resolve));
    expect(started).toEqual([0, 1, 2]);
    gates[0]?.open();
    gates[2]?.open();
    await Promise.all(ends);
  });

  it("rejects a job's own promise with its failure; the other jobs run on", async () => {
    const worked: number[] = [];
    const ends = runEach([0, 1, 2], 1, new AbortController().signal, async (i) => {
      if (i === 1) throw new Error('job 1 failed');
      worked.push(i);
    });
    const results = await Promise.allSettled(ends);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(results[1]).toMatchObject({ reason: new Error('job 1 failed') });
    expect(worked).toEqual([0, 2]);
  });

  it('starts no job once the signal has aborted; those started run to their end', async () => {
    const controller = new AbortController();
    const first = gate();
    const worked: number[] = [];
    const ends = runEach([0, 1, 2], 1, controller.signal, async (i) => {
      if (i === 0) await first.promise;
      worked.push(i);
    });
    controller.abort();
    first.open();
    await Promise.all(ends);
    expect(worked).toEqual([0]);
  });

  it('answers no promises for no jobs', () => {
    expect(runEach([], 4, new AbortController().signal, async () => undefined)).toEqual([]);
  });
});
