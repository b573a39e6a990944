import { describe, expect, it } from 'vitest';
import { forEachBounded } from './for-each-bounded.js';

/** A call that runs until the test ends it. */
interface Gate {
  item: number;
  end(): void;
  fail(err: Error): void;
}

function gatedWork(): {
  started: Gate[];
  running: () => number;
  work: (item: number) => Promise<void>;
  startedCount: () => Promise<number>;
} {
  const started: Gate[] = [];
  let running = 0;
  return {
    started,
    running: () => running,
    work(item) {
      running += 1;
      return new Promise<void>((resolve, reject) => {
        started.push({
          item,
          end: () => {
            running -= 1;
            resolve();
          },
          fail: (err) => {
            running -= 1;
            reject(err);
          },
        });
      });
    },
    /** Resolves after the microtasks a finished call sets off have run. */
    async startedCount() {
      for (let i = 0; i < 10; i++) await Promise.resolve();
      return started.length;
    },
  };
}

describe('forEachBounded', () => {
  it('runs at most `limit` at once, the next as soon as one ends, in the items’ order', async () => {
    const g = gatedWork();
    const done = forEachBounded([1, 2, 3, 4, 5, 6, 7], 3, g.work);
    expect(await g.startedCount()).toBe(3);
    expect(g.started.map((s) => s.item)).toEqual([1, 2, 3]);
    g.started[1]?.end();
    expect(await g.startedCount()).toBe(4);
    expect(g.started[3]?.item).toBe(4);
    expect(g.running()).toBe(3);
    for (let i = 0; i < 7; i++) {
      g.started[i]?.end();
      await g.startedCount();
      expect(g.running()).toBeLessThanOrEqual(3);
    }
    await done;
    expect(g.started.map((s) => s.item)).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it('a failing call does not stop the others; the first failure is reported after all ended', async () => {
    const seen: number[] = [];
    const done = forEachBounded([1, 2, 3, 4], 2, async (item) => {
      seen.push(item);
      if (item === 1 || item === 3) throw new Error(`item ${item} failed`);
    });
    await expect(done).rejects.toThrow('item 1 failed');
    expect(seen).toEqual([1, 2, 3, 4]);
  });

  it('does nothing for no items and refuses a limit below 1', async () => {
    await expect(forEachBounded([], 2, async () => undefined)).resolves.toBeUndefined();
    await expect(forEachBounded([1], 0, async () => undefined)).rejects.toThrow(RangeError);
  });
});
