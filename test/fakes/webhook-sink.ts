/**
 * A real HTTP receiver on 127.0.0.1 for webhook tests (docs/protocols/webhooks.md#what-the-fake-emulates): it
 * records every request (method, path, headers, raw body), verifies Standard Webhooks
 * signatures with the `standardwebhooks` package when given a secret (±5 min, the library's
 * tolerance, against the real time or the test's `clock`), and answers from a script: `respondWith(...)` queues one step per request
 * (status, headers, body, a delay, or a connection reset); once the queue is empty it answers
 * 200.
 */
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import type { Clock } from '../../src/lib/clock.js';
import { createCondition } from '../helpers/condition.js';

export interface SinkRequest {
  method: string;
  /** Path and query as received, e.g. `/hooks/billing?x=1`. */
  path: string;
  /** Lower-case names; repeated headers joined with `, `. */
  headers: Record<string, string>;
  rawBody: Buffer;
  /** The body parsed as JSON, or null when it is not JSON. */
  json: unknown;
  /** Signature check result; null when the sink has no secret. */
  verified: boolean | null;
}

export interface SinkStep {
  status?: number;
  headers?: Record<string, string>;
  body?: string;
  /** Wait this long before answering (for timeout tests). */
  delayMs?: number;
  /** Destroy the connection instead of answering. */
  reset?: boolean;
}

export interface WebhookSink {
  /** Base URL without a trailing slash; any path is accepted. */
  url: string;
  requests: SinkRequest[];
  respondWith(...steps: SinkStep[]): void;
  /** Resolves once `n` requests have arrived (no deadline of its own: the test's timeout bounds it). */
  waitForRequests(n: number): Promise<SinkRequest[]>;
  /** Distinct `webhook-id` values seen, in order of arrival. */
  uniqueIds(): string[];
  close(): Promise<void>;
}

function flattenHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined)
      out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

function parseJson(raw: Buffer): unknown {
  try {
    return JSON.parse(raw.toString('utf8')) as unknown;
  } catch {
    return null;
  }
}

const TOLERANCE_SECONDS = 5 * 60;

function verify(
  webhook: Webhook | null,
  raw: Buffer,
  headers: Record<string, string>,
  clock: Clock | undefined,
): boolean | null {
  if (!webhook) return null;
  try {
    if (!clock) {
      webhook.verify(raw, headers);
      return true;
    }
    // The library checks timestamps against the real time only; with a test clock the same
    // check runs here and the library computes the signature to compare with.
    const id = headers['webhook-id'];
    const timestamp = headers['webhook-timestamp'];
    const signatures = headers['webhook-signature'];
    if (!id || !timestamp || !signatures || !/^\d+$/.test(timestamp)) return false;
    if (Math.abs(clock.now().getTime() / 1000 - Number(timestamp)) > TOLERANCE_SECONDS)
      return false;
    const expected = webhook.sign(id, new Date(Number(timestamp) * 1000), raw);
    return signatures.split(' ').includes(expected);
  } catch {
    return false;
  }
}

export interface WebhookSinkOptions {
  /** The `whsec_…` secret to verify signatures with; without it `verified` is null. */
  secret?: string;
  /** The time signatures are checked against (±5 min); the real time when absent. Pass the test's clock. */
  clock?: Clock;
}

export async function startWebhookSink(options: WebhookSinkOptions = {}): Promise<WebhookSink> {
  const webhook = options.secret ? new Webhook(options.secret) : null;
  const requests: SinkRequest[] = [];
  const queue: SinkStep[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const arrived = createCondition();

  const answer = (res: ServerResponse, step: SinkStep): void => {
    res.writeHead(step.status ?? 200, step.headers ?? {});
    res.end(step.body ?? '');
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const rawBody = Buffer.concat(chunks);
      const headers = flattenHeaders(req.headers);
      requests.push({
        method: req.method ?? '',
        path: req.url ?? '',
        headers,
        rawBody,
        json: parseJson(rawBody),
        verified: verify(webhook, rawBody, headers, options.clock),
      });
      arrived.notify();
      const step = queue.shift() ?? {};
      if (step.reset) {
        req.socket.destroy();
        return;
      }
      if (step.delayMs === undefined) return answer(res, step);
      const timer = setTimeout(() => {
        timers.delete(timer);
        if (!res.destroyed) answer(res, step);
      }, step.delayMs);
      timers.add(timer);
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    respondWith(...steps) {
      queue.push(...steps);
    },
    async waitForRequests(n) {
      await arrived.until(() => requests.length >= n);
      return requests.slice();
    },
    uniqueIds() {
      const ids = requests
        .map((r) => r.headers['webhook-id'])
        .filter((id): id is string => id !== undefined);
      return [...new Set(ids)];
    },
    close() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
