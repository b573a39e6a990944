/**
 * Hands out event-loop turns one at a time, for CPU work that shares the main thread with the
 * HTTP server. Work that awaits its turn starts in an event-loop iteration of its own, so the
 * server handles the requests that arrived in between (their I/O is polled between
 * iterations) instead of waiting until every piece of work that became ready together has run.
 *
 * Why not a plain `setImmediate` per piece: immediates queued in one iteration all run in the
 * same check phase, back to back, with no I/O polled between them. Here each turn's immediate
 * is queued only when the previous turn has begun, so it runs in the next iteration.
 */
export type TakeTurn = () => Promise<void>;

export function createEventLoopTurns(): TakeTurn {
  let last: Promise<void> = Promise.resolve();
  return () => {
    const turn = last.then(() => new Promise<void>((resolve) => setImmediate(resolve)));
    last = turn;
    return turn;
  };
}
