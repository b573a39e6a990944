/**
 * The deadlines of a job kind's attempts: each fires when its time has passed or when the
 * runner's stop signal aborts (after the grace period), and is released as soon as its attempt
 * ends.
 *
 * One listener on each stop signal serves every attempt under it: the live attempts are kept
 * in a set, which the listener aborts all at once. A listener per attempt on the stop signal
 * (an `EventTarget`) cost an `addEventListener` and a `removeEventListener` per attempt, a few
 * microseconds each at thousands of deliveries per second (docs/benchmarks.md, "Abort signals
 * per attempt"). `AbortSignal.timeout` with `AbortSignal.any` would keep a timer and a
 * dependent signal alive for the whole deadline after every attempt: tens of megabytes held
 * for a minute at that rate.
 *
 * A deadline is an {@link AbortTrigger}, watched by the code that runs the attempt and by the
 * attempt's HTTP requests; its `AbortSignal` (with the controller behind it) is made only when
 * something reads `signal`, a connector that passes `ctx.signal` on, say (docs/benchmarks.md,
 * "The attempt's deadline without an AbortSignal").
 */
import type { AbortTrigger } from '../lib/abort-trigger.js';

export interface AttemptDeadline extends AbortTrigger {
  /** Why it fired: the stop signal's reason, or an `Error` with the timeout message. */
  readonly reason: unknown;
  /** An `AbortSignal` that fires with the deadline, made on first read. */
  readonly signal: AbortSignal;
  /** Clears the timer and forgets the attempt; call once, when the attempt has ended. */
  release(): void;
}

/** Starts an attempt's deadline under the runner's `stop` signal. */
export type AttemptDeadlines = (stop: AbortSignal) => AttemptDeadline;

class Deadline implements AttemptDeadline {
  aborted = false;
  reason: unknown = undefined;
  #listeners: Array<() => void> = [];
  #controller: AbortController | null = null;
  #timer: NodeJS.Timeout | null = null;
  #live: Set<Deadline> | null = null;

  get signal(): AbortSignal {
    if (this.#controller === null) {
      this.#controller = new AbortController();
      if (this.aborted) this.#controller.abort(this.reason);
    }
    return this.#controller.signal;
  }

  onAbort(listener: () => void): () => void {
    if (this.aborted) return forgetNothing;
    this.#listeners.push(listener);
    return () => {
      const at = this.#listeners.indexOf(listener);
      if (at !== -1) this.#listeners.splice(at, 1);
    };
  }

  start(ms: number, timeoutMessage: string, live: Set<Deadline>): void {
    this.#live = live;
    live.add(this);
    this.#timer = setTimeout(() => this.abort(new Error(timeoutMessage)), ms);
  }

  abort(reason: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    this.#controller?.abort(reason);
    const listeners = this.#listeners;
    this.#listeners = [];
    for (const listener of listeners) listener();
  }

  release(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    this.#live?.delete(this);
    this.#live = null;
    this.#listeners = [];
  }
}

const forgetNothing = (): void => undefined;

/**
 * A source of attempt deadlines of `ms` each, aborting with `timeoutMessage` when they pass;
 * stop signals it has seen are held weakly.
 */
export function createAttemptDeadlines(ms: number, timeoutMessage: string): AttemptDeadlines {
  const liveByStop = new WeakMap<AbortSignal, Set<Deadline>>();

  function liveUnder(stop: AbortSignal): Set<Deadline> {
    let live = liveByStop.get(stop);
    if (live === undefined) {
      const attempts = new Set<Deadline>();
      stop.addEventListener(
        'abort',
        () => {
          for (const deadline of attempts) deadline.abort(stop.reason);
          attempts.clear();
        },
        { once: true },
      );
      liveByStop.set(stop, attempts);
      live = attempts;
    }
    return live;
  }

  return (stop) => {
    const deadline = new Deadline();
    if (stop.aborted) deadline.abort(stop.reason);
    else deadline.start(ms, timeoutMessage, liveUnder(stop));
    return deadline;
  };
}
