/**
 * Environment variables a server process (`ipnhub serve`, `ipnhub worker`) is started with.
 *
 * `MALLOC_ARENA_MAX=2`: glibc's malloc gives a thread that finds the arenas in use one of its
 * own, up to 8 per core, each a 64 MB reservation whose touched pages stay resident. A server
 * has many threads that allocate (the main thread, the SQLite writer and checkpoint threads,
 * libuv's pool, V8's helpers), so its malloc memory spreads over many half-empty arenas. Two
 * arenas held 15–20 MB less after the benchmark's delivery phase and cost ~10 % less CPU per
 * delivery (docs/benchmarks.md, "Peak RSS, second look (2026-12-05)").
 *
 * glibc reads the variable when the process starts, so it cannot be set from inside: every way
 * the project starts a server sets it (`npm start`, deploy/docker-entrypoint.sh, the systemd
 * units in deploy/, the benchmark's bench/child.ts; server-environment.test.ts checks each),
 * and `serve --processes` forks its children with it ({@link withServerEnvironment}). A value
 * the operator set wins. Other C libraries (musl) ignore it.
 */

/** The variables and the value each gets when the operator has not set it. */
export const SERVER_ENVIRONMENT: Readonly<Record<string, string>> = { MALLOC_ARENA_MAX: '2' };

/** `env` with each of {@link SERVER_ENVIRONMENT}'s variables that it does not set itself. */
export function withServerEnvironment(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const added: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(SERVER_ENVIRONMENT))
    if (env[name] === undefined || env[name] === '') added[name] = value;
  return { ...env, ...added };
}
