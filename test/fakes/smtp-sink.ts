/**
 * A real SMTP server on 127.0.0.1 for tests of the mailer and the `email` connector. Plain
 * SMTP (no TLS, STARTTLS disabled), login optional unless `auth` is given; recipients listed
 * in `rejectRecipients` are refused with 550 at RCPT TO, those in `deferRecipients` with 451
 * (try again later). Every accepted message is parsed with mailparser and kept in `messages`.
 * It counts the connections clients open (`connections`, `openConnections`, `maxOpenConnections`)
 * and can hold the answer to a message's DATA (`holdRecipients`) until the test releases it, to
 * see what a client does while a mail is in flight.
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
  /** Addresses (case-insensitive) refused with `451 Try again later` (a temporary failure). */
  deferRecipients?: string[];
  /**
   * Messages to these addresses (case-insensitive) are read, but their DATA is not answered
   * (and the message not kept) until `release()`; `held` counts those waiting.
   */
  holdRecipients?: string[];
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
  /** Connections opened by clients so far. */
  connections(): number;
  /** Connections open now. */
  openConnections(): number;
  /** The most connections that were open at once. */
  maxOpenConnections(): number;
  /** Messages whose DATA is held (see `holdRecipients`) now. */
  held(): number;
  /** Resolves once the state satisfies `ready` (checked after every connection, close, held or kept message). */
  waitFor(ready: (sink: SmtpSink) => boolean): Promise<void>;
  /** Answers every held message (and every later one) normally. */
  release(): void;
  close(): Promise<void>;
}

export async function startSmtpSink(options: SmtpSinkOptions = {}): Promise<SmtpSink> {
  const lower = (list: string[] | undefined): Set<string> =>
    new Set((list ?? []).map((a) => a.toLowerCase()));
  const rejected = lower(options.rejectRecipients);
  const deferred = lower(options.deferRecipients);
  let holding = lower(options.holdRecipients);
  const heldAnswers: Array<() => void> = [];
  const messages: SinkMessage[] = [];
  const arrived = createCondition();
  let connections = 0;
  let open = 0;
  let maxOpen = 0;

  const server = new SMTPServer({
    secure: false,
    disabledCommands: options.auth ? ['STARTTLS'] : ['STARTTLS', 'AUTH'],
    authOptional: !options.auth,
    allowInsecureAuth: true,
    disableReverseLookup: true,
    logger: false,
    onConnect(_session, callback) {
      connections += 1;
      open += 1;
      maxOpen = Math.max(maxOpen, open);
      arrived.notify();
      callback();
    },
    onClose() {
      open -= 1;
      arrived.notify();
    },
    onAuth(auth, _session, callback) {
      if (
        options.auth &&
        auth.username === options.auth.user &&
        auth.password === options.auth.pass
      ) {
        return callback(null, { user: auth.username });
      }
      callback(
        Object.assign(new Error('Authentication credentials invalid'), { responseCode: 535 }),
      );
    },
    onRcptTo(address, _session, callback) {
      if (rejected.has(address.address.toLowerCase())) {
        return callback(Object.assign(new Error('Mailbox unavailable'), { responseCode: 550 }));
      }
      if (deferred.has(address.address.toLowerCase())) {
        return callback(Object.assign(new Error('Try again later'), { responseCode: 451 }));
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
        const keep = (): void => {
          simpleParser(raw)
            .then((parsed) => {
              messages.push({
                ...envelope,
                subject: parsed.subject ?? '',
                text: parsed.text ?? '',
                messageId: parsed.messageId ?? null,
                replyTo: parsed.replyTo?.text ?? null,
                raw,
                attachments: (parsed.attachments ?? []).map((a) => ({
                  filename: a.filename ?? null,
                  contentType: a.contentType,
                  content: a.content,
                })),
              });
              arrived.notify();
              callback();
            })
            .catch((err: unknown) => callback(err instanceof Error ? err : new Error(String(err))));
        };
        if (!envelope.to.some((address) => holding.has(address.toLowerCase()))) return keep();
        heldAnswers.push(keep);
        arrived.notify();
      });
    },
  });

  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.server.address() as AddressInfo).port;

  const sink: SmtpSink = {
    url: `smtp://127.0.0.1:${port}`,
    port,
    messages,
    async waitForMessages(n) {
      await arrived.until(() => messages.length >= n);
      return messages.slice();
    },
    connections: () => connections,
    openConnections: () => open,
    maxOpenConnections: () => maxOpen,
    held: () => heldAnswers.length,
    async waitFor(ready) {
      await arrived.until(() => ready(sink));
    },
    release() {
      holding = new Set();
      for (const keep of heldAnswers.splice(0)) keep();
      arrived.notify();
    },
    close() {
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
  return sink;
}
