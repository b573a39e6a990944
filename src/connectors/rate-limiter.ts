/**
 * A token bucket per target account, so one connection never exceeds what the target allows
 * (ActiveCampaign: 5 requests per second per account, docs/protocols/activecampaign.md#errors-and-rate-limit). Requests
 * over the budget wait for a token instead of earning a 429. Limiters are shared per key across
 * deliveries of one runtime (lib/cache-scope.ts; several processes each get their own budget;
 * the target's 429 with `Retry-After` still covers that case).
 */
import { cacheSlot } from '../lib/cache-scope.js';
import type { CacheScope } from '../lib/cache-scope.js';

export interface RateLimiter {
  /** Resolves when a request may be sent; rejects only when `signal` aborts. */
  acquire(signal?: AbortSignal): Promise<void>;
}

export interface Ticker {
  nowMs(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

const realTicker: Ticker = {
  nowMs: () => performance.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
};

/** A limiter whose rate can be lowered while requests are queued on it. */
export interface AdjustableRateLimiter extends RateLimiter {
  readonly perSecond: number;
  /** From now on, at most `perSecond` per second (and a burst of at most that many). */
  setRate(perSecond: number): void;
}

/** `perSecond` requests per second on average, at most `burst` (default `perSecond`) at once. */
export function createRateLimiter(options: {
  perSecond: number;
  burst?: number;
  ticker?: Ticker;
}): AdjustableRateLimiter {
  const ticker = options.ticker ?? realTicker;
  let perSecond = options.perSecond;
  let capacity = options.burst ?? options.perSecond;
  let intervalMs = 1000 / perSecond;
  let tokens = capacity;
  let last = ticker.nowMs();
  const refill = (): void => {
    const now = ticker.nowMs();
    tokens = Math.min(capacity, tokens + (now - last) / intervalMs);
    last = now;
  };
  // Callers reserve tokens in arrival order: each gets the time its token becomes available.
  return {
    get perSecond() {
      return perSecond;
    },
    setRate(next) {
      // Time up to now refills at the old rate; reservations already made keep their turn.
      refill();
      perSecond = next;
      intervalMs = 1000 / next;
      capacity = Math.min(capacity, next);
      tokens = Math.min(tokens, capacity);
    },
    async acquire(signal) {
      refill();
      tokens -= 1;
      if (tokens >= 0) return;
      await ticker.sleep(-tokens * intervalMs, signal);
    },
  };
}

/**
 * Limiters by key (the target account). Connections to one account share one limiter, whatever
 * rate each asks for: the lowest rate asked for wins, since the account's limit is the
 * account's, not the connection's. A lower rate changes the one limiter in place, so deliveries
 * already holding it slow down too: an account never has two budgets at once.
 */
export function createRateLimiterRegistry(ticker?: Ticker): {
  limiterFor(key: string, perSecond: number, burst?: number): RateLimiter;
} {
  const limiters = new Map<string, AdjustableRateLimiter>();
  return {
    limiterFor(key, perSecond, burst) {
      const existing = limiters.get(key);
      if (existing) {
        if (perSecond < existing.perSecond) existing.setRate(perSecond);
        return existing;
      }
      const limiter = createRateLimiter({
        perSecond,
        ...(burst !== undefined ? { burst } : {}),
        ...(ticker ? { ticker } : {}),
      });
      limiters.set(key, limiter);
      return limiter;
    },
  };
}

const RATE_LIMITERS = cacheSlot('connector rate limiters', () => createRateLimiterRegistry());

/**
 * The runtime's limiter for `key` (the target account), created on first use; see
 * {@link createRateLimiterRegistry}. `burst` (default `perSecond`) applies when it is created:
 * targets with hourly budgets (Capsule) allow short bursts at an average rate.
 */
export function sharedRateLimiter(
  caches: CacheScope,
  key: string,
  perSecond: number,
  burst?: number,
): RateLimiter {
  return caches.get(RATE_LIMITERS).limiterFor(key, perSecond, burst);
}
