/**
 * The background worker of `ipnhub serve` (unless `--no-worker`) and `ipnhub worker`: the job
 * runner (jobs/job-runner.ts) for deliveries (outbox/delivery-job.ts), the one for deferred
 * verifications (ingest/verifier.ts) and the ones that issue, render and mail documents
 * (invoicing/document-runners.ts), beside the loop that sends error e-mails whose throttle
 * window has ended (outbox/alerts.ts) and the hourly retention pruning (retention/prune.ts). New deliveries wake the delivery runner in this process,
 * and in other processes through LISTEN/NOTIFY where the database has it; otherwise runners poll.
 */
import { hostname } from 'node:os';
import { newId } from './core/ids.js';
import { createJobRunner } from './jobs/job-runner.js';
import type { JobRunner } from './jobs/job-runner.js';
import { startPollLoop } from './jobs/poll-loop.js';
import type { PollLoop } from './jobs/poll-loop.js';
import { createDeliveryJobs, DELIVERIES_CHANNEL } from './outbox/delivery-job.js';
import type { DeliveryJobDeps } from './outbox/delivery-job.js';

export interface WorkerDeps extends Omit<DeliveryJobDeps, 'owner'> {
  /** Longest sleep of every loop when nothing wakes it. */
  pollMs: number;
  /** The lease owner of this worker's deliveries; host, process and a random tail by default. */
  owner?: string;
  /** Deferred verification of stored requests (PayPal IPN): a job runner of verifications. */
  verifier?: JobRunner;
  /** Job runners that issue, render and mail invoicing documents, in that order (invoicing/document-runners.ts). */
  documents?: readonly JobRunner[];
  /** Retention pruning (retention/prune.ts), run at start and then every `pruneEveryMs`. */
  pruner?: { runOnce(): Promise<unknown> };
  /** How often the pruner runs (default {@link PRUNE_EVERY_MS}). */
  pruneEveryMs?: number;
}

/** Retention is in days; pruning once an hour keeps each run small. */
export const PRUNE_EVERY_MS = 3_600_000;

export interface Worker {
  readonly owner: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Wakes an idle delivery runner: new deliveries were committed. */
  wake(): void;
  /** Wakes the verification runner: a request was stored for deferred verification. */
  wakeVerifier(): void;
  /** Wakes the document runners: document jobs were queued, a credit note issued or a resend asked for. */
  wakeDocuments(): void;
  /**
   * Verifies every stored request due now, then claims and processes every delivery due now,
   * until none is left, then issues, renders and mails the documents due now, then sends the
   * error e-mails whose throttle window has ended; returns how many delivery attempts ran.
   */
  runOnce(): Promise<number>;
}

export function createWorker(deps: WorkerDeps): Worker {
  const owner = deps.owner ?? `${hostname()}:${process.pid}:${newId('delivery').slice(-6)}`;
  const { clock, logger, leaseMs, pollMs } = deps;
  const deliveries = createJobRunner(createDeliveryJobs({ ...deps, owner }), {
    clock,
    logger,
    leaseMs,
    pollMs,
  });
  const documents = deps.documents ?? [];
  let started = false;
  let alertLoop: PollLoop | null = null;
  let pruneLoop: PollLoop | null = null;
  let unlisten: (() => Promise<void>) | null = null;

  return {
    owner,
    async start() {
      if (started) return;
      started = true;
      const { alerter } = deps;
      deps.verifier?.start();
      for (const runner of documents) runner.start();
      alertLoop = startPollLoop({
        what: 'sending due error e-mails',
        pollMs,
        logger,
        round: () => alerter.flushDue(),
      });
      const { pruner } = deps;
      if (pruner)
        pruneLoop = startPollLoop({
          what: 'pruning what is past its retention',
          pollMs: deps.pruneEveryMs ?? PRUNE_EVERY_MS,
          logger,
          round: () => pruner.runOnce(),
        });
      unlisten = await deps.adapter
        .listen(DELIVERIES_CHANNEL, () => deliveries.wake())
        .catch((err: unknown) => {
          logger.warn({ err }, 'cannot listen for new deliveries; polling only');
          return null;
        });
      deliveries.start();
      logger.info({ owner, concurrency: deps.concurrency }, 'delivery worker started');
    },
    async stop() {
      started = false;
      await Promise.all([
        deliveries.stop(),
        deps.verifier?.stop(),
        ...documents.map((runner) => runner.stop()),
        alertLoop?.stop(),
        pruneLoop?.stop(),
      ]);
      alertLoop = null;
      pruneLoop = null;
      await unlisten?.();
      unlisten = null;
    },
    wake: () => deliveries.wake(),
    wakeVerifier: () => deps.verifier?.wake(),
    wakeDocuments() {
      for (const runner of documents) runner.wake();
    },
    async runOnce() {
      await deps.verifier?.runOnce();
      const total = await deliveries.runOnce();
      for (const runner of documents) await runner.runOnce();
      await deps.alerter.flushDue();
      return total;
    },
  };
}
