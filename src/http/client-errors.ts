/**
 * Requests Node's HTTP parser refuses before any route sees them (Node's `clientError`): bad
 * chunk sizes, `Transfer-Encoding` together with `Content-Length`, a repeated
 * `Content-Length`, folded or NUL-carrying header lines, headers over Node's 16 KB limit, and
 * requests not received in time (`requestTimeoutMs`, `headersTimeoutMs`).
 *
 * Each is answered with a catalogue code (`MALFORMED_REQUEST`, `HEADERS_TOO_LARGE`,
 * `REQUEST_TIMEOUT`), counted in `/metrics` and logged at debug level, and the connection is
 * closed. What can honestly be attributed to a source goes through the ingest pipeline like
 * any rejected notification — stored as rejected with that code and answered in the provider's
 * format:
 * - a request whose headers arrived (it reached the inbound route) and whose body then broke
 *   or stalled: its source, method, URL and headers are known; the partial body is not kept;
 * - a request whose headers broke, when the packet Node kept starts with a request line
 *   `POST /ipn/<sourceId> HTTP/1.x`: only the method, URL and client address are known.
 * Anything else (no request line, another path, an unknown source) gets a JSON error and is
 * stored nowhere. Unparseable requests count against the client's inbound rate limit; over
 * it, they are answered without a source lookup and not stored.
 */
import { maxHeaderSize, STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { ErrorCode } from '../core/errors.js';
import { jsonError } from '../ingest/ingest.js';
import type { Ingest, Precheck } from '../ingest/ingest.js';
import type { Clock } from '../lib/clock.js';
import type { Logger } from '../lib/logger.js';
import type { Acknowledgement, InboundRequest } from '../providers/provider.js';
import { peerAddress } from './client-address.js';
import { EMPTY_BODY, toInbound } from './inbound-request.js';
import type { InflightRequests } from './inflight-requests.js';
import type { RateWindow } from './rate-window.js';
import { SAFE_HEADERS } from './safe-headers.js';

/** What Node passes to `clientError`, as far as it is used: llhttp's code and reason, and the packet it failed on. */
export interface ClientError {
  code?: string;
  reason?: string;
  rawPacket?: Buffer;
}

// Fastify types `rawPacket` as its JSON form; Node passes a Buffer. Read what is really there.
function fieldsOf(err: Error): ClientError {
  const field = (name: string): unknown =>
    Object.hasOwn(err, name) ? Reflect.get(err, name) : undefined;
  const code = field('code');
  const reason = field('reason');
  const rawPacket = field('rawPacket');
  return {
    code: typeof code === 'string' ? code : undefined,
    reason: typeof reason === 'string' ? reason : undefined,
    rawPacket: Buffer.isBuffer(rawPacket) ? rawPacket : undefined,
  };
}

export interface ClientErrorDeps {
  ingest: Ingest;
  clock: Clock;
  logger: Logger;
  inflight: InflightRequests;
  /** The inbound rate limit (null: none). */
  rateLimit: RateWindow | null;
  /** Counts a request refused by the HTTP layer. */
  refused(code: ErrorCode): void;
}

/** The catalogue code and a reason for a client error. */
export function describeClientError(err: ClientError): Precheck {
  switch (err.code) {
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return {
        code: 'REQUEST_TIMEOUT',
        reason: 'The request was not received completely in time.',
      };
    case 'HPE_HEADER_OVERFLOW':
      return {
        code: 'HEADERS_TOO_LARGE',
        reason: `The request headers are larger than ${maxHeaderSize} bytes.`,
      };
    default:
      return {
        code: 'MALFORMED_REQUEST',
        reason: `The request is not valid HTTP/1.1: ${err.reason ?? err.code ?? 'unknown parser error'}.`,
      };
  }
}

// Method, then the inbound path (source id up to the next `/`, `?`, `#` or space), then the version.
const INBOUND_REQUEST_LINE = /^(POST) (\/ipn\/([^ /?#\r\n]+)[^ \r\n]*) HTTP\/1\.[01]\r?\n/;

/** The inbound request a raw packet starts, as far as it can be read: request line and client only. */
export function inboundFromPacket(
  packet: Buffer,
  remoteAddress: string,
  clock: Clock,
): { sourceId: string; inbound: InboundRequest } | undefined {
  const match = INBOUND_REQUEST_LINE.exec(packet.subarray(0, 2048).toString('latin1'));
  if (!match?.[1] || !match[2] || !match[3]) return undefined;
  return {
    sourceId: match[3],
    inbound: {
      receivedAt: clock.now(),
      method: match[1],
      url: match[2],
      headers: {},
      rawBody: EMPTY_BODY,
      remoteAddress,
    },
  };
}

function rawResponse(ack: Acknowledgement): Buffer {
  const body = Buffer.from(ack.body, 'utf8');
  const head = [
    `HTTP/1.1 ${ack.status} ${STATUS_CODES[ack.status] ?? 'Error'}`,
    `Content-Type: ${ack.contentType}`,
    `Content-Length: ${body.length}`,
    'Connection: close',
    ...Object.entries(SAFE_HEADERS).map(([name, value]) => `${name}: ${value}`),
  ];
  return Buffer.concat([Buffer.from(`${head.join('\r\n')}\r\n\r\n`, 'latin1'), body]);
}

export function createClientErrorHandler(
  deps: ClientErrorDeps,
): (err: Error, socket: Socket) => void {
  const { clock, logger } = deps;
  // Node may report a connection twice (a timeout after a parse error); it gets one answer.
  const answering = new WeakSet<Socket>();

  async function answer(err: ClientError, socket: Socket): Promise<void> {
    const problem = describeClientError(err);
    deps.refused(problem.code);
    const client = peerAddress(socket);
    const inflight = deps.inflight.receiving(socket);
    const target = inflight
      ? { sourceId: inflight.params.sourceId, inbound: toInbound(inflight, EMPTY_BODY, clock) }
      : err.rawPacket && inboundFromPacket(err.rawPacket, client, clock);
    // A request in flight was counted against the limit when it arrived.
    const overLimit = !inflight && deps.rateLimit !== null && deps.rateLimit.hit(client).limited;
    logger.debug(
      {
        code: problem.code,
        reason: problem.reason,
        client,
        url: target ? target.inbound.url : undefined,
      },
      'HTTP request refused before routing',
    );
    let ack = jsonError(problem.code, problem.reason);
    if (target && !overLimit) {
      try {
        ack = (await deps.ingest.receive(target.sourceId, target.inbound, problem)).ack;
      } catch (ingestErr) {
        logger.error(
          { err: ingestErr, sourceId: target.sourceId },
          'could not record an unparseable inbound request',
        );
      }
    }
    if (!socket.writable) {
      socket.destroy();
      return;
    }
    socket.end(rawResponse(ack), () => socket.destroy());
  }

  return (error, socket) => {
    const err = fieldsOf(error);
    // A reset connection has nobody left to answer (as Fastify's own handler does).
    if (err.code === 'ECONNRESET' || socket.destroyed || answering.has(socket)) return;
    answering.add(socket);
    void answer(err, socket);
  };
}
