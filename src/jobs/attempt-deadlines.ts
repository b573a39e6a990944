/**
 * Abort signals for the attempts of a job kind: each fires when its deadline passes or when the
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
 */

export interface AttemptDeadline {
  signal: AbortSignal;
  /** Clears the timer and forgets the attempt; call once, when the attempt has ended. */
  release(): void;
}

/** Starts an attempt's deadline under the runner's `stop` signal. */
export type AttemptDeadlines = (stop: AbortSignal) => AttemptDeadline;

const NOTHING_TO_RELEASE = (): void => undefined;

/**
 * A source of attempt deadlines of `ms` each, aborting with `timeoutMessage` when they pass;
 * stop signals it has seen are held weakly.
 */
export function createAttemptDeadlines(ms: number, timeoutMessage: string): AttemptDeadlines {
  const liveByStop = new WeakMap<AbortSignal, Set<AbortController>>();

  function liveUnder(stop: AbortSignal): Set<AbortController> {
    let live = liveByStop.get(stop);
    if (live === undefined) {
      const attempts = new Set<AbortController>();
      stop.addEventListener(
        'abort',
        () => {
          for (const controller of attempts) controller.abort(stop.reason);
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
    const controller = new AbortController();
    if (stop.aborted) {
      controller.abort(stop.reason);
      return { signal: controller.signal, release: NOTHING_TO_RELEASE };
    }
    const live = liveUnder(stop);
    live.add(controller);
    const timer = setTimeout(() => controller.abort(new Error(timeoutMessage)), ms);
    return {
      signal: controller.signal,
      release() {
        clearTimeout(timer);
        live.delete(controller);
      },
    };
  };
}
