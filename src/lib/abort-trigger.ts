/**
 * Something that can be aborted, watched without an `AbortSignal`.
 *
 * An `AbortSignal` is an `EventTarget`: in Node 20 making one (with its controller) and adding
 * and removing two listeners cost ~5 µs, against ~0.2 µs for a plain list of callbacks (a node
 * micro-benchmark), and every delivery attempt had one. The attempt's deadline
 * (jobs/attempt-deadlines.ts) is such a trigger and makes its `AbortSignal` only when a
 * connector reads `ctx.signal`; the code that runs the attempt (connectors/run-connector.ts)
 * and the requests made through `ctx.http` (lib/http-client.ts `abortOn`) watch the trigger
 * itself (docs/benchmarks.md, "The attempt's deadline without an AbortSignal").
 */

export interface AbortTrigger {
  /** True once it has fired. */
  readonly aborted: boolean;
  /**
   * Calls `listener` once, when it fires; answers a function that forgets the listener. As with
   * an `AbortSignal`, a trigger that has fired already does not call it: check `aborted` first.
   */
  onAbort(listener: () => void): () => void;
}

/** An `AbortSignal` seen as a trigger (a listener added and removed through the signal). */
export function triggerOfSignal(signal: AbortSignal): AbortTrigger {
  return {
    get aborted() {
      return signal.aborted;
    },
    onAbort(listener) {
      signal.addEventListener('abort', listener, { once: true });
      return () => signal.removeEventListener('abort', listener);
    },
  };
}
