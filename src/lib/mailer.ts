/**
 * Outgoing mail, used by the `email` connector and for error e-mails. With an SMTP URL it
 * sends through nodemailer; without one it writes each message as an `.eml` file under the
 * data directory, so a fresh install loses no mail and the log says where it went.
 */

export interface MailMessage {
  to: readonly string[];
  subject: string;
  text: string;
  html?: string;
  /** Defaults to the configured sender address. */
  from?: string;
  replyTo?: string;
  headers?: Record<string, string>;
}

export type MailResult =
  | { ok: true; messageId: string; /** File path when written as .eml instead of sent. */ file?: string }
  | { ok: false; /** True when trying again later may help (connection refused, 4xx SMTP reply). */ transient: boolean; error: string };

export interface Mailer {
  send(message: MailMessage): Promise<MailResult>;
  /** Checks the SMTP connection and login without sending anything. */
  verify(): Promise<{ ok: boolean; message: string }>;
  close(): Promise<void>;
}
