/**
 * The two parts of undici that ipnhub uses, loaded from undici's own files instead of its
 * package index: the connection-pooling `Agent` and the `request` API called on it.
 *
 * The index loads everything undici offers when it is imported — fetch with its Web classes,
 * WebSocket, EventSource, the mock and snapshot agents, proxy and retry agents, caches and
 * interceptors — and a CommonJS index cannot be tree-shaken by the bundler. In the server
 * bundle that was ~0.7 MB of source text, all of it held in the heap of every server process
 * for its whole life, and its modules' objects beside it (docs/benchmarks.md, "undici's
 * parts, not its index").
 *
 * undici 7 publishes no `exports` map, so its files can be imported by path. The paths are
 * pinned by the lockfile; an undici that moves them fails the build, and lib/http-client.test.ts
 * runs every request through them. The types are undici's own (types/undici-parts.d.ts).
 */
/// <reference path="../types/undici-parts.d.ts" />
import type { Dispatcher } from 'undici';
import requestOn from 'undici/lib/api/api-request.js';
import AgentClass from 'undici/lib/dispatcher/agent.js';

export const Agent = AgentClass;

/** `dispatcher.request(options)` as undici's index adds it to every dispatcher. */
export function requestVia(
  dispatcher: Dispatcher,
  options: Dispatcher.RequestOptions,
): Promise<Dispatcher.ResponseData> {
  return requestOn.call(dispatcher, options);
}
