/**
 * V8 settings for the long-running server and worker processes.
 *
 * - Heap growing factor 1.5. By default V8 lets the old generation grow to up to ~4 × what
 *   survived the last full collection before collecting again; under a steady stream of
 *   notifications that is mostly garbage, and it shows as resident memory (measured: ~290 MB
 *   peak instead of ~230 MB, docs/benchmarks.md). A growing factor of 1.5 collects sooner; the
 *   full collections are incremental and stayed under 11 ms each, with no loss of throughput in
 *   the benchmark.
 * - Full collections marked on the main thread (incrementally, in steps between requests), not
 *   by helper threads alongside it. On two cores the helpers took both from PostgreSQL's
 *   backend and the load generator for the ~20–30 ms of each marking, and every request due
 *   meanwhile was answered after it: the open-loop tail at 1,000 notifications a second was
 *   these episodes (docs/benchmarks.md, "The tails (2026-12-05, second look)").
 * - WebAssembly compiled by the baseline compiler (Liftoff) only. The one WebAssembly module on
 *   the delivery path is undici's HTTP parser (llhttp), compiled with the first outbound
 *   connection; V8 then recompiles its hot functions with its optimizing compiler in background
 *   threads, whose scratch memory for llhttp's large state machine put ~30 MB on the resident
 *   set in the first fraction of a second of the delivery phase (freed again, but it set the
 *   process's peak; docs/benchmarks.md). Without it a delivery costs no more CPU: parsing a
 *   response head is a small part of an attempt, and the optimizing compile itself is saved.
 *   The render thread's layout engine (yoga) is WebAssembly too and runs on Liftoff as well.
 *
 * V8 flags are process-wide and these are read when they apply (at every collection, at every
 * WebAssembly compile), so setting them once at start (before the load) covers the main thread
 * and the ingest writer and render threads alike. Being process-wide, they are set only by the
 * entry points of server processes (`serve` and `worker` run from bin/ipnhub.js, see
 * cli/program.ts; the benchmark's server), never by `createRuntime`, other CLI commands or
 * tests, which may share their process with other programs.
 */
import { setFlagsFromString } from 'node:v8';

const HEAP_GROWING_PERCENT = 50;

/** The flags {@link tuneHeapForServer} sets, in order. */
export const SERVER_V8_FLAGS: readonly string[] = [
  `--heap-growing-percent=${HEAP_GROWING_PERCENT}`,
  '--no-concurrent-marking',
  '--liftoff-only',
];

export function tuneHeapForServer(): void {
  for (const flag of SERVER_V8_FLAGS) setFlagsFromString(flag);
}
