/**
 * Sleep and wake for a background loop: the loop sleeps between rounds until the poll interval
 * ends or someone wakes it (new work was committed, a job finished, stop). A wake-up that comes
 * while the loop is busy is kept, so the next sleep returns at once instead of losing it.
 */
export interface WakeSignal {
  /** Forgets earlier wake-ups; call before looking for work. */
  reset(): void;
  wake(): void;
  /** True when woken since the last `reset`. */
  readonly woken: boolean;
  /** Waits `ms` or until woken; returns at once when woken since the last `reset`. */
  sleep(ms: number): Promise<void>;
}

export function createWakeSignal(): WakeSignal {
  let woken = false;
  let wakeUp: (() => void) | null = null;
  return {
    reset() {
      woken = false;
    },
    wake() {
      woken = true;
      wakeUp?.();
    },
    get woken() {
      return woken;
    },
    sleep(ms) {
      if (woken) return Promise.resolve();
      return new Promise<void>((resolve) => {
        const timer = setTimeout(done, ms);
        function done(): void {
          clearTimeout(timer);
          wakeUp = null;
          resolve();
        }
        wakeUp = done;
      });
    },
  };
}
