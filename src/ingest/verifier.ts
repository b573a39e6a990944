/**
 * Deferred verification (docs/architecture.md, "Deferred verification"; PayPal's postback in
 * docs/providers.md): requests of providers that
 * confirm authenticity with the sender afterwards (PayPal IPN's postback) are stored as
 * `pending` with a row in `verifications` and acknowledged at once. The verifier takes due
 * rows under a lease, asks the provider to `confirm`, and then:
 * - confirmed: `normalize` and the usual commit (events under their dedup keys, ledger,
 *   deliveries), updating the stored request's verdict, in one transaction;
 * - refused (PayPal said INVALID) or invalid after confirmation (wrong receiver, …): verdict
 *   `rejected` with the provider's code; nothing is delivered;
 * - held after confirmation (about money, but no event can be made of it): verdict `held`,
 *   nothing is delivered, and `onHeld` sends the alert;
 * - no answer worth the name (timeout, 5xx, other text): tried again by the retry policy's
 *   schedule, and after its last step at that step's interval for as long as it takes — an
 *   acknowledged request is never dropped. The row carries the last error for the admin view.
 * Leases make a crashed verifier's rows come back; every final write checks the lease, so two
 * verifiers cannot both settle one request.
 *
 * A round asks the provider about all its requests at once, but commits them one after the
 * other in the order they were received (by request id), whatever order the answers come
 * back in. So a resend verified together with its original is the `duplicate`, and two
 * notifications of one order (PayPal sends `subscr_signup` and `subscr_payment` within a
 * second) reach the ledger and the connections in the order PayPal sent them. Event ids are
 * made at commit time for the same reason: the outbox delivers one order's events in id order.
 *
 * This file is the verification kind of job: the job runner (jobs/job-runner.ts) claims
 * (db/claim-verifications.ts), wakes, sleeps and stops; retries are settled by
 * jobs/settle-outcome.ts.
 */
import type { Kysely } from 'kysely';
import type { ErrorCode } from '../core/errors.js';
import type { EventDraft } from '../core/events.js';
import type { RetryPolicy } from '../core/retry-policy.js';
import { claimDueVerifications } from '../db/claim-verifications.js';
import type { ClaimedVerification } from '../db/claim-verifications.js';
import type { DbAdapter } from '../db/dialect-adapter.js';
import type { Database, InboundRequestsTable, InboundVerdict } from '../db/schema.js';
import type { Clock } from '../lib/clock.js';
import type { HttpClient } from '../lib/http-client.js';
import type { Logger } from '../lib/logger.js';
import type { JobKind } from '../jobs/job-runner.js';
import { settleOutcome } from '../jobs/settle-outcome.js';
import type { InboundRequest } from '../providers/provider.js';
import { installedProvider } from '../providers/registry.js';
import type { ProviderLookup } from '../providers/registry.js';
import { acceptedLogFields, summarizeEvent } from './accepted-log.js';
import type { HeldRequest } from './held-alert.js';
import type { IngestObserver, IngestSources, RejectedRequest } from './ingest.js';
import { keyEvents, verificationRecord } from './ingest.js';
import type { ActiveTargets } from './ingest-store.js';
import { writeCommit, writeVerdict } from './ingest-store.js';
import type { CacheScope } from '../lib/cache-scope.js';

export interface VerifierDeps {
  /** Providers by id; defaults to the installed ones. */
  providers?: ProviderLookup;
  db: Kysely<Database>;
  adapter: DbAdapter;
  sources: IngestSources;
  activeTargets: ActiveTargets;
  http: HttpClient;
  /** The runtime's caches, for providers. */
  caches: CacheScope;
  clock: Clock;
  logger: Logger;
  policy: RetryPolicy;
  /** Requests verified at once (each is one postback to the provider). */
  concurrency: number;
  observer?: IngestObserver;
  onDeliveriesCreated?: () => void;
  /** Called after a commit that queued document jobs (wakes the invoicing job runners, invoicing/document-runners.ts). */
  onDocumentJobs?: () => void;
  /** Called after a request was settled as held for review (sends the alert). */
  onHeld?: (held: HeldRequest) => void;
  /** Called after a request was rejected when it was confirmed (counts the operator's alert). */
  onRejected?: (rejected: RejectedRequest) => void;
  random?: () => number;
}

type Job = ClaimedVerification;

/** What asking the provider decided for one request; the database writes follow in receipt order. */
type Settlement =
  | { kind: 'retry'; reason: string; retryAfterSeconds?: number }
  | {
      kind: 'final';
      verdict: InboundVerdict;
      code: ErrorCode | null;
      reason: string | null;
      verification: string | null;
      held?: HeldRequest;
      rejected?: RejectedRequest;
    }
  | {
      kind: 'commit';
      row: InboundRequestsTable;
      source: { id: string; provider: string };
      drafts: readonly EventDraft[];
      verification: string;
      /** `performance.now()` when the verification of this request began. */
      startedAt: number;
    };

