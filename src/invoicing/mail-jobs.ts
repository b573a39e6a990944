/**
 * Invoicing mails as kinds of leased job (document-jobs.ts), one piece of code for both tables
 * of mail rows (mail-rows.ts): `document_mails` of rendered documents, sent with the PDF
 * attached (document-mails.ts), and `platform_sale_mails`, a Digistore24 sale's mails with its
 * invoice links and no document (platform-sale-mails.ts). The mails of one claimed batch are
 * sent side by side, at most `mailConcurrency` at once (the mailer's pooled SMTP connections):
 * each is settled on its own row as soon as it ends, so a slow or failing mail holds no other
 * back and is retried alone; a failure the mailer calls transient is retried on the retry
 * schedule, then the mail is `failed`. A mail whose lease has run out by the time its turn
 * comes is not sent (another worker may have taken it).
 */
import type { Kysely } from 'kysely';
import type { CanonicalEvent } from '../core/events.js';
import { claimLeased } from '../db/claim-leased.js';
import type { Database } from '../db/schema.js';
import type { JobKind } from '../jobs/job-runner.js';
import { runEach } from '../jobs/run-each.js';
import type { MailMessage, MailResult } from '../lib/mailer.js';
import { DOCUMENT_BATCH, nextTryAt } from './document-jobs.js';
import type { DocumentJobsDeps } from './document-jobs.js';
import { composeDocumentMail } from './document-mails.js';
import type { MailRole } from './mail-rows.js';
import type { DocumentSnapshot } from './document-snapshot.js';
import { composePlatformSaleMail } from './platform-sale-mails.js';
import { loadProfileForIssue } from './profiles.js';

/** A mail row as claimed: what both tables have, leased to this worker. */
interface ClaimedMail {
  id: string;
  role: string;
  recipients: string;
  attempts: number;
  lease_until: string;
}

/** What differs between the two tables of mails. */
interface MailTable<Mail extends ClaimedMail> {
  name: string;
  table: 'document_mails' | 'platform_sale_mails';
  /** Up to `limit` due rows, oldest first (db/claim-leased.ts). */
  due(
    db: Kysely<Database>,
    now: string,
    limit: number,
    lock: boolean,
  ): Promise<Array<Omit<Mail, 'lease_until'>>>;
  /** The message to send, or why there is none (a permanent failure). */
  compose(mail: Mail): Promise<MailMessage | { missing: string }>;
  /** Log fields that say what the mail is about. */
  about(mail: Mail): Record<string, string>;
}

function createMailJobs<Mail extends ClaimedMail>(
  deps: DocumentJobsDeps,
  table: MailTable<Mail>,
): JobKind<Mail> {
  const { db, adapter, clock, logger } = deps;

  /** What a mail row becomes after a send: sent, pending again (a transient failure with retries left) or failed. */
  function settlement(
    result: MailResult,
    attempts: number,
  ): {
    status: string;
    message_id?: string;
    sent_at?: string;
    next_attempt_at?: string;
    last_error: string | null;
  } {
    if (result.ok)
      return {
        status: 'sent',
        message_id: result.messageId,
        sent_at: clock.now().toISOString(),
        last_error: null,
      };
    const next = result.transient ? nextTryAt(deps, attempts, 'dead') : null;
    return next === null
      ? { status: 'failed', last_error: result.error }
      : { status: 'pending', next_attempt_at: next, last_error: result.error };
  }

  /** False when the lease taken at the claim has ended: the row may be another worker's by now. */
  function stillLeased(mail: Mail): boolean {
    if (clock.now().toISOString() < mail.lease_until) return true;
    logger.warn(
      { mailId: mail.id },
      'invoicing mail lease ran out before it was sent; left to be taken again',
    );
    return false;
  }

  async function sendOne(mail: Mail): Promise<void> {
    if (!stillLeased(mail)) return;
    const composed = await table.compose(mail);
    const message = 'missing' in composed ? null : composed;
    const result: MailResult =
      message === null
        ? {
            ok: false,
            transient: false,
            error: 'missing' in composed ? composed.missing : 'nothing to send',
          }
        : await deps.mailer.send(message);
    const attempts = mail.attempts + 1;
    const settle = settlement(result, attempts);
    await db
      .updateTable(table.table)
      .set({ ...settle, attempts, subject: message?.subject ?? null, lease_until: null })
      .where('id', '=', mail.id)
      .where('lease_until', '=', mail.lease_until)
      .execute();
    const about = { mailId: mail.id, ...table.about(mail), role: mail.role };
    if (result.ok) logger.info(about, 'invoicing mail sent');
    else
      logger.warn(
        { ...about, status: settle.status, error: result.error },
        'invoicing mail not sent',
      );
  }

  /** A crash (a database failure, a bug) is logged; the lease expires and the mail is tried again. */
  async function guardedSend(mail: Mail): Promise<void> {
    await sendOne(mail).catch((err: unknown) =>
      logger.error(
        { err, mailId: mail.id },
        'invoicing mail crashed; its lease will expire and it is tried again',
      ),
    );
  }

  return {
    name: table.name,
    concurrency: DOCUMENT_BATCH,
    claim: (limit, lease) =>
      claimLeased(db, adapter, {
        limit,
        due: (on, n, lock) => table.due(on, lease.now, n, lock),
        lease: async (trx, rows): Promise<Mail[]> => {
          await trx
            .updateTable(table.table)
            .set({ lease_until: lease.until })
            .where(
              'id',
              'in',
              rows.map((r) => r.id),
            )
            .execute();
          return rows.map((r) => ({ ...r, lease_until: lease.until }) as Mail);
        },
      }),
    run: (jobs, signal) => runEach(jobs, deps.mailConcurrency ?? 1, signal, guardedSend),
    describe: (mail) => ({ mailId: mail.id }),
  };
}

