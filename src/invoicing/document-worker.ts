/**
 * The invoicing side of the worker (docs/invoicing.md, "How a document is made"): three kinds
 * of leased job, each a table row, run one after the other in every round:
 * 1. issue — `document_jobs` rows written with their events: the document is issued (or the
 *    refund recorded for manual handling) in one transaction that also deletes the job
 *    (issue.ts);
 * 2. render — documents whose PDF is not rendered yet: the injected renderer makes the PDF from
 *    the stored snapshot alone; when the document was issued with the e-invoice, the EN 16931
 *    XML is embedded in it (e-invoice/embed-e-invoice.ts); the bytes are stored once with their
 *    SHA-256. A failure keeps the document and its number; it is tried again on the retry
 *    schedule, after the schedule's last step at that step's interval, for as long as it takes.
 *    A document that cannot be a valid e-invoice (a buyer without country, say) is not a
 *    failure: the answer would be the same on every try, so its plain PDF is stored at once and
 *    the reason kept with it (`e_invoice_refused`) and logged;
 * 3. mail — `document_mails` rows of rendered documents: sent with the PDF attached; a failure
 *    the mailer calls transient is retried on the retry schedule, then the mail is `failed`.
 *    Then `platform_sale_mails` rows (a Digistore24 sale's mails with its invoice links, no
 *    document: platform-sale-mails.ts), sent and retried the same way. The mails of one claimed
 *    batch are sent side by side, at most `mailConcurrency` at once (the mailer's pooled SMTP
 *    connections): each is settled on its own row as soon as it ends, so a slow or failing mail
 *    holds no other back and is retried alone; a mail whose lease has run out by the time its
 *    turn comes is not sent (another worker may have taken it).
 * A row is taken by compare-and-set on its lease column, so two workers (two processes on one
 * database) never work on the same row; a worker that dies leaves its leases to expire.
 * Every write that settles a row checks that the lease is still this worker's.
 */
import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import { isIpnhubError } from '../core/errors.js';
import type { CanonicalEvent } from '../core/events.js';
import { newId } from '../core/ids.js';
import { nextRetryDelay } from '../core/retry-policy.js';
import type { RetryPolicy } from '../core/retry-policy.js';
import type { DbAdapter } from '../db/dialect-adapter.js';
import type { Database } from '../db/schema.js';
import type { Clock } from '../lib/clock.js';
import { forEachBounded } from '../lib/for-each-bounded.js';
import type { Logger } from '../lib/logger.js';
import type { Mailer, MailResult } from '../lib/mailer.js';
import { composeDocumentMail } from './document-mails.js';
import type { MailRole } from './document-mails.js';
import type { DocumentSnapshot } from './document-snapshot.js';
import { issueForEvent, NeedsManualHandling } from './issue.js';
import { composePlatformSaleMail } from './platform-sale-mails.js';
import { loadProfileForIssue } from './profiles.js';

/** Renders a document's PDF from its snapshot alone (src/invoicing/pdf/). */
export type DocumentRenderer = (snapshot: DocumentSnapshot) => Promise<Uint8Array>;

/**
 * Embeds the snapshot's EN 16931 e-invoice in its rendered PDF (e-invoice/embed-e-invoice.ts);
 * throws `EINVOICE_INCOMPLETE` or `EINVOICE_AMOUNTS_INVALID` for a document that cannot be one.
 */
export type EInvoiceEmbedder = (pdf: Uint8Array, snapshot: DocumentSnapshot) => Promise<Uint8Array>;

/** The refusals that are the document's own: the same snapshot is refused on every try. */
const E_INVOICE_REFUSALS: ReadonlySet<string> = new Set(['EINVOICE_INCOMPLETE', 'EINVOICE_AMOUNTS_INVALID']);

export interface DocumentWorkerDeps {
  db: Kysely<Database>;
  adapter: DbAdapter;
  clock: Clock;
  logger: Logger;
  mailer: Mailer;
  render: DocumentRenderer;
  embedEInvoice: EInvoiceEmbedder;
  policy: RetryPolicy;
  leaseMs: number;
  /** Mails of one claimed batch sent at once at most (`smtpMaxConnections`); default 1. */
  mailConcurrency?: number;
  random?: () => number;
}

export interface DocumentRound {
  issued: number;
  rendered: number;
  mailed: number;
}

