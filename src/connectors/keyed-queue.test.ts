import { describe, expect, it } from 'vitest';
import { createKeyedQueue } from './keyed-queue.js';

/** A promise the test settles by hand. */
function gate(): { promise: Promise<void>; open(): void } {
  let open = (): void => undefined;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

describe('keyed queue', () => {
  it('runs work for one key one at a time, in arrival order', async () => {
    const queue = createKeyedQueue();
    const log: string[] = [];
    const first = gate();
    const a = queue.run('contact-1', async () => {
      log.push('a start');
      await first.promise;
      log.push('a end');
    });
    const b = queue.run('contact-1', async () => void log.push('b'));
    const c = queue.run('contact-1', async () => void log.push('c'));
    await Promise.resolve();
    await Promise.resolve();
    expect(log).toEqual(['a start']);
    first.open();
    await Promise.all([a, b, c]);
    expect(log).toEqual(['a start', 'a end', 'b', 'c']);
  });

  it('lets work for other keys run meanwhile', async () => {
    const queue = createKeyedQueue();
    const held = gate();
    const slow = queue.run('contact-1', () => held.promise);
    expect(await queue.run('contact-2', async () => 'other')).toBe('other');
    held.open();
    await slow;
  });

  it('goes on after a failed work', async () => {
    const queue = createKeyedQueue();
    const failed = queue.run('k', async () => {
      throw new Error('target down');
    });
    await expect(failed).rejects.toThrow('target down');
    expect(await queue.run('k', async () => 42)).toBe(42);
  });

  it('stops waiting when the signal aborts, without running the work, and keeps the order for the rest', async () => {
    const queue = createKeyedQueue();
    const held = gate();
    const log: string[] = [];
    const first = queue.run('k', async () => {
      await held.promise;
      log.push('first');
    });
    const controller = new AbortController();
    const abandoned = queue.run('k', async () => void log.push('abandoned'), controller.signal);
    const third = queue.run('k', async () => void log.push('third'));
    controller.abort(new Error('delivery deadline'));
    await expect(abandoned).rejects.toThrow('delivery deadline');
    expect(log).toEqual([]);
    held.open();
    await Promise.all([first, third]);
    expect(log).toEqual(['first', 'third']);
  });
});
