/**
 * What becomes of a leased job after one try, as a pure function of the try's outcome, the
 * retry policy (core/retry-policy.ts), the attempts made and the time. Every kind of job
 * settles through it, so deliveries, verifications and whatever comes next share one schedule
 * rule:
 * - `done`: the try finished the job (delivered, skipped, failed for good, verified…; which
 *   of these is the kind's own business);
 * - `retry`: try again at `at`, by the schedule (jitter, overload penalty, `Retry-After` up
 *   to its cap);
 * - `dead`: given up — the schedule is exhausted, or the job had one try only (a manual
 *   redelivery is one extra try, not a new schedule).
 * A job that must never be given up (an acknowledged notification waiting for its
 * verification) sets `whenExhausted: 'keep-trying'`: after the schedule's last step it is tried
 * again at that step's interval (or a longer `Retry-After`, up to the cap) for as long as it
 * takes.
 *
 * A retry is never due sooner than {@link MIN_RETRY_DELAY_MS} after the try: a schedule step of
 * 0 s (the setting allows it) or a jitter that rounds a short step down would otherwise make a
 * failing job due at once, and the runner would claim and fail it again in a tight loop.
 */
import { nextRetryDelay } from '../core/retry-policy.js';
import type { RetryPolicy } from '../core/retry-policy.js';

/** What one try of a job came to. */
export type TryOutcome =
  | { kind: 'done' }
  | {
      kind: 'retry';
      /** The other side was overloaded (429, timeout): at least the policy's overload penalty. */
      overloaded?: boolean | undefined;
      /** Seconds the other side asked to wait (`Retry-After`). */
      retryAfterSeconds?: number | null | undefined;
    };

export type Settlement = { kind: 'done' } | { kind: 'retry'; at: string } | { kind: 'dead' };

export interface SettleContext {
  policy: RetryPolicy;
  /** Tries made so far, this one included (1 after the first). */
  attemptsMade: number;
  now: Date;
  /** After the schedule's last step: give up (`dead`, the default) or keep trying at that step's interval. */
  whenExhausted?: 'dead' | 'keep-trying';
  /** This try was the job's only one: a retry outcome is `dead` at once. */
  oneTry?: boolean;
  /** Randomness for the jitter, in [0, 1). */
  random?: (() => number) | undefined;
}

/** The shortest wait before a retry, whatever the schedule says. */
export const MIN_RETRY_DELAY_MS = 1000;

/** Seconds between tries after an exhausted schedule, when the schedule is empty. */
const EXHAUSTED_INTERVAL_SECONDS = 3600;

export function settleOutcome(outcome: TryOutcome, ctx: SettleContext): Settlement {
  if (outcome.kind === 'done') return { kind: 'done' };
  if (ctx.oneTry) return { kind: 'dead' };
  const retryAfterSeconds = outcome.retryAfterSeconds ?? null;
  let delayMs = nextRetryDelay(ctx.policy, {
    attemptsMade: ctx.attemptsMade,
    overloaded: outcome.overloaded ?? false,
    retryAfterSeconds,
    random: ctx.random,
  });
  if (delayMs === null) {
    if (ctx.whenExhausted !== 'keep-trying') return { kind: 'dead' };
    const lastStep = ctx.policy.schedule.at(-1) ?? EXHAUSTED_INTERVAL_SECONDS;
    delayMs =
      Math.max(lastStep, Math.min(retryAfterSeconds ?? 0, ctx.policy.maxRetryAfterSeconds)) * 1000;
  }
  const at = ctx.now.getTime() + Math.max(MIN_RETRY_DELAY_MS, delayMs);
  return { kind: 'retry', at: new Date(at).toISOString() };
}