/** Deferred verification as a kind of leased job, for the job runner. */
export function createVerificationJobs(deps: VerifierDeps): JobKind<Job> {
  const { db, logger } = deps;
  const lookup = deps.providers ?? installedProvider;

  /** Deletes the job if this verifier still holds it; false (and a rollback) when the lease was lost. */
  async function release(trx: Kysely<Database>, job: Job): Promise<void> {
    const deleted = await trx
      .deleteFrom('verifications')
      .where('inbound_request_id', '=', job.inbound_request_id)
      .where('lease_until', '=', job.lease_until)
      .executeTakeFirst();
    if (Number(deleted.numDeletedRows) !== 1) throw new LeaseLost(job.inbound_request_id);
  }

  async function settleFinal(job: Job, s: Extract<Settlement, { kind: 'final' }>): Promise<void> {
    await deps.adapter.writeTransaction(db, async (trx) => {
      await release(trx, job);
      await writeVerdict(trx, {
        id: job.inbound_request_id,
        verdict: s.verdict,
        verdict_code: s.code,
        verdict_reason: s.reason,
        verification: s.verification,
        event_ids: '[]',
      });
    });
    deps.observer?.request(s.verdict);
    logger.info(
      { inboundId: job.inbound_request_id, verdict: s.verdict, code: s.code },
      'deferred verification settled',
    );
    if (s.held) deps.onHeld?.(s.held);
    if (s.rejected) deps.onRejected?.(s.rejected);
  }

  async function reschedule(job: Job, s: Extract<Settlement, { kind: 'retry' }>): Promise<void> {
    const attempts = job.attempts + 1;
    // An acknowledged request is never dropped: after the schedule, it is tried at its last step.
    const settled = settleOutcome(
      { kind: 'retry', retryAfterSeconds: s.retryAfterSeconds ?? null },
      {
        policy: deps.policy,
        attemptsMade: attempts,
        now: deps.clock.now(),
        whenExhausted: 'keep-trying',
        random: deps.random,
      },
    );
    if (settled.kind !== 'retry')
      throw new Error(`a verification cannot be ${settled.kind} after an inconclusive answer`);
    const next = settled.at;
    await db
      .updateTable('verifications')
      .set({ attempts, next_attempt_at: next, lease_until: null, last_error: s.reason })
      .where('inbound_request_id', '=', job.inbound_request_id)
      .where('lease_until', '=', job.lease_until)
      .execute();
    logger.warn(
      { inboundId: job.inbound_request_id, attempts, next, reason: s.reason },
      'deferred verification inconclusive; trying again later',
    );
  }

  async function commit(job: Job, s: Extract<Settlement, { kind: 'commit' }>): Promise<void> {
    // Made here, not when the answer came: event ids must follow the commit order.
    const events = keyEvents(s.drafts, s.source, s.row.received_at);
    if (events.length === 0)
      return settleFinal(job, {
        kind: 'final',
        verdict: 'test',
        code: null,
        reason: 'connection test',
        verification: s.verification,
      });
    const now = deps.clock.now().toISOString();
    const result = await deps.adapter.writeTransaction(db, async (trx) => {
      await release(trx, job);
      return writeCommit(
        trx,
        deps.activeTargets,
        { ...s.row, verification: s.verification, verdict: 'accepted' },
        events,
        now,
        true,
      );
    });
    const inserted = new Set(result.inserted);
    deps.observer?.request(inserted.size > 0 ? 'accepted' : 'duplicate');
    if (inserted.size > 0)
      deps.observer?.events(
        events.map((e) => e.event).filter((e) => inserted.has(e.id)),
        result.deliveries,
      );
    if (result.deliveries > 0) deps.onDeliveriesCreated?.();
    if (result.documentJobs > 0) deps.onDocumentJobs?.();
    logger.info(
      acceptedLogFields({
        inboundId: job.inbound_request_id,
        source: s.source,
        events: events.map((e) => summarizeEvent(e.event)),
        inserted,
        deliveries: result.deliveries,
        durationMs: Math.round(performance.now() - s.startedAt),
        verification: 'deferred',
      }),
      'notification accepted',
    );
  }

  /** Asks the provider; writes nothing. */
  async function decide(job: Job): Promise<Settlement> {
    const startedAt = performance.now();
    const row = await db
      .selectFrom('inbound_requests')
      .selectAll()
      .where('id', '=', job.inbound_request_id)
      .executeTakeFirst();
    const source = await deps.sources.loadForIngest(job.source_id);
    const provider = source ? lookup(source.provider) : null;
    if (!row || !source || !provider) {
      return {
        kind: 'final',
        verdict: 'error',
        code: 'SOURCE_NOT_FOUND',
        reason: 'The source was removed before the request could be verified.',
        verification: null,
      };
    }
    if (!provider.confirm) {
      return {
        kind: 'final',
        verdict: 'error',
        code: 'INTERNAL',
        reason: `provider ${provider.id} has no deferred verification`,
        verification: null,
      };
    }
    const req: InboundRequest = {
      receivedAt: new Date(row.received_at),
      method: row.method,
      url: row.url,
      headers: JSON.parse(row.headers) as Record<string, string>,
      rawBody: Buffer.from(row.raw_body),
      remoteAddress: row.remote_address,
    };
    const confirmation = await provider.confirm(req, source.config, {
      clock: deps.clock,
      http: deps.http,
      caches: deps.caches,
    });
    if (confirmation.ok === 'retry') {
      return {
        kind: 'retry',
        reason: confirmation.reason,
        ...(confirmation.retryAfterSeconds !== undefined
          ? { retryAfterSeconds: confirmation.retryAfterSeconds }
          : {}),
      };
    }
    const rejected = (code: ErrorCode, reason: string): RejectedRequest => ({
      inboundId: job.inbound_request_id,
      sourceId: source.id,
      code,
      reason,
    });
    if (!confirmation.ok)
      return {
        kind: 'final',
        verdict: 'rejected',
        code: confirmation.code,
        reason: confirmation.reason,
        verification: null,
        rejected: rejected(confirmation.code, confirmation.reason),
      };
    const normalized = provider.normalize(req, source.config);
    // The notes were logged when the request arrived; here they stay part of the record.
    const verification = verificationRecord(confirmation);
    if (normalized.kind === 'invalid')
      return {
        kind: 'final',
        verdict: 'rejected',
        code: normalized.code,
        reason: normalized.reason,
        verification,
        rejected: rejected(normalized.code, normalized.reason),
      };
    if (normalized.kind === 'ignored')
      return {
        kind: 'final',
        verdict: 'ignored',
        code: null,
        reason: normalized.reason,
        verification,
      };
    if (normalized.kind === 'held') {
      const held = {
        inboundId: job.inbound_request_id,
        sourceId: source.id,
        provider: source.provider,
        code: normalized.code,
        reason: normalized.reason,
      };
      return {
        kind: 'final',
        verdict: 'held',
        code: normalized.code,
        reason: normalized.reason,
        verification,
        held,
      };
    }
    return {
      kind: 'commit',
      row,
      source,
      drafts: normalized.events,
      verification,
      startedAt,
    };
  }

  function settle(job: Job, s: Settlement): Promise<void> {
    switch (s.kind) {
      case 'retry':
        return reschedule(job, s);
      case 'final':
        return settleFinal(job, s);
      case 'commit':
        return commit(job, s);
    }
  }

  /** Runs one step of a job; a failure leaves the job to its lease and yields null. */
  async function guarded<T>(job: Job, step: () => Promise<T>): Promise<T | null> {
    try {
      return await step();
    } catch (err) {
      if (err instanceof LeaseLost) {
        logger.warn(
          { inboundId: job.inbound_request_id },
          'verification lease lost; another verifier settled this request',
        );
        return null;
      }
      // A bug or a database failure: the lease expires and the request is verified again.
      logger.error(
        { err, inboundId: job.inbound_request_id },
        'deferred verification crashed; it will be retried when the lease expires',
      );
      return null;
    }
  }

  return {
    name: 'verification',
    concurrency: deps.concurrency,
    claim: (limit, lease) =>
      claimDueVerifications(db, deps.adapter, { now: lease.now, leaseUntil: lease.until, limit }),
    /**
     * Asks the provider about every job at once, then settles them one after the other in the
     * order the requests were received; each job's promise settles with its own write.
     */
    run(jobs) {
      const decisions = jobs.map((job) => guarded(job, () => decide(job)));
      const byReceipt = jobs
        .map((job, i) => ({ job, i }))
        .sort((a, b) => compareIds(a.job.inbound_request_id, b.job.inbound_request_id));
      const settled: Array<Promise<void>> = [];
      let previous: Promise<void> = Promise.resolve();
      for (const { job, i } of byReceipt) {
        previous = previous.then(async () => {
          const settlement = await decisions[i];
          if (settlement) await guarded(job, () => settle(job, settlement));
        });
        settled[i] = previous;
      }
      return settled;
    },
    describe: (job) => ({ inboundId: job.inbound_request_id }),
  };
}

/** Request ids are time-sortable (core/ids.ts): their order is the order of receipt. */
function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

class LeaseLost extends Error {
  constructor(inboundId: string) {
    super(`verification lease on ${inboundId} was lost`);
  }
}
