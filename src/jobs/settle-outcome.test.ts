import { describe, expect, it } from 'vitest';
import type { RetryPolicy } from '../core/retry-policy.js';
import { MIN_RETRY_DELAY_MS, settleOutcome } from './settle-outcome.js';

const POLICY: RetryPolicy = {
  schedule: [5, 300],
  jitter: 0,
  overloadPenaltySeconds: 60,
  maxRetryAfterSeconds: 3600,
};
const NOW = new Date('2026-01-01T00:00:00.000Z');
const secondsLater = (seconds: number) => new Date(NOW.getTime() + seconds * 1000).toISOString();

describe('settleOutcome', () => {
  it('settles a finished try as done, whatever the attempts and the mode', () => {
    expect(settleOutcome({ kind: 'done' }, { policy: POLICY, attemptsMade: 1, now: NOW })).toEqual({
      kind: 'done',
    });
    expect(
      settleOutcome({ kind: 'done' }, { policy: POLICY, attemptsMade: 9, now: NOW, oneTry: true }),
    ).toEqual({ kind: 'done' });
  });

  it('schedules a retry by the schedule, step by step', () => {
    expect(settleOutcome({ kind: 'retry' }, { policy: POLICY, attemptsMade: 1, now: NOW })).toEqual(
      { kind: 'retry', at: secondsLater(5) },
    );
    expect(settleOutcome({ kind: 'retry' }, { policy: POLICY, attemptsMade: 2, now: NOW })).toEqual(
      { kind: 'retry', at: secondsLater(300) },
    );
  });

  it('gives up after the last step by default', () => {
    expect(settleOutcome({ kind: 'retry' }, { policy: POLICY, attemptsMade: 3, now: NOW })).toEqual(
      { kind: 'dead' },
    );
  });

  it('keeps trying at the last step when the job must not be given up, honouring a longer Retry-After up to the cap', () => {
    const ctx = {
      policy: POLICY,
      attemptsMade: 3,
      now: NOW,
      whenExhausted: 'keep-trying' as const,
    };
    expect(settleOutcome({ kind: 'retry' }, ctx)).toEqual({ kind: 'retry', at: secondsLater(300) });
    expect(settleOutcome({ kind: 'retry' }, { ...ctx, attemptsMade: 40 })).toEqual({
      kind: 'retry',
      at: secondsLater(300),
    });
    expect(settleOutcome({ kind: 'retry', retryAfterSeconds: 900 }, ctx)).toEqual({
      kind: 'retry',
      at: secondsLater(900),
    });
    expect(settleOutcome({ kind: 'retry', retryAfterSeconds: 86_400 }, ctx)).toEqual({
      kind: 'retry',
      at: secondsLater(3600),
    });
    expect(
      settleOutcome({ kind: 'retry' }, { ...ctx, policy: { ...POLICY, schedule: [] } }),
    ).toEqual({ kind: 'retry', at: secondsLater(3600) });
  });

  it('gives up a retry of a one-try job at once', () => {
    expect(
      settleOutcome({ kind: 'retry' }, { policy: POLICY, attemptsMade: 1, now: NOW, oneTry: true }),
    ).toEqual({ kind: 'dead' });
  });

  it('applies the overload penalty, Retry-After and the jitter of the policy', () => {
    expect(
      settleOutcome(
        { kind: 'retry', overloaded: true },
        { policy: POLICY, attemptsMade: 1, now: NOW },
      ),
    ).toEqual({ kind: 'retry', at: secondsLater(60) });
    expect(
      settleOutcome(
        { kind: 'retry', retryAfterSeconds: 120 },
        { policy: POLICY, attemptsMade: 1, now: NOW },
      ),
    ).toEqual({ kind: 'retry', at: secondsLater(120) });
    const jittered = { policy: { ...POLICY, jitter: 0.2 }, attemptsMade: 2, now: NOW };
    expect(settleOutcome({ kind: 'retry' }, { ...jittered, random: () => 0 })).toEqual({
      kind: 'retry',
      at: secondsLater(240),
    });
    expect(settleOutcome({ kind: 'retry' }, { ...jittered, random: () => 0.5 })).toEqual({
      kind: 'retry',
      at: secondsLater(300),
    });
  });

  it('never makes a retry due sooner than the minimum delay, also for a zero-second step', () => {
    const zero = { ...POLICY, schedule: [0, 0] };
    const minimum = new Date(NOW.getTime() + MIN_RETRY_DELAY_MS).toISOString();
    expect(MIN_RETRY_DELAY_MS).toBeGreaterThan(0);
    expect(settleOutcome({ kind: 'retry' }, { policy: zero, attemptsMade: 1, now: NOW })).toEqual({
      kind: 'retry',
      at: minimum,
    });
    // Kept trying after a zero-second last step: still the minimum, not at once.
    expect(
      settleOutcome(
        { kind: 'retry' },
        { policy: zero, attemptsMade: 5, now: NOW, whenExhausted: 'keep-trying' },
      ),
    ).toEqual({ kind: 'retry', at: minimum });
    // A Retry-After of 0 does not shorten it either; longer waits are untouched.
    expect(
      settleOutcome(
        { kind: 'retry', retryAfterSeconds: 0 },
        { policy: zero, attemptsMade: 1, now: NOW },
      ),
    ).toEqual({ kind: 'retry', at: minimum });
    expect(settleOutcome({ kind: 'retry' }, { policy: POLICY, attemptsMade: 1, now: NOW })).toEqual(
      { kind: 'retry', at: secondsLater(5) },
    );
  });
});
