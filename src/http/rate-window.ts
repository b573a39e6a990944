/**
 * A fixed-window request counter per key (a client address), for refusing clients that send
 * too much: the inbound route's rate limit and the admin API's limit on failed
 * authentications. Time comes from the app's clock, so tests move it instead of waiting.
 *
 * Memory is bounded: at most `maxKeys` keys are tracked. Keys are kept in the order their
 * window started, so the one dropped to make room is the one whose window started first —
 * most likely already over; and every hit drops the oldest key if its window is over, so the
 * map shrinks again after a flood. A flood from more addresses than `maxKeys` can reset some
 * counts early; it cannot grow the process.
 */
import type { Clock } from '../lib/clock.js';

export interface RateCount {
  /** Hits of this key in its current window, this one included. */
  count: number;
  /** Over the limit: `count > max`. */
  limited: boolean;
  /** The first hit over the limit in this window (`count === max + 1`): the one worth recording. */
  firstOver: boolean;
  /** Whole seconds until the window ends (at least 1), for `Retry-After`. */
  retryAfterSeconds: number;
}

export interface RateWindow {
  readonly max: number;
  /** Counts one hit for `key`. */
  hit(key: string): RateCount;
  /** Whether `key` has used up its window (`count >= max`), without counting a hit. */
  exhausted(key: string): boolean;
  /** Keys tracked right now (for tests and diagnostics). */
  size(): number;
}

export interface RateWindowOptions {
  /** Hits allowed per window and key. */
  max: number;
  windowMs: number;
  clock: Clock;
  /** Most keys tracked at once (default 10 000). */
  maxKeys?: number;
}

interface Entry {
  startedAt: number;
  count: number;
}

export function createRateWindow(options: RateWindowOptions): RateWindow {
  const { max, windowMs, clock } = options;
  const maxKeys = options.maxKeys ?? 10_000;
  const entries = new Map<string, Entry>();

  // One expired key goes per hit, so the map shrinks back once a flood is over.
  function dropOldestIfOver(now: number): void {
    const oldest = entries.entries().next();
    if (!oldest.done && now - oldest.value[1].startedAt >= windowMs)
      entries.delete(oldest.value[0]);
  }

  function current(key: string, now: number): Entry | undefined {
    const entry = entries.get(key);
    if (entry && now - entry.startedAt < windowMs) return entry;
    if (entry) entries.delete(key);
    return undefined;
  }

  return {
    max,
    hit(key) {
      const now = clock.now().getTime();
      dropOldestIfOver(now);
      let entry = current(key, now);
      if (!entry) {
        if (entries.size >= maxKeys) {
          const oldest = entries.keys().next();
          if (!oldest.done) entries.delete(oldest.value);
        }
        entry = { startedAt: now, count: 0 };
        entries.set(key, entry);
      }
      entry.count += 1;
      return {
        count: entry.count,
        limited: entry.count > max,
        firstOver: entry.count === max + 1,
        retryAfterSeconds: Math.max(1, Math.ceil((entry.startedAt + windowMs - now) / 1000)),
      };
    },
    exhausted(key) {
      const entry = current(key, clock.now().getTime());
      return entry !== undefined && entry.count >= max;
    },
    size: () => entries.size,
  };
}

/** A one-minute window allowing `max` hits per key, or null (no limit) when `max` is 0. */
export function perMinute(max: number, clock: Clock): RateWindow | null {
  return max > 0 ? createRateWindow({ max, windowMs: 60_000, clock }) : null;
}
