/**
 * The invoicing side of the worker (docs/invoicing.md, "How a document is made"): four kinds of
 * leased job for the job runner (jobs/job-runner.ts), each a table row, run in this order by
 * `runOnce` and each woken by the step before it (document-runners.ts):
 * 1. issue (issue-job.ts) — `document_jobs` rows written with their events: the document is
 *    issued (or the refund recorded for manual handling) in one transaction that also deletes
 *    the job (issue.ts);
 * 2. render (render-job.ts) — documents whose PDF is not rendered yet, from the stored snapshot
 *    alone, the e-invoice embedded when the document was issued with it;
 * 3. document mails and 4. sale mails (mail-jobs.ts) — `document_mails` rows of rendered
 *    documents (the PDF attached) and `platform_sale_mails` rows (a Digistore24 sale's mails
 *    with its invoice links, platform-sale-mails.ts), sent side by side, at most
 *    `mailConcurrency` at once.
 * Every kind claims through db/claim-leased.ts (one write transaction, `SKIP LOCKED` on
 * PostgreSQL), so two workers never work on the same row; a worker that dies leaves its leases
 * to expire. Every write that settles a row checks that the lease is still this worker's.
 * Retries follow jobs/settle-outcome.ts: issuing and rendering are never given up, a mail is.
 */
import type { Kysely } from 'kysely';
import type { RetryPolicy } from '../core/retry-policy.js';
import type { DbAdapter } from '../db/dialect-adapter.js';
import type { Database } from '../db/schema.js';
import { settleOutcome } from '../jobs/settle-outcome.js';
import type { Clock } from '../lib/clock.js';
import type { Logger } from '../lib/logger.js';
import type { Mailer } from '../lib/mailer.js';
import type { DocumentSnapshot } from './document-snapshot.js';

/** Renders a document's PDF from its snapshot alone (src/invoicing/pdf/). */
export type DocumentRenderer = (snapshot: DocumentSnapshot) => Promise<Uint8Array>;

/**
 * Embeds the snapshot's EN 16931 e-invoice in its rendered PDF (e-invoice/embed-e-invoice.ts);
 * throws `EINVOICE_INCOMPLETE` or `EINVOICE_AMOUNTS_INVALID` for a document that cannot be one.
 */
export type EInvoiceEmbedder = (pdf: Uint8Array, snapshot: DocumentSnapshot) => Promise<Uint8Array>;

export interface DocumentJobsDeps {
  db: Kysely<Database>;
  adapter: DbAdapter;
  clock: Clock;
  logger: Logger;
  mailer: Mailer;
  render: DocumentRenderer;
  embedEInvoice: EInvoiceEmbedder;
  policy: RetryPolicy;
  /** Mails sent at once at most (`smtpMaxConnections`); default 1. */
  mailConcurrency?: number;
  random?: () => number;
}

/** Rows one claim takes at most, for every step. */
export const DOCUMENT_BATCH = 16;

/** The settling write found the lease taken by another worker: nothing of it is kept. */
export class LeaseLost extends Error {
  override readonly name = 'LeaseLost';
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * When a failed try is made again (jobs/settle-outcome.ts): by the retry schedule, and after
 * its last step at that step's interval for ever (`keep-trying`: an issued document must get
 * its PDF) or never (`dead`: null, a mail is then failed).
 */
export function nextTryAt(
  deps: Pick<DocumentJobsDeps, 'policy' | 'clock' | 'random'>,
  attemptsMade: number,
  whenExhausted: 'keep-trying' | 'dead',
): string | null {
  const settled = settleOutcome(
    { kind: 'retry' },
    {
      policy: deps.policy,
      attemptsMade,
      now: deps.clock.now(),
      whenExhausted,
      random: deps.random,
    },
  );
  return settled.kind === 'retry' ? settled.at : null;
}
