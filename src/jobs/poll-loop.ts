/**
 * A background loop of the worker: runs a round of work, then waits for a wake-up or the poll
 * interval, until stopped. A wake-up that comes while a round runs starts the next round at
 * once instead of being lost. A round that throws is logged and the loop goes on.
 */
import type { Logger } from '../lib/logger.js';
import { createWakeSignal } from './wake-signal.js';

export interface PollLoop {
  /** Starts the next round now (or right after the one running). */
  wake(): void;
  /** Ends the loop after the current round; resolves when it has ended. */
  stop(): Promise<void>;
}

export function startPollLoop(options: {
  what: string;
  pollMs: number;
  logger: Logger;
  round: () => Promise<unknown>;
}): PollLoop {
  let running = true;
  const signal = createWakeSignal();

  async function loop(): Promise<void> {
    while (running) {
      signal.reset();
      try {
        await options.round();
      } catch (err) {
        options.logger.error({ err }, `${options.what} failed`);
      }
      if (running) await signal.sleep(options.pollMs);
    }
  }

  const finished = loop();
  return {
    wake: () => signal.wake(),
    stop() {
      running = false;
      signal.wake();
      return finished;
    },
  };
}
