/**
 * The e-mails of a document: to the buyer (the document as PDF attachment, a short text in the
 * document's language) and to the seller's addresses ("new order", or the refund notice, with
 * the summary and the document). Each is a `document_mails` row written in the transaction that
 * issues the document (or by a resend), sent by the worker once the PDF exists, retried by the
 * retry policy, and kept with what was sent (subject, Message-ID, time). A mail's Message-ID is
 * its row id, so a mail sent again after a crash between sending and recording it is
 * recognisable as the same message.
 */
import type { Kysely } from 'kysely';
import { formatMoney } from '../core/money.js';
import { newId } from '../core/ids.js';
import type { Database } from '../db/schema.js';
import type { MailMessage } from '../lib/mailer.js';
import type { DocumentLanguage, DocumentSnapshot } from './document-snapshot.js';
import { MAIL_ROLES, pendingMailRow } from './mail-rows.js';
import type { MailRole } from './mail-rows.js';
import { DEFAULT_MAIL_TEMPLATES, fillTemplate } from './mail-templates.js';
import type { MailPlaceholder, MailTemplateKey } from './mail-templates.js';
import type { ProfileSettings } from './profile-settings.js';

interface IssuedDocument {
  id: string;
  snapshot: DocumentSnapshot;
}

/** Who gets the mail of `role` under the profile's mail settings, given the buyer's address; empty for nobody. */
export function recipientsOf(
  role: MailRole,
  buyerEmail: string | null,
  settings: ProfileSettings,
): string[] {
  if (role === 'buyer') return settings.mail.toBuyer && buyerEmail ? [buyerEmail] : [];
  return [...settings.mail.sellerRecipients];
}

/** An amount of `minor` units as `language` writes it (`119,00 €`). */
export function mailMoney(minor: number, currency: string, language: string): string {
  return new Intl.NumberFormat(language, { style: 'currency', currency }).format(
    Number(formatMoney(minor, currency)),
  );
}

/** A day as `language` writes it in full (`1. März 2026`), in `timeZone`. */
export function mailDate(iso: string, language: string, timeZone: string): string {
  return new Intl.DateTimeFormat(language, { dateStyle: 'long', timeZone }).format(new Date(iso));
}

/** Queues the document's mails (`roles`, default both) for those who get them; returns how many. */
export async function queueDocumentMails(
  trx: Kysely<Database>,
  document: IssuedDocument,
  profile: { settings: ProfileSettings },
  options: { now: string; trigger: 'issue' | 'resend'; roles?: readonly MailRole[] },
): Promise<number> {
  let queued = 0;
  for (const role of options.roles ?? MAIL_ROLES) {
    const recipients = recipientsOf(role, document.snapshot.buyer.email, profile.settings);
    if (recipients.length === 0) continue;
    await trx
      .insertInto('document_mails')
      .values({
        ...pendingMailRow(newId('documentMail'), role, recipients, options.now),
        document_id: document.id,
        trigger: options.trigger,
      })
      .execute();
    queued += 1;
  }
  return queued;
}

function templateKey(role: MailRole, snapshot: DocumentSnapshot): MailTemplateKey {
  const kind = snapshot.kind === 'invoice' ? 'Invoice' : 'CreditNote';
  return `${role}${kind}`;
}

/** Amounts and dates as the document's language writes them. */
function placeholders(snapshot: DocumentSnapshot): Record<MailPlaceholder, string> {
  const money = (minor: number): string => mailMoney(minor, snapshot.currency, snapshot.language);
  return {
    number: snapshot.number,
    issueDate: mailDate(snapshot.issuedAt, snapshot.language, snapshot.timeZone),
    sellerName: snapshot.seller.name,
    buyerName: snapshot.buyer.name,
    buyerEmail: snapshot.buyer.email ?? '',
    total: money(snapshot.totals.gross),
    orderId: snapshot.orderId ?? '',
    transactionId: snapshot.payment.transactionId ?? '',
    corrects: snapshot.corrects?.number ?? '',
    lines: snapshot.lines
      .map((line) => `- ${line.quantity} × ${line.description}: ${money(line.amount)}`)
      .join('\n'),
  };
}

/** The file name of a document's PDF, e.g. `RE-2026-000123.pdf`. */
export function pdfFileName(snapshot: DocumentSnapshot): string {
  return `${snapshot.number.replace(/[^A-Za-z0-9_-]/g, '_')}.pdf`;
}

/**
 * The message for one mail row: the profile's text for the role, kind and language (its own
 * when it set one, else the default), filled from the snapshot, with the PDF attached.
 */
export function composeDocumentMail(
  mail: { id: string; role: MailRole; recipients: readonly string[] },
  snapshot: DocumentSnapshot,
  settings: ProfileSettings | null,
  pdf: Buffer,
): MailMessage {
  const replyTo = settings?.mail.replyTo ?? snapshot.seller.email;
  return {
    ...templatedMail(
      mail,
      settings,
      snapshot.language,
      templateKey(mail.role, snapshot),
      placeholders(snapshot),
      replyTo,
    ),
    attachments: [
      { filename: pdfFileName(snapshot), content: pdf, contentType: 'application/pdf' },
    ],
  };
}

/**
 * A mail row's message from template `key` in `language` (the profile's text when it set one,
 * else the default) filled with `values`; buyer mails get `buyerReplyTo` as Reply-To. The
 * Message-ID is the row's id, the same on every try.
 */
export function templatedMail<Name extends string>(
  mail: { id: string; role: MailRole; recipients: readonly string[] },
  settings: ProfileSettings | null,
  language: DocumentLanguage,
  key: MailTemplateKey,
  values: Readonly<Record<Name, string>>,
  buyerReplyTo: string | null,
): MailMessage {
  const template = settings?.templates[language]?.[key] ?? DEFAULT_MAIL_TEMPLATES[language][key];
  const replyTo = mail.role === 'buyer' ? buyerReplyTo : null;
  return {
    to: mail.recipients,
    subject: fillTemplate(template.subject, values),
    text: fillTemplate(template.body, values),
    ...(replyTo !== null ? { replyTo } : {}),
    messageId: `<${mail.id}@ipnhub>`,
  };
}
