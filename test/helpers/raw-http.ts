/**
 * HTTP/1.1 written by hand over a TCP socket, for what an HTTP client library will not send:
 * malformed requests, bytes trickled in slowly, a connection reset right after the request.
 */
import { connect } from 'node:net';
import type { Socket } from 'node:net';

export interface RawAnswer {
  /** Everything the server wrote before it closed the connection. */
  raw: string;
  /** Status of the first answer, or null when the server closed without one. */
  status: number | null;
  /** Header names lower-cased. */
  headers: Record<string, string>;
  body: string;
}

export function parseAnswer(raw: string): RawAnswer {
  const end = raw.indexOf('\r\n\r\n');
  if (end < 0) return { raw, status: null, headers: {}, body: '' };
  const [statusLine = '', ...lines] = raw.slice(0, end).split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const length = Number(headers['content-length'] ?? NaN);
  const rest = Buffer.from(raw.slice(end + 4), 'latin1');
  const body = (Number.isNaN(length) ? rest : rest.subarray(0, length)).toString('utf8');
  return { raw, status: Number(statusLine.split(' ')[1]), headers, body };
}

export interface RawConnection {
  socket: Socket;
  /** Resolves with what the server answered once it (or the client) closed the connection. */
  closed: Promise<RawAnswer>;
  write(data: string | Buffer): Promise<void>;
}

/** Opens a connection to 127.0.0.1:`port`; resolves once connected. */
export async function openRaw(port: number): Promise<RawConnection> {
  const socket = connect(port, '127.0.0.1');
  const received: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => received.push(chunk));
  // A reset or a write after the server closed is part of what these tests provoke.
  socket.on('error', () => undefined);
  const closed = new Promise<RawAnswer>((resolve) =>
    socket.on('close', () => resolve(parseAnswer(Buffer.concat(received).toString('latin1')))),
  );
  await new Promise<void>((resolve) => socket.once('connect', resolve));
  return {
    socket,
    closed,
    write: (data) => new Promise<void>((resolve) => socket.write(data, () => resolve())),
  };
}

/** Sends `data` on a new connection and resolves with the answer once the connection is closed. */
export async function sendRaw(port: number, data: string | Buffer): Promise<RawAnswer> {
  const connection = await openRaw(port);
  await connection.write(data);
  return connection.closed;
}

/** A POST request head for `path` with the given extra header lines (each without CRLF). */
export function postHead(path: string, headerLines: readonly string[]): string {
  return `POST ${path} HTTP/1.1\r\nHost: ipnhub.test\r\n${headerLines.map((line) => `${line}\r\n`).join('')}\r\n`;
}
