import { getEventListeners, once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { createAttemptDeadlines } from './attempt-deadlines.js';

const LONG_MS = 60_000;

describe('createAttemptDeadlines', () => {
  it('aborts every attempt still running when the stop signal aborts, with its reason, through one listener', () => {
    const deadlines = createAttemptDeadlines(LONG_MS, 'late');
    const stop = new AbortController();
    const attempts = Array.from({ length: 5 }, () => deadlines(stop.signal));
    expect(getEventListeners(stop.signal, 'abort')).toHaveLength(1);
    const [ended, ...running] = attempts;
    ended?.release();

    const reason = new Error('worker stopping');
    stop.abort(reason);
    expect(ended?.signal.aborted).toBe(false);
    for (const attempt of running) {
      expect(attempt.signal.aborted).toBe(true);
      expect(attempt.signal.reason).toBe(reason);
      attempt.release();
    }
  });

  it('hands out an aborted signal once the stop signal has aborted', () => {
    const deadlines = createAttemptDeadlines(LONG_MS, 'late');
    const stop = new AbortController();
    stop.abort(new Error('stopped'));
    const attempt = deadlines(stop.signal);
    expect(attempt.signal.aborted).toBe(true);
    expect(attempt.signal.reason).toBe(stop.signal.reason);
    attempt.release();
  });

  it('aborts an attempt when its deadline passes, saying so', async () => {
    const deadlines = createAttemptDeadlines(1, 'delivery attempt timed out after 1 ms');
    const stop = new AbortController();
    const attempt = deadlines(stop.signal);
    await once(attempt.signal, 'abort');
    expect(attempt.signal.reason).toEqual(new Error('delivery attempt timed out after 1 ms'));
    attempt.release();
  });

  it('keeps one listener per stop signal: a new runner start has its own', () => {
    const deadlines = createAttemptDeadlines(LONG_MS, 'late');
    const first = new AbortController();
    const second = new AbortController();
    const a = deadlines(first.signal);
    const b = deadlines(second.signal);
    const c = deadlines(second.signal);
    expect(getEventListeners(first.signal, 'abort')).toHaveLength(1);
    expect(getEventListeners(second.signal, 'abort')).toHaveLength(1);
    first.abort();
    expect([a.signal.aborted, b.signal.aborted, c.signal.aborted]).toEqual([true, false, false]);
    for (const attempt of [a, b, c]) attempt.release();
  });

  it('is a trigger: its listeners run when it fires, a forgotten one does not, and none after release', () => {
    const deadlines = createAttemptDeadlines(LONG_MS, 'late');
    const stop = new AbortController();
    const fired: string[] = [];
    const running = deadlines(stop.signal);
    running.onAbort(() => fired.push('kept'));
    const forget = running.onAbort(() => fired.push('forgotten'));
    forget();
    const ended = deadlines(stop.signal);
    ended.onAbort(() => fired.push('released'));
    ended.release();

    stop.abort(new Error('stopping'));
    expect(fired).toEqual(['kept']);
    expect([running.aborted, ended.aborted]).toEqual([true, false]);
    // Added after it fired: not called, as with an AbortSignal.
    running.onAbort(() => fired.push('late'));
    expect(fired).toEqual(['kept']);
    running.release();
  });

  it('makes its signal when first read, already aborted with the reason if it has fired', () => {
    const deadlines = createAttemptDeadlines(LONG_MS, 'late');
    const stop = new AbortController();
    const attempt = deadlines(stop.signal);
    const reason = new Error('stopping');
    stop.abort(reason);
    expect(attempt.signal.aborted).toBe(true);
    expect(attempt.signal.reason).toBe(reason);
    expect(attempt.reason).toBe(reason);
    attempt.release();
  });
});
