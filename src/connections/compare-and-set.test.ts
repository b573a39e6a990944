import { describe, expect, it } from 'vitest';
import { updateWithCompareAndSet } from './compare-and-set.js';

describe('updateWithCompareAndSet', () => {
  it('runs the attempt again after a lost race and returns its outcome', async () => {
    let attempts = 0;
    const outcome = await updateWithCompareAndSet('row r1', async () => {
      attempts += 1;
      return attempts < 3 ? undefined : { done: `written on attempt ${attempts}` };
    });
    expect(outcome).toBe('written on attempt 3');
    expect(attempts).toBe(3);
  });

  it('passes a null outcome through without retrying', async () => {
    let attempts = 0;
    const outcome = await updateWithCompareAndSet('row r1', async () => {
      attempts += 1;
      return { done: null };
    });
    expect(outcome).toBeNull();
    expect(attempts).toBe(1);
  });

  it('gives up after ten lost races', async () => {
    let attempts = 0;
    await expect(
      updateWithCompareAndSet('row r1', async () => {
        attempts += 1;
        return undefined;
      }),
    ).rejects.toThrow('row r1: gave up after 10 concurrent updates');
    expect(attempts).toBe(10);
  });
});
