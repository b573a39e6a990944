/**
 * A fixed number of slots, handed out first come, first served: work takes a slot before it
 * starts and gives it back when it ends, so no more than `count` pieces run at once however many
 * are waiting. Unlike jobs/run-each.ts, which bounds the jobs of one claim, the slots are shared
 * by every claim of a runner's kind (outbox/delivery-job.ts claims ahead of its attempts).
 */
export interface Slots {
  /** Resolves when the caller holds a slot; callers are served in the order they asked. */
  take(): Promise<void>;
  /** Gives a held slot back: to the longest waiting caller, or to the pool. */
  give(): void;
  /** Slots held now. */
  readonly busy: number;
}

export function createSlots(count: number): Slots {
  if (!Number.isInteger(count) || count < 1)
    throw new RangeError(`slots must be a whole number of at least 1, not ${count}`);
  let busy = 0;
  const waiting: Array<() => void> = [];
  return {
    take() {
      if (busy < count) {
        busy++;
        return Promise.resolve();
      }
      return new Promise<void>((resolve) => waiting.push(resolve));
    },
    give() {
      const next = waiting.shift();
      // The slot passes straight to the next caller: `busy` stays as it is.
      if (next) next();
      else busy = Math.max(0, busy - 1);
    },
    get busy() {
      return busy;
    },
  };
}
