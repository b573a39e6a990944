/**
 * Retry policy as data (docs/architecture.md#processes-and-retries, after Svix's worker): a schedule of delays, jitter, a
 * minimum penalty after overload signals, and `Retry-After` honoured up to a cap. `nextRetryDelay`
 * returns the delay before the next attempt in milliseconds, or `null` when the schedule is
 * exhausted and the delivery is dead.
 */

export interface RetryPolicy {
  /**
   * Delays in seconds, one per retry: entry 0 is the wait after the first failed attempt.
   * A delivery gets `schedule.length + 1` attempts in total, then it is dead.
   */
  schedule: readonly number[];
  /** Fraction of random spread applied to each delay: 0.2 = ±20 %. */
  jitter: number;
  /** After a 429 or a timeout the delay is at least this many seconds. */
  overloadPenaltySeconds: number;
  /** The longest wait a `Retry-After` header can ask for. */
  maxRetryAfterSeconds: number;
}

/** Svix's schedule after the immediate first attempt: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  schedule: [5, 300, 1800, 7200, 18000, 36000, 36000],
  jitter: 0.2,
  overloadPenaltySeconds: 60,
  maxRetryAfterSeconds: 3600,
};

export interface RetryInput {
  /** Number of attempts made so far, including the one that just failed (1 after the first). */
  attemptsMade: number;
  /** The target signalled overload (429) or did not answer in time. */
  overloaded: boolean;
  /** Seconds from a `Retry-After` header, when the target sent one. */
  retryAfterSeconds: number | null;
  /** Source of randomness in [0, 1); injectable for tests. */
  random?: () => number;
}

export function nextRetryDelay(policy: RetryPolicy, input: RetryInput): number | null {
  const scheduled = policy.schedule[input.attemptsMade - 1];
  if (scheduled === undefined) return null;
  const random = input.random ?? Math.random;
  let seconds = scheduled * (1 + policy.jitter * (2 * random() - 1));
  if (input.overloaded) seconds = Math.max(seconds, policy.overloadPenaltySeconds);
  if (input.retryAfterSeconds !== null && input.retryAfterSeconds > 0) {
    // Honour Retry-After when it asks for more patience than the schedule, up to a cap, so
    // a target can slow us down but cannot park a delivery for days. It never shortens the
    // scheduled wait.
    seconds = Math.max(seconds, Math.min(input.retryAfterSeconds, policy.maxRetryAfterSeconds));
  }
  return Math.round(seconds * 1000);
}

/** Parses `Retry-After` (delta seconds or an HTTP date) into seconds from `now`. */
export function parseRetryAfter(header: string | null | undefined, now: Date): number | null {
  if (!header) return null;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return null;
  return Math.max(0, Math.round((date - now.getTime()) / 1000));
}
