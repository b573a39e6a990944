/**
 * Runs work one at a time per key, in arrival order, within this process: for read-then-write
 * steps a target does not make atomic (ActiveCampaign: read a contact's tags, attach the ones
 * it lacks), so two deliveries for the same contact cannot both decide to write the same thing.
 * Keys without queued work take no memory.
 */
export interface KeyedQueue {
  /**
   * Runs `work` once every earlier work for `key` has settled. Rejects with the signal's reason,
   * without running `work`, when `signal` aborts while waiting; later work still waits its turn.
   */
  run<T>(key: string, work: () => Promise<T>, signal?: AbortSignal): Promise<T>;
}

function untilTurn(previous: Promise<void>, signal: AbortSignal | undefined): Promise<void> {
  if (!signal) return previous;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<void>((resolve, reject) => {
    const abort = (): void => reject(signal.reason);
    signal.addEventListener('abort', abort, { once: true });
    void previous.then(() => {
      signal.removeEventListener('abort', abort);
      resolve();
    });
  });
}

export function createKeyedQueue(): KeyedQueue {
  const tails = new Map<string, Promise<void>>();
  return {
    async run(key, work, signal) {
      const previous = tails.get(key) ?? Promise.resolve();
      let done = (): void => undefined;
      const finished = new Promise<void>((resolve) => (done = resolve));
      // The next caller waits for this one AND everything before it, even if this one gives up early.
      const tail = previous.then(() => finished);
      tails.set(key, tail);
      try {
        await untilTurn(previous, signal);
        return await work();
      } finally {
        done();
        void tail.then(() => {
          if (tails.get(key) === tail) tails.delete(key);
        });
      }
    },
  };
}
