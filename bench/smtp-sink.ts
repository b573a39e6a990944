/**
 * The mail target of the documents phase: a plain SMTP server on 127.0.0.1 that takes every
 * message, reads it to the end without parsing it, and counts messages and bytes (what a mail
 * relay on the same host would cost ipnhub, no more).
 */
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface SmtpCountingSink {
  /** `smtp://127.0.0.1:<port>` */
  url: string;
  messages(): number;
  bytes(): number;
  close(): Promise<void>;
}

export async function startSmtpCountingSink(): Promise<SmtpCountingSink> {
  let messages = 0;
  let bytes = 0;
  const server = new SMTPServer({
    secure: false,
    disabledCommands: ['STARTTLS', 'AUTH'],
    authOptional: true,
    disableReverseLookup: true,
    logger: false,
    onData(stream, _session, callback) {
      stream.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
      });
      stream.on('end', () => {
        messages++;
        callback();
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    messages: () => messages,
    bytes: () => bytes,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
