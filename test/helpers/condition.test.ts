import { describe, expect, it } from 'vitest';
import { createCondition } from './condition.js';
import { pollUntil } from './poll-until.js';

describe('createCondition', () => {
  it('resolves at once when the condition holds, otherwise at the notify after which it holds', async () => {
    const condition = createCondition();
    let count = 0;
    await condition.until(() => count >= 0);
    let settled = false;
    const waiting = condition.until(() => count >= 2).finally(() => (settled = true));
    count = 1;
    condition.notify();
    // Every microtask has run by then: a wrongly resolved wait would have settled.
    await new Promise<void>((resolve) => setImmediate(resolve));
    expect(settled).toBe(false);
    count = 2;
    condition.notify();
    await waiting;
    expect(settled).toBe(true);
  });

  it('rejects with what the condition throws', async () => {
    const condition = createCondition();
    let ended = false;
    const waiting = condition.until(() => {
      if (ended) throw new Error('the command ended first');
      return false;
    });
    ended = true;
    condition.notify();
    await expect(waiting).rejects.toThrow('the command ended first');
  });
});

describe('pollUntil', () => {
  it('reads until the value is done and returns it', async () => {
    const reads: number[] = [];
    const value = await pollUntil(
      async () => reads.push(reads.length + 1),
      (n) => n === 3,
      1,
    );
    expect(value).toBe(3);
    expect(reads).toEqual([1, 2, 3]);
  });
});
