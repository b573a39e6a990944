/**
 * Outgoing mail, used by the `email` connector, for error e-mails and for invoicing mails. With
 * an SMTP URL it sends through nodemailer; without one it writes each message as an `.eml` file
 * under the data directory, so a fresh install loses no mail and the log says where it went.
 *
 * SMTP connections are pooled and shared by every kind of mail: at most `maxConnections` are
 * open, each carries many messages one after the other (RSET between them) instead of a
 * connection, greeting and login per mail, and sends beyond that wait for a free connection.
 * The pool closes its connections once nothing was sent for `idleCloseMs` (mail servers drop
 * idle sessions after a few minutes; a connection closed by the server or the network is left
 * and the next send opens a new one), and on `close()`.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import type { SendMailOptions, Transporter } from 'nodemailer';
import { errorCodeOf } from './error-code.js';
import type { Logger } from './logger.js';

export interface MailMessage {
  to: readonly string[];
  subject: string;
  text: string;
  html?: string;
  /** Defaults to the configured sender address. */
  from?: string;
  replyTo?: string;
  headers?: Record<string, string>;
  /**
   * The `Message-ID` header (`<id@host>`); generated when absent. Callers that may send the
   * same message again (retries) pass a stable one so receivers can recognise the duplicate.
   */
  messageId?: string;
  /** Files sent with the mail (an issued document's PDF). */
  attachments?: readonly MailAttachment[];
}

export interface MailAttachment {
  filename: string;
  content: Buffer;
  contentType: string;
}

export type MailResult =
  | {
      ok: true;
      messageId: string /** File path when written as .eml instead of sent. */;
      file?: string;
    }
  | {
      ok: false /** True when trying again later may help (connection refused, 4xx SMTP reply). */;
      transient: boolean;
      error: string;
    };

export interface Mailer {
  send(message: MailMessage): Promise<MailResult>;
  /** Checks the SMTP connection and login without sending anything. */
  verify(): Promise<{ ok: boolean; message: string }>;
  close(): Promise<void>;
}

export interface MailerOptions {
  /** `smtp://user:pass@host:587` or `smtps://…`; without it mails are written to files. */
  smtpUrl?: string;
  /** Default sender, e.g. `ipnhub <ipnhub@example.com>`. */
  from: string;
  /** Mails are written to `<dataDir>/mail/` when there is no SMTP URL. */
  dataDir: string;
  logger: Logger;
  /** SMTP connections open at most at once (`smtpMaxConnections`); default {@link DEFAULT_SMTP_MAX_CONNECTIONS}. */
  maxConnections?: number;
  /** Idle time after which the pool closes its connections; default {@link SMTP_IDLE_CLOSE_MS}. */
  idleCloseMs?: number;
}

export const DEFAULT_SMTP_MAX_CONNECTIONS = 4;
export const SMTP_IDLE_CLOSE_MS = 30_000;
/** Messages one pooled connection carries before it is replaced by a fresh one. */
const SMTP_MESSAGES_PER_CONNECTION = 100;

const SMTP_TIMEOUT_MS = 10_000;
/** Problems with the message or the envelope itself: the same mail will fail the same way. */
const PERMANENT_CODES = new Set(['EENVELOPE', 'EMESSAGE', 'EAUTH', 'EREQUIRETLS']);

/** Sorts a nodemailer failure into transient (retry) or permanent, with a readable text. */
export function classifySmtpError(err: unknown): { transient: boolean; error: string } {
  const fields = (typeof err === 'object' && err !== null ? err : {}) as {
    message?: unknown;
    code?: unknown;
    responseCode?: unknown;
    response?: unknown;
  };
  const message = typeof fields.message === 'string' ? fields.message : String(err);
  const response = typeof fields.response === 'string' ? fields.response.trim() : '';
  const error = response && !message.includes(response) ? `${message} (${response})` : message;
  if (typeof fields.responseCode === 'number') {
    return { transient: fields.responseCode >= 400 && fields.responseCode < 500, error };
  }
  const code = typeof fields.code === 'string' ? fields.code : '';
  if (PERMANENT_CODES.has(code)) return { transient: false, error };
  // Connection problems (ECONNECTION, ETIMEDOUT, ESOCKET, EDNS, …) and anything unknown are
  // retried: the retry schedule ends in `dead` anyway, and a lost mail is worse than a late one.
  return { transient: true, error };
}

function toMailOptions(message: MailMessage, defaultFrom: string): SendMailOptions {
  return {
    from: message.from ?? defaultFrom,
    to: [...message.to],
    subject: message.subject,
    text: message.text,
    ...(message.html !== undefined ? { html: message.html } : {}),
    ...(message.replyTo !== undefined ? { replyTo: message.replyTo } : {}),
    ...(message.headers !== undefined ? { headers: message.headers } : {}),
    ...(message.messageId !== undefined ? { messageId: message.messageId } : {}),
    ...(message.attachments !== undefined
      ? {
          attachments: message.attachments.map((a) => ({
            filename: a.filename,
            content: a.content,
            contentType: a.contentType,
          })),
        }
      : {}),
  };
}

function fileStamp(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '').replace('.', '');
}

function fileSafeId(messageId: string): string {
  const local = messageId.replace(/^</, '').replace(/>$/, '').split('@')[0] ?? '';
  const safe = local.replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 64);
  return safe.length > 0 ? safe : 'message';
}

