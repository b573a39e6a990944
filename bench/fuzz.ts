/**
 * A fuzz-like mix of requests for the memory run (`bench/fuzz-memory.ts`), written by hand to a
 * TCP socket so that malformed HTTP goes out as it is: signed notifications (some reset by the
 * client right after sending), bad signatures, random bytes, unknown sources, bodies over the
 * limit, requests Node's parser refuses (bad chunk size, repeated Content-Length, oversized
 * headers), wrong admin tokens, JSON of the wrong content type, and random paths. Every request
 * opens its own connection and closes it.
 */
import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import {
  encodeDigistore24Body,
  sampleDigistore24Fields,
} from '../src/providers/digistore24/sign-request.js';

export interface FuzzTarget {
  port: number;
  /** `/ipn/<id>` of a Digistore24 source. */
  path: string;
  passphrase: string;
}

/** Sends `data` on a new connection; resolves when the connection is closed (by either side, or after 10 s). */
function exchange(port: number, data: string, reset: boolean): Promise<void> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(data, 'latin1', () => (reset ? socket.resetAndDestroy() : socket.end()));
    });
    socket.on('data', () => undefined);
    socket.on('error', () => undefined);
    socket.on('close', () => resolve());
    socket.setTimeout(10_000, () => socket.destroy());
  });
}

function post(path: string, headerLines: readonly string[], body: string): string {
  const head = [`POST ${path} HTTP/1.1`, 'Host: ipnhub.bench', 'Connection: close', ...headerLines];
  return `${head.join('\r\n')}\r\n\r\n${body}`;
}

const FORM = 'Content-Type: application/x-www-form-urlencoded';
const KINDS = 12;

/** Request number `n` of the mix (the kind cycles with `n`). */
export function fuzzRequest(target: FuzzTarget, n: number): Promise<void> {
  const { port, path } = target;
  const signed = (): string =>
    encodeDigistore24Body(
      sampleDigistore24Fields('on_payment', {
        orderId: `FZ${n}`,
        transactionId: String(500_000_000 + n),
      }),
      target.passphrase,
    );
  const form = (body: string): string =>
    post(path, [FORM, `Content-Length: ${Buffer.byteLength(body, 'latin1')}`], body);
  switch (n % KINDS) {
    case 0:
      return exchange(port, form(signed()), false);
    case 1:
      return exchange(port, form(signed()), true);
    case 2:
      return exchange(port, form(signed().replace(/sha_sign=[^&]+/, 'sha_sign=0BAD')), false);
    case 3:
      return exchange(port, form(randomBytes(500 + (n % 3000)).toString('latin1')), false);
    case 4:
      return exchange(
        port,
        post(`/ipn/src_${randomBytes(10).toString('hex')}`, [FORM, 'Content-Length: 3'], 'a=b'),
        false,
      );
    case 5:
      return exchange(
        port,
        post(path, [FORM, 'Transfer-Encoding: chunked'], 'zz\r\nabc\r\n0\r\n\r\n'),
        false,
      );
    case 6:
      return exchange(
        port,
        post(path, [FORM, 'Content-Length: 3', 'Content-Length: 4'], 'abc'),
        false,
      );
    case 7:
      return exchange(
        port,
        post(path, [FORM, `X-Big: ${'a'.repeat(17 * 1024)}`, 'Content-Length: 3'], 'abc'),
        false,
      );
    case 8:
      return exchange(port, form('x'.repeat(300 * 1024)), false);
    case 9:
      return exchange(
        port,
        `GET /api/v1/sources HTTP/1.1\r\nHost: ipnhub.bench\r\nConnection: close\r\nAuthorization: Bearer wrong-${n}\r\n\r\n`,
        false,
      );
    case 10: {
      const body = JSON.stringify({
        id: `WH-${n}`,
        event_type: 'PAYMENT.CAPTURE.COMPLETED',
        resource: { note: randomBytes(64).toString('base64') },
      });
      return exchange(
        port,
        post(
          path,
          ['Content-Type: application/json', `Content-Length: ${Buffer.byteLength(body)}`],
          body,
        ),
        false,
      );
    }
    default:
      return exchange(
        port,
        `GET /${randomBytes(8).toString('hex')}/${'y'.repeat(n % 2000)} HTTP/1.1\r\nHost: ipnhub.bench\r\nConnection: close\r\n\r\n`,
        false,
      );
  }
}

/** Sends requests `from` … `from + count - 1` of the mix, `concurrency` at a time. */
export async function fuzz(
  target: FuzzTarget,
  from: number,
  count: number,
  concurrency: number,
): Promise<void> {
  let next = from;
  const end = from + count;
  async function lane(): Promise<void> {
    while (next < end) await fuzzRequest(target, next++);
  }
  await Promise.all(Array.from({ length: concurrency }, lane));
}
