import { describe, expect, it } from 'vitest';
import { DEFAULT_RETRY_POLICY, nextRetryDelay, parseRetryAfter } from './retry-policy.js';

const mid = () => 0.5; // no jitter

describe('nextRetryDelay', () => {
  it('follows the schedule, then gives up', () => {
    const delays = [1, 2, 3, 4, 5, 6, 7, 8].map((n) =>
      nextRetryDelay(DEFAULT_RETRY_POLICY, {
        attemptsMade: n,
        overloaded: false,
        retryAfterSeconds: null,
        random: mid,
      }),
    );
    expect(delays).toEqual([5000, 300000, 1800000, 7200000, 18000000, 36000000, 36000000, null]);
  });

  it('applies ±jitter', () => {
    const low = nextRetryDelay(DEFAULT_RETRY_POLICY, {
      attemptsMade: 2,
      overloaded: false,
      retryAfterSeconds: null,
      random: () => 0,
    });
    const high = nextRetryDelay(DEFAULT_RETRY_POLICY, {
      attemptsMade: 2,
      overloaded: false,
      retryAfterSeconds: null,
      random: () => 0.999999,
    });
    expect(low).toBe(240000);
    expect(high).toBeGreaterThan(359000);
    expect(high).toBeLessThanOrEqual(360000);
  });

  it('waits at least the overload penalty after 429 or a timeout', () => {
    expect(
      nextRetryDelay(DEFAULT_RETRY_POLICY, {
        attemptsMade: 1,
        overloaded: true,
        retryAfterSeconds: null,
        random: mid,
      }),
    ).toBe(60000);
  });

  it('honours Retry-After when it asks for longer than the schedule, up to the cap', () => {
    const at = (retryAfterSeconds: number, attemptsMade = 2, overloaded = true) =>
      nextRetryDelay(DEFAULT_RETRY_POLICY, {
        attemptsMade,
        overloaded,
        retryAfterSeconds,
        random: mid,
      });
    expect(at(400)).toBe(400000);
    expect(at(10)).toBe(300000);
    expect(at(100000)).toBe(3600000);
    expect(at(120, 1)).toBe(120000);
    expect(at(7, 1, false)).toBe(7000);
    expect(at(7, 1)).toBe(60000);
  });
});

describe('parseRetryAfter', () => {
  const now = new Date('2026-01-01T00:00:00Z');
  it('reads seconds and HTTP dates', () => {
    expect(parseRetryAfter('120', now)).toBe(120);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:01:00 GMT', now)).toBe(60);
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(parseRetryAfter(undefined, now)).toBeNull();
  });
});