type Nodemailer = typeof import('nodemailer');

/**
 * A transport made on first use: nodemailer (~10 MB of memory once loaded) is loaded only by
 * processes that send mail, not by every server that might. With `idleCloseMs`, the transport
 * is closed (its pooled connections with it) once no send has been running for that long, and
 * made again by the next send.
 */
function lazyTransport(
  create: (load: (module: string) => unknown) => Transporter,
  idleCloseMs: number | null,
): { use<T>(fn: (transporter: Transporter) => Promise<T>): Promise<T>; close(): void } {
  const load = createRequire(import.meta.url);
  let transporter: Transporter | null = null;
  let running = 0;
  let idle: NodeJS.Timeout | null = null;
  function close(): void {
    if (idle !== null) clearTimeout(idle);
    idle = null;
    transporter?.close();
    transporter = null;
  }
  return {
    async use(fn) {
      if (idle !== null) clearTimeout(idle);
      idle = null;
      transporter ??= create(load);
      running += 1;
      try {
        return await fn(transporter);
      } finally {
        running -= 1;
        if (running === 0 && idleCloseMs !== null) {
          idle = setTimeout(close, idleCloseMs);
          idle.unref();
        }
      }
    },
    close,
  };
}

function createSmtpMailer(options: MailerOptions & { smtpUrl: string }): Mailer {
  // Built as an SMTPPool and handed to createTransport: given an object with `url`,
  // createTransport keeps only what the URL says and drops every other option (the timeouts).
  const transport = lazyTransport((load) => {
    const SMTPPool = load(
      'nodemailer/lib/smtp-pool',
    ) as typeof import('nodemailer/lib/smtp-pool/index.js');
    const pool = new SMTPPool({
      pool: true,
      url: options.smtpUrl,
      maxConnections: options.maxConnections ?? DEFAULT_SMTP_MAX_CONNECTIONS,
      maxMessages: SMTP_MESSAGES_PER_CONNECTION,
      connectionTimeout: SMTP_TIMEOUT_MS,
      greetingTimeout: SMTP_TIMEOUT_MS,
      socketTimeout: SMTP_TIMEOUT_MS,
    });
    return (load('nodemailer') as Nodemailer).createTransport(pool);
  }, options.idleCloseMs ?? SMTP_IDLE_CLOSE_MS);
  return {
    async send(message) {
      try {
        const info = (await transport.use((t) =>
          t.sendMail(toMailOptions(message, options.from)),
        )) as { messageId: string; rejected?: unknown[] };
        if (Array.isArray(info.rejected) && info.rejected.length > 0) {
          // Some recipients were refused but the others got the mail; resending would
          // duplicate it for them, so this counts as sent and the refusal is logged.
          options.logger.warn(
            { messageId: info.messageId, rejected: info.rejected.length },
            'SMTP server refused some recipients',
          );
        }
        return { ok: true, messageId: info.messageId };
      } catch (err) {
        return { ok: false, ...classifySmtpError(err) };
      }
    },
    async verify() {
      try {
        await transport.use((t) => t.verify());
        return { ok: true, message: 'SMTP server reachable and login accepted' };
      } catch (err) {
        return { ok: false, message: `SMTP check failed: ${classifySmtpError(err).error}` };
      }
    },
    async close() {
      transport.close();
    },
  };
}

function createFileMailer(options: MailerOptions): Mailer {
  const directory = join(options.dataDir, 'mail');
  const transport = lazyTransport(
    (load) =>
      (load('nodemailer') as Nodemailer).createTransport({
        streamTransport: true,
        buffer: true,
        newline: 'unix',
      }),
    null,
  );
  return {
    async send(message) {
      try {
        const info = (await transport.use((t) =>
          t.sendMail(toMailOptions(message, options.from)),
        )) as { messageId: string; message: Buffer };
        // Not recursive: the data directory was checked at start, and Node's recursive mkdir
        // can loop forever on some file systems (see make-directory.ts). Mails carry buyers'
        // addresses: the folder and the files are readable by their owner only.
        await mkdir(directory, { mode: 0o700 }).catch((err: unknown) => {
          if (errorCodeOf(err) !== 'EEXIST') throw err;
        });
        const file = join(directory, `${fileStamp(new Date())}-${fileSafeId(info.messageId)}.eml`);
        await writeFile(file, info.message, { mode: 0o600 });
        options.logger.info(
          { file },
          'no SMTP server configured (IPNHUB_SMTP_URL); mail written to a file',
        );
        return { ok: true, messageId: info.messageId, file };
      } catch (err) {
        // A full disk or a bad data directory heals only by hand, but retrying costs nothing.
        return {
          ok: false,
          transient: true,
          error: `could not write the mail file: ${err instanceof Error ? err.message : String(err)}`,
        };
      }
    },
    async verify() {
      return {
        ok: true,
        message: `no SMTP server configured (IPNHUB_SMTP_URL); mails are written as .eml files to ${directory}`,
      };
    },
    async close() {
      transport.close();
    },
  };
}

/** An SMTP mailer when `smtpUrl` is set, otherwise one that writes `.eml` files. */
export function createMailer(options: MailerOptions): Mailer {
  return options.smtpUrl
    ? createSmtpMailer({ ...options, smtpUrl: options.smtpUrl })
    : createFileMailer(options);
}
