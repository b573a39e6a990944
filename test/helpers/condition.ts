/**
 * Waiting for something to happen without a clock: the code that changes the state (a fake
 * server that received a request, captured output) calls `notify()`, and every `until(ready)`
 * checks its condition again then. There is no deadline here: the test's timeout
 * (vitest.config.ts) bounds every wait, so a busy machine makes a test slower, never red.
 * See docs/testing.md.
 */
export interface Condition {
  /** Call after every change a waiter may be waiting for. */
  notify(): void;
  /**
   * Resolves with the first value of `ready()` that is not false, null or undefined: checked at
   * once and after every `notify()`. Rejects with what `ready` throws.
   */
  until<T>(ready: () => T | false | null | undefined): Promise<T>;
}

export function createCondition(): Condition {
  const waiters: Array<() => void> = [];
  return {
    notify() {
      for (const waiter of waiters.splice(0)) waiter();
    },
    until<T>(ready: () => T | false | null | undefined) {
      return new Promise<T>((resolve, reject) => {
        const check = (): void => {
          try {
            const value = ready();
            if (value === false || value === null || value === undefined) waiters.push(check);
            else resolve(value);
          } catch (err) {
            reject(err instanceof Error ? err : new Error(String(err)));
          }
        };
        check();
      });
    },
  };
}
