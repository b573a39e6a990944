/**
 * Collects the items submitted during one turn of the event loop and hands them on together,
 * once, in that turn's check phase (`setImmediate`): after the poll phase has run every I/O
 * callback that was ready, with the microtasks each of them queued. So the requests that one
 * poll of the HTTP server's sockets brought in, each handled up to its hand-off, leave as one
 * batch instead of one at a time.
 *
 * User: the hand-off to the ingest writer thread (ingest/threaded-ingest-store.ts), where one
 * message per turn instead of one per request means the writer takes them into one transaction
 * (docs/benchmarks.md, "One message per turn to the writer thread").
 */
export type TurnBatch<Item> = (item: Item) => void;

export function createTurnBatch<Item>(handOn: (items: Item[]) => void): TurnBatch<Item> {
  let items: Item[] = [];
  function end(): void {
    const batch = items;
    items = [];
    handOn(batch);
  }
  return (item) => {
    if (items.length === 0) setImmediate(end);
    items.push(item);
  };
}
