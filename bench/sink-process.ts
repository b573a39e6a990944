/**
 * The delivery sink of the benchmark in a process of its own (started by `startSinkProcess` in
 * bench/sink.ts): a target on another machine does not share ipnhub's CPU, so the sink's work
 * must not be charged to the server being measured. Over IPC it sends `{ url }` once it listens,
 * answers `count` with `{ requests }`, and exits on `close` or when the parent goes away.
 */
import { startSink } from './sink.js';

const sink = await startSink();
process.send?.({ url: sink.url });
process.on('message', (message: unknown) => {
  if (message === 'count') process.send?.({ requests: sink.requests() });
  else if (message === 'close') void sink.close().then(() => process.exit(0));
});
process.on('disconnect', () => process.exit(0));
