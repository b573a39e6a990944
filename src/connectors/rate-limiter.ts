/**
 * A token bucket per target account, so one connection never exceeds what the target allows
 * (ActiveCampaign: 5 requests per second per account, reference target-apis.md §2.4). Requests
 * over the budget wait for a token instead of earning a 429. Limiters are shared per key across
 * deliveries in this process (several processes each get their own budget; the target's 429
 * with `Retry-After` still covers that case).
 */
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

/** `perSecond` requests per second on average, at most `burst` (default `perSecond`) at once. */
export function createRateLimiter(options: { perSecond: number; burst?: number; ticker?: Ticker }): RateLimiter {
  const ticker = options.ticker ?? realTicker;
  const capacity = options.burst ?? options.perSecond;
  const intervalMs = 1000 / options.perSecond;
  let tokens = capacity;
  let last = ticker.nowMs();
  // Callers reserve tokens in arrival order: each gets the time its token becomes available.
  return {
    async acquire(signal) {
      const now = ticker.nowMs();
      tokens = Math.min(capacity, tokens + (now - last) / intervalMs);
      last = now;
      tokens -= 1;
      if (tokens >= 0) return;
      await ticker.sleep(-tokens * intervalMs, signal);
    },
  };
}

const shared = new Map<string, { perSecond: number; limiter: RateLimiter }>();

/**
 * The process-wide limiter for `key` (the target account), created on first use. Connections
 * to one account share it whatever rate each asks for: the lowest rate asked for wins, since
 * the account's limit is the account's, not the connection's.
 */
export function sharedRateLimiter(key: string, perSecond: number): RateLimiter {
  const existing = shared.get(key);
  if (existing && existing.perSecond <= perSecond) return existing.limiter;
  const limiter = createRateLimiter({ perSecond });
  shared.set(key, { perSecond, limiter });
  return limiter;
}
