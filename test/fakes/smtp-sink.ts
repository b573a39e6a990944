/**
 * A real SMTP server on 127.0.0.1 for tests of the mailer and the `email` connector. Plain
 * SMTP (no TLS, STARTTLS disabled), login optional unless `auth` is given; recipients listed
 * in `rejectRecipients` are refused with 550 at RCPT TO. Every accepted message is parsed with
 * mailparser and kept in `messages`.
 */
import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { createCondition } from '../helpers/condition.js';

export interface SinkMessage {
  /** Envelope sender (MAIL FROM). */
  from: string;
  /** Envelope recipients (RCPT TO) that were accepted. */
  to: string[];
  subject: string;
  text: string;
  /** The `Message-ID` header, with angle brackets. */
  messageId: string | null;
  /** The `Reply-To` header as text, or null. */
  replyTo: string | null;
  /** The whole message as received (headers and body). */
  raw: string;
  /** Attached files, decoded. */
  attachments: Array<{ filename: string | null; contentType: string; content: Buffer }>;
}

export interface SmtpSinkOptions {
  /** Addresses (case-insensitive) refused with `550 Mailbox unavailable`. */
  rejectRecipients?: string[];
  /** When set, the sink demands this login (AUTH PLAIN/LOGIN over plain text) and answers 535 otherwise. */
  auth?: { user: string; pass: string };
}

export interface SmtpSink {
  url: string;
  port: number;
  messages: SinkMessage[];
  /**
   * Resolves once `n` messages have arrived (no deadline of its own: the test's timeout bounds
   * it). A message is in `messages` before the sender's DATA command is answered, so after an
   * awaited send there is nothing to wait for.
   */
  waitForMessages(n: number): Promise<SinkMessage[]>;
  close(): Promise<void>;
}

export async function startSmtpSink(options: SmtpSinkOptions = {}): Promise<SmtpSink> {
  const rejected = new Set((options.rejectRecipients ?? []).map((a) => a.toLowerCase()));
  const messages: SinkMessage[] = [];
  const arrived = createCondition();

  const server = new SMTPServer({
    secure: false,
    disabledCommands: options.auth ? ['STARTTLS'] : ['STARTTLS', 'AUTH'],
    authOptional: !options.auth,
    allowInsecureAuth: true,
    disableReverseLookup: true,
    logger: false,
    onAuth(auth, _session, callback) {
      if (options.auth && auth.username === options.auth.user && auth.password === options.auth.pass) {
        return callback(null, { user: auth.username });
      }
      callback(Object.assign(new Error('Authentication credentials invalid'), { responseCode: 535 }));
    },
    onRcptTo(address, _session, callback) {
      if (rejected.has(address.address.toLowerCase())) {
        return callback(Object.assign(new Error('Mailbox unavailable'), { responseCode: 550 }));
      }
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const mailFrom = session.envelope.mailFrom;
        const envelope = {
          from: mailFrom === false ? '' : mailFrom.address,
          to: session.envelope.rcptTo.map((r) => r.address),
        };
        simpleParser(raw)
          .then((parsed) => {
            messages.push({
              ...envelope,
              subject: parsed.subject ?? '',
              text: parsed.text ?? '',
              messageId: parsed.messageId ?? null,
              replyTo: parsed.replyTo?.text ?? null,
              raw,
              attachments: (parsed.attachments ?? []).map((a) => ({ filename: a.filename ?? null, contentType: a.contentType, content: a.content })),
            });
            arrived.notify();
            callback();
          })
          .catch((err: unknown) => callback(err instanceof Error ? err : new Error(String(err))));
      });
    },
  });

  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.server.address() as AddressInfo).port;

  return {
    url: `smtp://127.0.0.1:${port}`,
    port,
    messages,
    async waitForMessages(n) {
      await arrived.until(() => messages.length >= n);
      return messages.slice();
    },
    close() {
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
