import { describe, expect, it } from 'vitest';
import { createRateLimiter, createRateLimiterRegistry, sharedRateLimiter } from './rate-limiter.js';
import type { Ticker } from './rate-limiter.js';
import { createCacheScope } from '../lib/cache-scope.js';

/** A ticker whose sleeps advance its own time, so waits are observable without sleeping. */
function virtualTicker(): Ticker & { slept: number[] } {
  let now = 0;
  const slept: number[] = [];
  return {
    slept,
    nowMs: () => now,
    sleep: async (ms) => {
      slept.push(Math.round(ms));
      now += ms;
    },
  };
}

describe('rate limiter', () => {
  it('lets a burst of `perSecond` through, then spaces requests 1/perSecond apart', async () => {
    const ticker = virtualTicker();
    const limiter = createRateLimiter({ perSecond: 5, ticker });
    for (let i = 0; i < 5; i++) await limiter.acquire();
    expect(ticker.slept).toEqual([]);
    await limiter.acquire();
    await limiter.acquire();
    expect(ticker.slept).toEqual([200, 200]);
  });

  it('refills while idle, up to the burst size', async () => {
    const ticker = virtualTicker();
    const limiter = createRateLimiter({ perSecond: 2, burst: 2, ticker });
    await limiter.acquire();
    await limiter.acquire();
    await ticker.sleep(10_000);
    ticker.slept.length = 0;
    await limiter.acquire();
    await limiter.acquire();
    await limiter.acquire();
    expect(ticker.slept).toEqual([500]);
  });

  it('queues concurrent callers in arrival order with growing waits', async () => {
    const now = 0;
    const waits: number[] = [];
    const limiter = createRateLimiter({
      perSecond: 10,
      burst: 1,
      ticker: { nowMs: () => now, sleep: async (ms) => void waits.push(Math.round(ms)) },
    });
    await Promise.all([limiter.acquire(), limiter.acquire(), limiter.acquire()]);
    expect(waits).toEqual([100, 200]);
  });

  it('stops waiting when the signal aborts', async () => {
    const limiter = createRateLimiter({ perSecond: 1, burst: 1 });
    await limiter.acquire();
    const controller = new AbortController();
    const waiting = limiter.acquire(controller.signal);
    controller.abort(new Error('delivery deadline'));
    await expect(waiting).rejects.toThrow('delivery deadline');
  });

  it('shares one limiter per account, at the lowest rate any connection asked for', () => {
    const caches = createCacheScope();
    const key = `https://acct-${Math.random()}.example.com`;
    const fast = sharedRateLimiter(caches, key, 10);
    expect(sharedRateLimiter(caches, key, 10)).toBe(fast);
    expect(sharedRateLimiter(caches, key, 20)).toBe(fast);
    expect(sharedRateLimiter(caches, key, 5)).toBe(fast);
    expect(sharedRateLimiter(caches, `${key}/other`, 10)).not.toBe(fast);
  });

  it('keeps one budget per account when a slower connection lowers the rate while deliveries hold the limiter', async () => {
    const waits: number[] = [];
    const ticker = { nowMs: () => 0, sleep: async (ms: number) => void waits.push(Math.round(ms)) };
    const registry = createRateLimiterRegistry(ticker);
    // A delivery of a connection asking for 10/s holds the account's limiter…
    const held = registry.limiterFor('acct', 10);
    // …when a connection to the same account asking for 5/s starts delivering.
    const slower = registry.limiterFor('acct', 5);
    await Promise.all(
      Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? held : slower).acquire()),
    );
    // One budget of 5/s: five at once (the burst), then one every 200 ms, whichever connection asks.
    expect(waits).toEqual([200, 400, 600, 800, 1000]);
  });

  it('gives a new account limiter the burst asked for, at the average rate', async () => {
    const waits: number[] = [];
    const ticker = { nowMs: () => 0, sleep: async (ms: number) => void waits.push(Math.round(ms)) };
    const registry = createRateLimiterRegistry(ticker);
    // An hourly budget: 3 at once, then one per second on average.
    const limiter = registry.limiterFor('hourly', 1, 3);
    for (let i = 0; i < 5; i++) await limiter.acquire();
    expect(waits).toEqual([1000, 2000]);
  });

  it('refills at the old rate up to the change, then at the new one, with the new burst size', async () => {
    let now = 0;
    const waits: number[] = [];
    const limiter = createRateLimiter({
      perSecond: 10,
      ticker: { nowMs: () => now, sleep: async (ms) => void waits.push(Math.round(ms)) },
    });
    for (let i = 0; i < 10; i++) await limiter.acquire();
    now = 100; // one token back at 10/s
    limiter.setRate(2);
    await limiter.acquire();
    expect(waits).toEqual([]);
    await limiter.acquire();
    expect(waits).toEqual([500]);
    now = 10_000; // idle: the burst is now at most 2
    waits.length = 0;
    for (let i = 0; i < 3; i++) await limiter.acquire();
    expect(waits).toEqual([500]);
  });
});