export interface DocumentWorker {
  /** Issues, renders and mails everything due now, until nothing is left; counts what was tried. */
  runOnce(): Promise<DocumentRound>;
}

/** The settling write found the lease taken by another worker: nothing of it is kept. */
class LeaseLost extends Error {
  override readonly name = 'LeaseLost';
}

const BATCH = 16;

/**
 * Takes the rows found due, one compare-and-set each (`take` answers null when another worker
 * was faster); the rows taken, in the order found.
 */
async function takeEach<Row, Taken>(due: readonly Row[], take: (row: Row) => Promise<Taken | null>): Promise<Taken[]> {
  const taken: Taken[] = [];
  for (const row of due) {
    const won = await take(row);
    if (won !== null) taken.push(won);
  }
  return taken;
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export function createDocumentWorker(deps: DocumentWorkerDeps): DocumentWorker {
  const { db, adapter, clock, logger } = deps;
  const lastStep = deps.policy.schedule.at(-1) ?? 60;

  function lease(): { now: string; until: string } {
    const now = clock.now();
    return { now: now.toISOString(), until: new Date(now.getTime() + deps.leaseMs).toISOString() };
  }

  /** When the next try is due after `attempts` failures: the schedule, then its last step for ever. */
  function retryAt(attempts: number, persistent: boolean): string | null {
    const delay = nextRetryDelay(deps.policy, { attemptsMade: attempts, overloaded: false, retryAfterSeconds: null, random: deps.random });
    if (delay === null && !persistent) return null;
    return new Date(clock.now().getTime() + (delay ?? lastStep * 1000)).toISOString();
  }

  // --- issue ---------------------------------------------------------------------------------

  async function claimJobs(): Promise<Array<{ event_id: string; profile_id: string; attempts: number; lease_until: string }>> {
    const { now, until } = lease();
    const due = await db
      .selectFrom('document_jobs')
      .select(['event_id', 'profile_id', 'attempts', 'lease_until'])
      .where('next_attempt_at', '<=', now)
      .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', now)]))
      .orderBy('event_id')
      .limit(BATCH)
      .execute();
    return takeEach(due, async (job) => {
      const taken = await db
        .updateTable('document_jobs')
        .set({ lease_until: until })
        .where('event_id', '=', job.event_id)
        .where((eb) => (job.lease_until === null ? eb('lease_until', 'is', null) : eb('lease_until', '=', job.lease_until)))
        .executeTakeFirst();
      return Number(taken.numUpdatedRows) === 1 ? { ...job, lease_until: until } : null;
    });
  }

  async function releaseJob(trx: Kysely<Database>, job: { event_id: string; lease_until: string }): Promise<void> {
    const deleted = await trx.deleteFrom('document_jobs').where('event_id', '=', job.event_id).where('lease_until', '=', job.lease_until).executeTakeFirst();
    if (Number(deleted.numDeletedRows) !== 1) throw new LeaseLost(`document job of ${job.event_id}`);
  }

  async function recordManual(job: { event_id: string; profile_id: string; lease_until: string }, event: CanonicalEvent, reason: string): Promise<void> {
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
          parent_transaction_ref: event.refund?.paymentTransactionId ?? event.order?.parentTransactionId ?? null,
          amount: event.order?.amount ?? null,
          currency: event.order?.currency ?? null,
          buyer_email: event.buyer?.email ?? null,
          reason,
          created_at: clock.now().toISOString(),
        })
        .onConflict((oc) => oc.column('event_id').doNothing())
        .execute();
    });
    logger.warn({ eventId: event.id, profileId: job.profile_id, reason }, 'refund needs manual handling: no credit note issued');
  }

  async function issueJob(job: { event_id: string; profile_id: string; attempts: number; lease_until: string }): Promise<void> {
    const row = await db.selectFrom('events').select('payload').where('id', '=', job.event_id).executeTakeFirst();
    const event = row ? (JSON.parse(row.payload) as CanonicalEvent) : null;
    const profile = await loadProfileForIssue(db, job.profile_id);
    try {
      const outcome = await adapter.writeTransaction(db, async (trx) => {
        await releaseJob(trx, job);
        if (event === null || profile === null) return { kind: 'skipped' as const, reason: event === null ? 'the event is gone' : 'the seller profile was deleted' };
        return issueForEvent(trx, clock, profile, event);
      });
      if (outcome.kind === 'issued') logger.info({ eventId: job.event_id, documentId: outcome.documentId, number: outcome.number }, 'document issued');
      else if (outcome.kind === 'skipped') logger.info({ eventId: job.event_id, reason: outcome.reason }, 'no document issued');
      else if (outcome.kind === 'platform_sale') logger.info({ eventId: job.event_id, mails: outcome.mails }, 'Digistore24 sale: its invoice links mailed instead of a document');
    } catch (err) {
      if (err instanceof NeedsManualHandling && event !== null) return recordManual(job, event, err.message);
      if (err instanceof LeaseLost) {
        logger.warn({ eventId: job.event_id }, 'document job lease lost; another worker has it');
        return;
      }
      const attempts = job.attempts + 1;
      logger.error({ err, eventId: job.event_id, attempts }, 'issuing a document failed; it will be tried again');
      await db
        .updateTable('document_jobs')
        .set({ attempts, next_attempt_at: retryAt(attempts, true) ?? clock.now().toISOString(), lease_until: null, last_error: message(err) })
        .where('event_id', '=', job.event_id)
        .where('lease_until', '=', job.lease_until)
        .execute();
    }
  }

  // --- render --------------------------------------------------------------------------------

  interface RenderJob {
    id: string;
    snapshot: string;
    render_attempts: number;
    e_invoice: number;
    render_lease_until: string;
  }

  async function claimRenders(): Promise<RenderJob[]> {
    const { now, until } = lease();
    const due = await db
      .selectFrom('documents')
      .select(['id', 'render_lease_until'])
      .where('render_state', '=', 'pending')
      .where('render_next_at', '<=', now)
      .where((eb) => eb.or([eb('render_lease_until', 'is', null), eb('render_lease_until', '<', now)]))
      .orderBy('id')
      .limit(BATCH)
      .execute();
    return takeEach(due, async (doc) => {
      const [row] = await db
        .updateTable('documents')
        .set({ render_lease_until: until })
        .where('id', '=', doc.id)
        .where('render_state', '=', 'pending')
        .where((eb) => (doc.render_lease_until === null ? eb('render_lease_until', 'is', null) : eb('render_lease_until', '=', doc.render_lease_until)))
        .returning(['id', 'snapshot', 'render_attempts', 'e_invoice'])
        .execute();
      return row ? { ...row, render_lease_until: until } : null;
    });
  }

  /**
   * The PDF with the e-invoice embedded when the document asks for it, else the plain one; a
   * document that cannot be an e-invoice keeps its plain PDF and says why (`refused`).
   */
  async function renderPdf(doc: RenderJob): Promise<{ pdf: Buffer; refused: string | null }> {
    const snapshot = JSON.parse(doc.snapshot) as DocumentSnapshot;
    const plain = await deps.render(snapshot);
    if (plain.length === 0) throw new Error('the renderer returned no bytes');
    if (Number(doc.e_invoice) !== 1) return { pdf: Buffer.from(plain), refused: null };
    try {
      return { pdf: Buffer.from(await deps.embedEInvoice(plain, snapshot)), refused: null };
    } catch (err) {
      if (!isIpnhubError(err) || !E_INVOICE_REFUSALS.has(err.code)) throw err;
      const refused = `${err.code}: ${err.detail ?? err.message}`;
      logger.warn({ documentId: doc.id, number: snapshot.number, reason: refused }, 'document cannot be an e-invoice: its PDF is the plain one');
      return { pdf: Buffer.from(plain), refused };
    }
  }

  async function renderOne(doc: RenderJob): Promise<void> {
    let pdf: Buffer;
    let refused: string | null;
    try {
      ({ pdf, refused } = await renderPdf(doc));
    } catch (err) {
      const attempts = doc.render_attempts + 1;
      logger.error({ err, documentId: doc.id, attempts }, 'rendering a document failed; its number stays and it will be rendered again');
      await db
        .updateTable('documents')
        .set({ render_attempts: attempts, render_next_at: retryAt(attempts, true), render_lease_until: null, render_error: message(err) })
        .where('id', '=', doc.id)
        .where('render_lease_until', '=', doc.render_lease_until)
        .execute();
      return;
    }
    const now = clock.now().toISOString();
    await adapter
      .writeTransaction(db, async (trx) => {
        const updated = await trx
          .updateTable('documents')
          .set({ render_state: 'rendered', render_attempts: doc.render_attempts + 1, render_next_at: null, render_lease_until: null, render_error: null, e_invoice_refused: refused })
          .where('id', '=', doc.id)
          .where('render_lease_until', '=', doc.render_lease_until)
          .executeTakeFirst();
        if (Number(updated.numUpdatedRows) !== 1) throw new LeaseLost(`rendering of ${doc.id}`);
        await trx
          .insertInto('document_pdfs')
          .values({ document_id: doc.id, pdf, sha256: createHash('sha256').update(pdf).digest('hex'), rendered_at: now })
          .onConflict((oc) => oc.column('document_id').doNothing())
          .execute();
      })
      .catch((err: unknown) => {
        if (!(err instanceof LeaseLost)) throw err;
        logger.warn({ documentId: doc.id }, 'render lease lost; another worker renders this document');
      });
  }

  // --- mail ----------------------------------------------------------------------------------

  interface MailJob {
    id: string;
    document_id: string;
    role: string;
    recipients: string;
    attempts: number;
    lease_until: string;
  }

  async function claimMails(): Promise<MailJob[]> {
    const { now, until } = lease();
    const due = await db
      .selectFrom('document_mails')
      .innerJoin('documents', 'documents.id', 'document_mails.document_id')
      .select(['document_mails.id', 'document_mails.lease_until'])
      .where('document_mails.status', '=', 'pending')
      .where('document_mails.next_attempt_at', '<=', now)
      .where('documents.render_state', '=', 'rendered')
      .where((eb) => eb.or([eb('document_mails.lease_until', 'is', null), eb('document_mails.lease_until', '<', now)]))
      .orderBy('document_mails.id')
      .limit(BATCH)
      .execute();
    return takeEach(due, async (mail) => {
      const [row] = await db
        .updateTable('document_mails')
        .set({ lease_until: until })
        .where('id', '=', mail.id)
        .where('status', '=', 'pending')
        .where((eb) => (mail.lease_until === null ? eb('lease_until', 'is', null) : eb('lease_until', '=', mail.lease_until)))
        .returning(['id', 'document_id', 'role', 'recipients', 'attempts'])
        .execute();
      return row ? { ...row, lease_until: until } : null;
    });
  }

  /** What a mail row becomes after a send: sent, pending again (a transient failure with retries left) or failed. */
  function settlement(result: MailResult, attempts: number): { status: string; message_id?: string; sent_at?: string; next_attempt_at?: string; last_error: string | null } {
    if (result.ok) return { status: 'sent', message_id: result.messageId, sent_at: clock.now().toISOString(), last_error: null };
    const next = result.transient ? retryAt(attempts, false) : null;
    return next === null ? { status: 'failed', last_error: result.error } : { status: 'pending', next_attempt_at: next, last_error: result.error };
  }

  function logSent(mail: { id: string; role: string }, about: Record<string, string>, status: string, result: MailResult): void {
    if (result.ok) logger.info({ mailId: mail.id, ...about, role: mail.role }, 'invoicing mail sent');
    else logger.warn({ mailId: mail.id, ...about, role: mail.role, status, error: result.error }, 'invoicing mail not sent');
  }

  /** False when the lease taken at the claim has ended: the row may be another worker's by now. */
  function stillLeased(mail: { id: string; lease_until: string }): boolean {
    if (clock.now().toISOString() < mail.lease_until) return true;
    logger.warn({ mailId: mail.id }, 'invoicing mail lease ran out before it was sent; left to be taken again');
    return false;
  }

  async function mailOne(mail: MailJob): Promise<void> {
    if (!stillLeased(mail)) return;
    const doc = await db
      .selectFrom('documents')
      .innerJoin('document_pdfs', 'document_pdfs.document_id', 'documents.id')
      .select(['documents.snapshot', 'documents.profile_id', 'document_pdfs.pdf'])
      .where('documents.id', '=', mail.document_id)
      .executeTakeFirstOrThrow();
    const profile = await loadProfileForIssue(db, doc.profile_id);
    const composed = composeDocumentMail(
      { id: mail.id, role: mail.role as MailRole, recipients: JSON.parse(mail.recipients) as string[] },
      JSON.parse(doc.snapshot) as DocumentSnapshot,
      profile?.settings ?? null,
      Buffer.from(doc.pdf),
    );
    const result = await deps.mailer.send(composed);
    const attempts = mail.attempts + 1;
    const settle = settlement(result, attempts);
    await db
      .updateTable('document_mails')
      .set({ ...settle, attempts, subject: composed.subject, lease_until: null })
      .where('id', '=', mail.id)
      .where('lease_until', '=', mail.lease_until)
      .execute();
    logSent(mail, { documentId: mail.document_id }, settle.status, result);
  }

  // --- mails of Digistore24 sales (platform-sale-mails.ts) ----------------------------------

  interface SaleMailJob {
    id: string;
    event_id: string;
    profile_id: string;
    role: string;
    recipients: string;
    attempts: number;
    lease_until: string;
  }

  async function claimSaleMails(): Promise<SaleMailJob[]> {
    const { now, until } = lease();
    const due = await db
      .selectFrom('platform_sale_mails')
      .select(['id', 'lease_until'])
      .where('status', '=', 'pending')
      .where('next_attempt_at', '<=', now)
      .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', now)]))
      .orderBy('id')
      .limit(BATCH)
      .execute();
    return takeEach(due, async (mail) => {
      const [row] = await db
        .updateTable('platform_sale_mails')
        .set({ lease_until: until })
        .where('id', '=', mail.id)
        .where('status', '=', 'pending')
        .where((eb) => (mail.lease_until === null ? eb('lease_until', 'is', null) : eb('lease_until', '=', mail.lease_until)))
        .returning(['id', 'event_id', 'profile_id', 'role', 'recipients', 'attempts'])
        .execute();
      return row ? { ...row, lease_until: until } : null;
    });
  }

  async function saleMailOne(mail: SaleMailJob): Promise<void> {
    if (!stillLeased(mail)) return;
    const row = await db.selectFrom('events').select('payload').where('id', '=', mail.event_id).executeTakeFirst();
    const profile = await loadProfileForIssue(db, mail.profile_id);
    const attempts = mail.attempts + 1;
    const missing = row === undefined ? 'the event is gone' : profile === null ? 'the seller profile was deleted' : null;
    const composed =
      row === undefined || profile === null
        ? null
        : composePlatformSaleMail({ id: mail.id, role: mail.role as MailRole, recipients: JSON.parse(mail.recipients) as string[] }, JSON.parse(row.payload) as CanonicalEvent, profile.settings);
    const result: MailResult = composed === null ? { ok: false, transient: false, error: missing ?? 'nothing to send' } : await deps.mailer.send(composed);
    const settle = settlement(result, attempts);
    await db
      .updateTable('platform_sale_mails')
      .set({ ...settle, attempts, subject: composed?.subject ?? null, lease_until: null })
      .where('id', '=', mail.id)
      .where('lease_until', '=', mail.lease_until)
      .execute();
    logSent(mail, { eventId: mail.event_id }, settle.status, result);
  }

  /** Runs `claim` and `work` (at most `concurrency` items at once) until a claim comes back empty; how many were worked on. */
  async function drain<T>(claim: () => Promise<T[]>, work: (item: T) => Promise<void>, concurrency = 1): Promise<number> {
    let total = 0;
    for (;;) {
      const claimed = await claim();
      if (claimed.length === 0) return total;
      await forEachBounded(claimed, concurrency, work);
      total += claimed.length;
    }
  }

  const mailConcurrency = deps.mailConcurrency ?? 1;

  return {
    async runOnce() {
      const issued = await drain(claimJobs, issueJob);
      const rendered = await drain(claimRenders, renderOne);
      const crashed = (mailId: string) => (err: unknown) => logger.error({ err, mailId }, 'invoicing mail crashed; its lease will expire and it is tried again');
      const mailed = await drain(claimMails, (mail) => mailOne(mail).catch(crashed(mail.id)), mailConcurrency);
      const saleMailed = await drain(claimSaleMails, (mail) => saleMailOne(mail).catch(crashed(mail.id)), mailConcurrency);
      return { issued, rendered, mailed: mailed + saleMailed };
    },
  };
}
