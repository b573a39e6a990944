/**
 * `ipnhub serve --processes N`: N server processes on one port (node:cluster; the primary
 * accepts the connections and hands them to the children in turn). The primary runs no
 * runtime of its own; each child is a complete `ipnhub serve` with its own database pool,
 * group commit and (unless `--no-worker`) delivery worker.
 *
 * - The children start one after the other: the first applies the migrations and creates the
 *   admin token, so two never race for them.
 * - A child that ends on its own (a crash, an out-of-memory kill) is replaced after a pause
 *   that doubles with each failure in a row (1 s up to 30 s) and starts again at 1 s once a
 *   child has run for a minute.
 * - SIGINT/SIGTERM to the primary stop the children gracefully (each closes its server, lets
 *   its requests commit and its worker finish within the worker's grace period); a child still
 *   running `STOP_LIMIT_MS` later is killed.
 *
 * PostgreSQL only (serve.ts refuses it on SQLite): SQLite takes one writer at a time, so more
 * processes would queue on the file's lock; one process with its writer thread already keeps
 * SQLite's writes on a core of their own.
 */
import cluster from 'node:cluster';
import type { Worker } from 'node:cluster';
import { IpnhubError } from '../core/errors.js';
import { DEFAULT_STOP_GRACE_MS } from '../jobs/job-runner.js';
import type { Logger } from '../lib/logger.js';
import { withServerEnvironment } from '../lib/server-environment.js';

/** Longest wait for children to stop after the signal: the worker's grace period and closing down. */
export const STOP_LIMIT_MS = DEFAULT_STOP_GRACE_MS + 20_000;
const FIRST_RESTART_MS = 1000;
const LONGEST_RESTART_MS = 30_000;
/** A child that ran this long was healthy: the next failure starts the backoff over. */
const HEALTHY_AFTER_MS = 60_000;

/** The pause before replacing a child, after `failures` failures in a row (1 for the first). */
export function restartDelayMs(failures: number): number {
  return Math.min(LONGEST_RESTART_MS, FIRST_RESTART_MS * 2 ** Math.max(0, failures - 1));
}

export interface ClusterOptions {
  processes: number;
  logger: Logger;
  /** Resolves with the reason when the cluster should stop (the signal's name). */
  shutdown: Promise<string>;
}

/** The message the primary sends a child to stop it gracefully (serve.ts listens for it). */
export const STOP_MESSAGE = 'ipnhub:stop';

/**
 * Runs the primary until `shutdown` resolves and every child has ended. Rejects when a child
 * ends before it listens while they start (its own log says why): a broken configuration is
 * not retried forever.
 */
export async function runServeCluster(options: ClusterOptions): Promise<void> {
  const { logger, processes } = options;
  let stopping = false;
  let startingUp = true;
  let failures = 0;
  let restartTimer: NodeJS.Timeout | null = null;
  const running = new Set<Worker>();
  const started = new Map<Worker, number>();

  const fork = (): Promise<boolean> =>
    new Promise((resolve) => {
      const child = cluster.fork(withServerEnvironment(process.env));
      running.add(child);
      started.set(child, Date.now());
      const onListening = (): void => {
        child.off('exit', onEarlyExit);
        logger.info(
          { pid: child.process.pid, processes: running.size },
          'server process listening',
        );
        resolve(true);
      };
      const onEarlyExit = (): void => {
        child.off('listening', onListening);
        resolve(false);
      };
      child.once('listening', onListening);
      child.once('exit', onEarlyExit);
      child.on('exit', (code, signal) => {
        running.delete(child);
        const ranMs = Date.now() - (started.get(child) ?? Date.now());
        started.delete(child);
        if (stopping || startingUp) return;
        failures = ranMs >= HEALTHY_AFTER_MS ? 1 : failures + 1;
        const delayMs = restartDelayMs(failures);
        logger.error(
          { pid: child.process.pid, code, signal, restartInMs: delayMs },
          'server process ended; starting a new one',
        );
        restartTimer = setTimeout(() => {
          restartTimer = null;
          if (!stopping) void fork();
        }, delayMs);
      });
    });

  // One after the other: the first one migrates and creates the admin token.
  let shutdownAsked = false;
  const asked = options.shutdown.then((reason) => {
    shutdownAsked = true;
    return reason;
  });
  let failedToStart = false;
  for (let i = 0; i < processes && !shutdownAsked; i++) {
    if (!(await Promise.race([fork(), asked.then(() => true)]))) {
      failedToStart = true;
      break;
    }
  }
  startingUp = false;
  const reason = failedToStart ? 'a server process did not start' : await asked;
  stopping = true;
  if (restartTimer) clearTimeout(restartTimer);
  logger.info({ reason, processes: running.size }, 'stopping the server processes');
  const ended = [...running].map(
    (child) => new Promise<void>((resolve) => child.once('exit', () => resolve())),
  );
  // A message, not a signal: after Ctrl-C in a terminal the children have had their SIGINT
  // already, and a second signal would end a child's graceful stop at once.
  for (const child of running) if (child.isConnected()) child.send(STOP_MESSAGE);
  const limit = setTimeout(() => {
    for (const child of running) {
      logger.error({ pid: child.process.pid }, 'server process did not stop in time; killing it');
      child.process.kill('SIGKILL');
    }
  }, STOP_LIMIT_MS);
  await Promise.all(ended);
  clearTimeout(limit);
  if (failedToStart)
    throw new IpnhubError(
      'LISTEN_FAILED',
      'A server process ended before it listened; its log above says why.',
    );
  logger.info('stopped');
}
