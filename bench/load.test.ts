import { once } from 'node:events';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { runOpenLoop } from './load.js';
import type { OpenLoopOptions } from './load.js';

let server: Server | null = null;

afterEach(async () => {
  server?.closeAllConnections();
  server?.close();
  server = null;
});

/**
 * A server that answers nothing until `hold` requests have arrived, then answers them all;
 * `answer` gets each request's number in the order of arrival (0, 1, …).
 */
async function holdingServer(
  hold: number,
  answer: (index: number) => { status: number; body: string },
): Promise<string> {
  const waiting: Array<{ res: ServerResponse; index: number }> = [];
  let arrived = 0;
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    req.resume();
    req.on('end', () => {
      waiting.push({ res, index: arrived++ });
      if (waiting.length < hold) return;
      for (const { res: r, index } of waiting.splice(0)) {
        const { status, body } = answer(index);
        r.writeHead(status, { 'content-type': 'text/plain' }).end(body);
      }
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function bodies(): () => Buffer {
  let i = 0;
  return () => Buffer.from(`n=${i++}`);
}

/** The open loop against `origin`, no warm-up and numbered bodies unless said otherwise. */
function openLoop(
  origin: string,
  options: Partial<OpenLoopOptions> & { ratePerSecond: number; durationMs: number },
) {
  return runOpenLoop({ origin, path: '/ipn/x', warmupMs: 0, nextBody: bodies(), ...options });
}

describe('runOpenLoop', () => {
  it('sends on its schedule whatever the answers, and counts latency from the scheduled time', async () => {
    const rate = 400;
    const count = 40;
    // Nothing is answered before the last scheduled request has arrived: a closed loop would
    // stall, the open loop keeps sending.
    const origin = await holdingServer(count, () => ({ status: 200, body: 'OK' }));
    const result = await openLoop(origin, {
      ratePerSecond: rate,
      durationMs: (count / rate) * 1000,
    });
    expect(result.sent).toBe(count);
    expect(result.ok).toBe(count);
    expect(result.okTotal).toBe(count);
    expect(result.errors).toBe(0);
    expect(result.throughput).toBeCloseTo(rate, 6);
    // The first request was scheduled (count - 1) intervals before the last one was even due,
    // and waited for it: its latency cannot be less, however fast the server answered then.
    const firstWaitedAtLeast = ((count - 1) / rate) * 1000;
    expect(result.maxMs).toBeGreaterThanOrEqual(firstWaitedAtLeast);
    expect(result.p99Ms).toBeGreaterThanOrEqual(firstWaitedAtLeast);
  });

  it("tells the client's send lag apart from the latency after the send", async () => {
    const rate = 200;
    const count = 40;
    const blockMs = 60;
    // Answered as each arrives; the client itself stalls once, producing the 10th body.
    const origin = await holdingServer(1, () => ({ status: 200, body: 'OK' }));
    let produced = 0;
    const result = await openLoop(origin, {
      ratePerSecond: rate,
      durationMs: (count / rate) * 1000,
      nextBody: () => {
        if (++produced === 10) {
          const until = performance.now() + blockMs;
          while (performance.now() < until) {
            // The load generator's own stall: the request goes out late by at least this.
          }
        }
        return Buffer.from(`n=${produced}`);
      },
    });
    expect(result.ok).toBe(count);
    // 40 measured requests: the p99 is the largest, here the stalled one or one due behind it.
    expect(result.maxSendLagMs).toBeGreaterThanOrEqual(blockMs);
    expect(result.sendLagP99Ms).toBeGreaterThanOrEqual(blockMs);
    expect(result.p99Ms).toBeGreaterThanOrEqual(blockMs);
    // The same requests counted from their actual send: each one's latency less its own lag.
    expect(result.fromSendP99Ms).toBeLessThanOrEqual(result.p99Ms);
    expect(result.fromSendP99Ms).toBeGreaterThan(0);
  });

  it('counts the requests scheduled in the warm-up apart from the measured ones', async () => {
    // Every other request fails; failures count as errors in the warm-up and the window alike.
    const origin = await holdingServer(1, (i) =>
      i % 2 === 0 ? { status: 200, body: 'OK' } : { status: 500, body: 'boom' },
    );
    const result = await openLoop(origin, { ratePerSecond: 200, warmupMs: 50, durationMs: 50 });
    expect(result.sent).toBe(20);
    expect(result.warmupRequests).toBe(10);
    expect(result.okTotal + result.errors).toBe(20);
    expect(result.errors).toBe(10);
  });

  it('reports answers other than 200 OK as errors, with a sample', async () => {
    const origin = await holdingServer(1, () => ({ status: 503, body: 'busy' }));
    const result = await openLoop(origin, { ratePerSecond: 100, durationMs: 50 });
    expect(result.sent).toBe(5);
    expect(result.ok).toBe(0);
    expect(result.errors).toBe(5);
    expect(result.errorSamples).toEqual(['HTTP 503: busy']);
  });

  it('stops when the bodies run out and refuses a rate that is not positive', async () => {
    const origin = await holdingServer(1, () => ({ status: 200, body: 'OK' }));
    let left = 3;
    const result = await openLoop(origin, {
      ratePerSecond: 100,
      durationMs: 100,
      nextBody: () => (left-- > 0 ? Buffer.from('x') : undefined),
    });
    expect(result.exhausted).toBe(true);
    expect(result.sent).toBe(3);
    await expect(openLoop(origin, { ratePerSecond: 0, durationMs: 1 })).rejects.toThrow(
      'rate must be positive',
    );
  });
});
