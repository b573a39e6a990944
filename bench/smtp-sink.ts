/**
 * The mail target of the documents phase: the least an SMTP server on 127.0.0.1 can do. It
 * greets at once, answers every command with success, reads each message to its final
 * `<CRLF>.<CRLF>` without parsing it, and counts messages and bytes.
 *
 * Not the `smtp-server` package the tests use: that one waits 100 ms before its greeting to
 * catch clients that talk too early (as real mail servers do), and ipnhub sends mails one after
 * the other, so the documents phase would measure that wait (two mails per document) instead
 * of ipnhub. docs/benchmarks.md says what a real relay's latency does to the figure.
 */
import { createServer } from 'node:net';
import type { AddressInfo, Socket } from 'node:net';

export interface SmtpCountingSink {
  /** `smtp://127.0.0.1:<port>` */
  url: string;
  messages(): number;
  bytes(): number;
  close(): Promise<void>;
}

const END_OF_DATA = '\r\n.\r\n';

export async function startSmtpCountingSink(): Promise<SmtpCountingSink> {
  let messages = 0;
  let bytes = 0;
  const sockets = new Set<Socket>();

  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    socket.setNoDelay(true);
    let inData = false;
    let buffered = '';
    const reply = (line: string): void => {
      socket.write(`${line}\r\n`);
    };
    reply('220 bench-sink ESMTP');
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      buffered += chunk;
      for (;;) {
        if (inData) {
          const end = buffered.indexOf(END_OF_DATA);
          if (end < 0) return;
          bytes += end;
          messages++;
          buffered = buffered.slice(end + END_OF_DATA.length);
          inData = false;
          reply('250 2.0.0 queued');
          continue;
        }
        const lineEnd = buffered.indexOf('\r\n');
        if (lineEnd < 0) return;
        const command = buffered.slice(0, lineEnd).toUpperCase();
        buffered = buffered.slice(lineEnd + 2);
        if (command.startsWith('EHLO')) reply('250-bench-sink\r\n250-8BITMIME\r\n250 SMTPUTF8');
        else if (command.startsWith('DATA')) {
          inData = true;
          // The data may follow the command in the same chunk: its end marker counts from the first line.
          buffered = `\r\n${buffered}`;
          reply('354 go ahead');
        } else if (command.startsWith('QUIT')) {
          reply('221 bye');
          socket.end();
          return;
        } else reply('250 OK');
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    messages: () => messages,
    bytes: () => bytes,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
