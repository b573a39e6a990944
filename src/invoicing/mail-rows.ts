/**
 * What the two kinds of invoicing mail rows share — `document_mails` (a document's mails,
 * document-mails.ts) and `platform_sale_mails` (a Digistore24 sale's mails with its links,
 * platform-sale-mails.ts): the columns of a mail queued to be sent, and how a row reads in the
 * API and the CLI (to whom, its state, tries, what was sent).
 */
import type { Database } from '../db/schema.js';

/** To whom a mail row goes: the buyer (the document or the sale's links) or the seller (new order). */
export type MailRole = 'buyer' | 'seller';
export const MAIL_ROLES: readonly MailRole[] = ['buyer', 'seller'];

/** The columns both tables have, as the worker keeps them. */
export type MailRowColumns = Pick<
  Database['document_mails'] & Database['platform_sale_mails'],
  | 'id'
  | 'role'
  | 'recipients'
  | 'status'
  | 'attempts'
  | 'next_attempt_at'
  | 'lease_until'
  | 'last_error'
  | 'subject'
  | 'message_id'
  | 'sent_at'
  | 'created_at'
>;

/** A mail row as it is first written: pending, due `now`, not tried yet. */
export function pendingMailRow(
  id: string,
  role: MailRole,
  recipients: readonly string[],
  now: string,
): MailRowColumns {
  return {
    id,
    role,
    recipients: JSON.stringify(recipients),
    status: 'pending',
    attempts: 0,
    next_attempt_at: now,
    lease_until: null,
    last_error: null,
    subject: null,
    message_id: null,
    sent_at: null,
    created_at: now,
  };
}

/** A mail as the API and the CLI show it. */
export interface MailView {
  id: string;
  role: MailRole;
  recipients: string[];
  status: 'pending' | 'sent' | 'failed';
  attempts: number;
  /** When it is tried next; null unless it is pending. */
  nextAttemptAt: string | null;
  lastError: string | null;
  /** As sent (set once tried). */
  subject: string | null;
  messageId: string | null;
  sentAt: string | null;
  createdAt: string;
}

export function mailView(row: Omit<MailRowColumns, 'lease_until'>): MailView {
  return {
    id: row.id,
    role: row.role === 'seller' ? 'seller' : 'buyer',
    recipients: JSON.parse(row.recipients) as string[],
    status: row.status === 'sent' ? 'sent' : row.status === 'failed' ? 'failed' : 'pending',
    attempts: Number(row.attempts),
    nextAttemptAt: row.status === 'pending' ? row.next_attempt_at : null,
    lastError: row.last_error,
    subject: row.subject,
    messageId: row.message_id,
    sentAt: row.sent_at,
    createdAt: row.created_at,
  };
}
