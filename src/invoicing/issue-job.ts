/**
 * Issuing as a kind of leased job (document-jobs.ts): takes `document_jobs` rows, oldest event
 * first, and issues one after the other in claim order. Each issue is one transaction that
 * deletes the job (only while this worker's lease holds), claims the payment, allocates the
 * number and writes the document and its mails (issue.ts), so a number is never allocated
 * without its document. A refund that cannot be credited is recorded for manual handling; a
 * failure is tried again on the retry schedule for as long as it takes.
 */
import type { Kysely } from 'kysely';
import type { CanonicalEvent } from '../core/events.js';
import { newId } from '../core/ids.js';
import { claimLeased } from '../db/claim-leased.js';
import type { Database } from '../db/schema.js';
import type { JobKind } from '../jobs/job-runner.js';
import { runEach } from '../jobs/run-each.js';
import { DOCUMENT_BATCH, errorMessage, LeaseLost, nextTryAt } from './document-jobs.js';
import type { DocumentJobsDeps } from './document-jobs.js';
import { issueForEvent, NeedsManualHandling } from './issue.js';
import { loadProfileForIssue } from './profiles.js';

export interface IssueJob {
  event_id: string;
  profile_id: string;
  attempts: number;
  lease_until: string;
}

export interface IssueJobsDeps extends DocumentJobsDeps {
  /** A document was issued: it waits to be rendered. */
  onIssued?: () => void;
  /** A Digistore24 sale queued its mails instead of a document. */
  onSaleMailsQueued?: () => void;
}

export function createIssueJobs(deps: IssueJobsDeps): JobKind<IssueJob> {
  const { db, adapter, clock, logger } = deps;

  async function releaseJob(trx: Kysely<Database>, job: IssueJob): Promise<void> {
    const deleted = await trx
      .deleteFrom('document_jobs')
      .where('event_id', '=', job.event_id)
      .where('lease_until', '=', job.lease_until)
      .executeTakeFirst();
    if (Number(deleted.numDeletedRows) !== 1)
      throw new LeaseLost(`document job of ${job.event_id}`);
  }

  async function recordManual(job: IssueJob, event: CanonicalEvent, reason: string): Promise<void> {
    await adapter.writeTransaction(db, async (trx) => {
      await releaseJob(trx, job);
      await trx
        .insertInto('manual_refunds')
        .values({
          id: newId('manualRefund'),
          event_id: event.id,
          profile_id: job.profile_id,
          source_id: event.source.id,
          kind: event.type,
          order_ref: event.order?.id ?? null,
          transaction_ref: event.order?.transactionId ?? null,
          parent_transaction_ref:
            event.refund?.paymentTransactionId ?? event.order?.parentTransactionId ?? null,
          amount: event.order?.amount ?? null,
          currency: event.order?.currency ?? null,
          buyer_email: event.buyer?.email ?? null,
          reason,
          created_at: clock.now().toISOString(),
        })
        .onConflict((oc) => oc.column('event_id').doNothing())
        .execute();
    });
    logger.warn(
      { eventId: event.id, profileId: job.profile_id, reason },
      'refund needs manual handling: no credit note issued',
    );
  }

  async function issueJob(job: IssueJob): Promise<void> {
    const row = await db
      .selectFrom('events')
      .select('payload')
      .where('id', '=', job.event_id)
      .executeTakeFirst();
    const event = row ? (JSON.parse(row.payload) as CanonicalEvent) : null;
    const profile = await loadProfileForIssue(db, job.profile_id);
    try {
      const outcome = await adapter.writeTransaction(db, async (trx) => {
        await releaseJob(trx, job);
        if (event === null || profile === null)
          return {
            kind: 'skipped' as const,
            reason: event === null ? 'the event is gone' : 'the seller profile was deleted',
          };
        return issueForEvent(trx, clock, profile, event);
      });
      if (outcome.kind === 'issued') {
        logger.info(
          { eventId: job.event_id, documentId: outcome.documentId, number: outcome.number },
          'document issued',
        );
        deps.onIssued?.();
      } else if (outcome.kind === 'skipped')
        logger.info({ eventId: job.event_id, reason: outcome.reason }, 'no document issued');
      else if (outcome.kind === 'platform_sale') {
        logger.info(
          { eventId: job.event_id, mails: outcome.mails },
          'Digistore24 sale: its invoice links mailed instead of a document',
        );
        if (outcome.mails > 0) deps.onSaleMailsQueued?.();
      }
    } catch (err) {
      if (err instanceof NeedsManualHandling && event !== null)
        return recordManual(job, event, err.message);
      if (err instanceof LeaseLost) {
        logger.warn({ eventId: job.event_id }, 'document job lease lost; another worker has it');
        return;
      }
      const attempts = job.attempts + 1;
      logger.error(
        { err, eventId: job.event_id, attempts },
        'issuing a document failed; it will be tried again',
      );
      await db
        .updateTable('document_jobs')
        .set({
          attempts,
          next_attempt_at: nextTryAt(deps, attempts, 'keep-trying') ?? clock.now().toISOString(),
          lease_until: null,
          last_error: errorMessage(err),
        })
        .where('event_id', '=', job.event_id)
        .where('lease_until', '=', job.lease_until)
        .execute();
    }
  }

  return {
    name: 'document issue',
    concurrency: DOCUMENT_BATCH,
    claim: (limit, lease) =>
      claimLeased(db, adapter, {
        limit,
        due: (on, n, lock) =>
          on
            .selectFrom('document_jobs')
            .select(['event_id', 'profile_id', 'attempts', 'lease_until'])
            .where('next_attempt_at', '<=', lease.now)
            .where((eb) =>
              eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', lease.now)]),
            )
            .orderBy('event_id')
            .limit(n)
            .$if(lock, (q) => q.forUpdate().skipLocked())
            .execute(),
        lease: async (trx, rows): Promise<IssueJob[]> => {
          await trx
            .updateTable('document_jobs')
            .set({ lease_until: lease.until })
            .where(
              'event_id',
              'in',
              rows.map((r) => r.event_id),
            )
            .execute();
          return rows.map((r) => ({ ...r, lease_until: lease.until }));
        },
      }),
    // One after the other in claim order: numbers follow the order the jobs were queued in.
    run: (jobs, signal) => runEach(jobs, 1, signal, issueJob),
    describe: (job) => ({ eventId: job.event_id }),
  };
}