interface DocumentMail extends ClaimedMail {
  document_id: string;
}

/** Mails of rendered documents, the PDF attached. */
export function createDocumentMailJobs(deps: DocumentJobsDeps): JobKind<DocumentMail> {
  const { db } = deps;
  return createMailJobs<DocumentMail>(deps, {
    name: 'document mail',
    table: 'document_mails',
    due: (on, now, limit, lock) =>
      on
        .selectFrom('document_mails')
        .select(['id', 'document_id', 'role', 'recipients', 'attempts'])
        .where('status', '=', 'pending')
        .where('next_attempt_at', '<=', now)
        .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', now)]))
        .where('document_id', 'in', (eb) =>
          eb.selectFrom('documents').select('id').where('render_state', '=', 'rendered'),
        )
        .orderBy('id')
        .limit(limit)
        .$if(lock, (q) => q.forUpdate().skipLocked())
        .execute(),
    async compose(mail) {
      const doc = await db
        .selectFrom('documents')
        .innerJoin('document_pdfs', 'document_pdfs.document_id', 'documents.id')
        .select(['documents.snapshot', 'documents.profile_id', 'document_pdfs.pdf'])
        .where('documents.id', '=', mail.document_id)
        .executeTakeFirstOrThrow();
      const profile = await loadProfileForIssue(db, doc.profile_id);
      return composeDocumentMail(
        {
          id: mail.id,
          role: mail.role as MailRole,
          recipients: JSON.parse(mail.recipients) as string[],
        },
        JSON.parse(doc.snapshot) as DocumentSnapshot,
        profile?.settings ?? null,
        Buffer.from(doc.pdf),
      );
    },
    about: (mail) => ({ documentId: mail.document_id }),
  });
}

interface SaleMail extends ClaimedMail {
  event_id: string;
  profile_id: string;
}

/** Mails of Digistore24 sales, made from the payment event when sent. */
export function createSaleMailJobs(deps: DocumentJobsDeps): JobKind<SaleMail> {
  const { db } = deps;
  return createMailJobs<SaleMail>(deps, {
    name: 'sale mail',
    table: 'platform_sale_mails',
    due: (on, now, limit, lock) =>
      on
        .selectFrom('platform_sale_mails')
        .select(['id', 'event_id', 'profile_id', 'role', 'recipients', 'attempts'])
        .where('status', '=', 'pending')
        .where('next_attempt_at', '<=', now)
        .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', now)]))
        .orderBy('id')
        .limit(limit)
        .$if(lock, (q) => q.forUpdate().skipLocked())
        .execute(),
    async compose(mail) {
      const row = await db
        .selectFrom('events')
        .select('payload')
        .where('id', '=', mail.event_id)
        .executeTakeFirst();
      const profile = await loadProfileForIssue(db, mail.profile_id);
      if (row === undefined) return { missing: 'the event is gone' };
      if (profile === null) return { missing: 'the seller profile was deleted' };
      const event = JSON.parse(row.payload) as CanonicalEvent;
      return composePlatformSaleMail(
        {
          id: mail.id,
          role: mail.role as MailRole,
          recipients: JSON.parse(mail.recipients) as string[],
        },
        event,
        profile.settings,
      );
    },
    about: (mail) => ({ eventId: mail.event_id }),
  });
}
