import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { closedPort } from '../../test/helpers/closed-port.js';
import { triggerOfSignal } from './abort-trigger.js';
import { abortingWith, createHttpClient } from './http-client.js';
import type { HttpClient, HttpRequest, HttpResult } from './http-client.js';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

let server: Server;
let port: number;
let handler: Handler = (_req, res) => res.end('hello');
const hits: string[] = [];
const clients: Array<HttpClient & { close(): Promise<void> }> = [];

function client(options: Partial<Parameters<typeof createHttpClient>[0]> = {}): HttpClient {
  const created = createHttpClient({ timeoutMs: 5000, allowList: ['127.0.0.1'], ...options });
  clients.push(created);
  return created;
}

function expectFailure(result: HttpResult): { kind: string; message: string; durationMs: number } {
  if (result.ok) throw new Error(`expected a failure, got HTTP ${result.response.status}`);
  return result;
}

function expectResponse(result: HttpResult) {
  if (!result.ok) throw new Error(`expected a response, got ${result.kind}: ${result.message}`);
  return result.response;
}

beforeAll(async () => {
  server = createServer((req, res) => {
    hits.push(`${req.method} ${req.url}`);
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterEach(() => {
  hits.length = 0;
  handler = (_req, res) => res.end('hello');
  server.closeAllConnections();
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('createHttpClient: SSRF guard', () => {
  it('refuses a loopback IP literal by default, without connecting', async () => {
    const failure = expectFailure(
      await client({ allowList: [] }).request({ method: 'GET', url: `http://127.0.0.1:${port}/x` }),
    );
    expect(failure.kind).toBe('blocked');
    expect(failure.message).toContain('127.0.0.1');
    expect(failure.message).toContain('loopback');
    expect(failure.message).toContain('IPNHUB_OUTBOUND_ALLOW_LIST');
    expect(hits).toEqual([]);
  });

  it('refuses IPv4-mapped IPv6 literals of loopback', async () => {
    const failure = expectFailure(
      await client({ allowList: [] }).request({
        method: 'GET',
        url: `http://[::ffff:127.0.0.1]:${port}/`,
      }),
    );
    expect(failure.kind).toBe('blocked');
    expect(hits).toEqual([]);
  });

  it('refuses a host name that resolves to loopback (checked at connect time)', async () => {
    const failure = expectFailure(
      await client({ allowList: [] }).request({ method: 'GET', url: `http://localhost:${port}/x` }),
    );
    expect(failure.kind).toBe('blocked');
    expect(failure.message).toMatch(/^localhost \((127\.0\.0\.1|::1)\) is a loopback address/);
    expect(failure.message).toContain('IPNHUB_OUTBOUND_ALLOW_LIST');
    expect(hits).toEqual([]);
  });

  it('allows an allow-listed IP', async () => {
    const response = expectResponse(
      await client({ allowList: ['127.0.0.0/8'] }).request({
        method: 'GET',
        url: `http://127.0.0.1:${port}/ok?q=1`,
      }),
    );
    expect(response.status).toBe(200);
    expect(response.body).toBe('hello');
    expect(response.truncated).toBe(false);
    expect(response.durationMs).toBeGreaterThanOrEqual(0);
    expect(hits).toEqual(['GET /ok?q=1']);
  });

  it('allows an allow-listed host name whatever it resolves to', async () => {
    const response = expectResponse(
      await client({ allowList: ['LOCALHOST'] }).request({
        method: 'GET',
        url: `http://localhost:${port}/named`,
      }),
    );
    expect(response.status).toBe(200);
    expect(hits).toEqual(['GET /named']);
  });
});

describe('createHttpClient: requests and responses', () => {
  it('sends method, headers and body, and lower-cases response headers', async () => {
    let seen: { method?: string; headers?: IncomingMessage['headers']; body?: string } = {};
    handler = (req, res) => {
      const parts: Buffer[] = [];
      req.on('data', (c: Buffer) => parts.push(c));
      req.on('end', () => {
        seen = {
          method: req.method,
          headers: req.headers,
          body: Buffer.concat(parts).toString('utf8'),
        };
        res.writeHead(201, { 'X-Custom-Header': 'Value', 'Content-Type': 'text/plain' });
        res.end('created');
      });
    };
    const response = expectResponse(
      await client().request({
        method: 'post',
        url: `http://127.0.0.1:${port}/in`,
        headers: { 'Content-Type': 'application/json' },
        body: '{"a":1}',
      }),
    );
    expect(response.status).toBe(201);
    expect(response.headers['x-custom-header']).toBe('Value');
    expect(response.headers['content-type']).toBe('text/plain');
    expect(Object.keys(response.headers).every((name) => name === name.toLowerCase())).toBe(true);
    expect(seen.method).toBe('POST');
    expect(seen.body).toBe('{"a":1}');
    expect(seen.headers?.['content-type']).toBe('application/json');
    expect(seen.headers?.['user-agent']).toBe('ipnhub/0.1');
  });

  it('turns URL credentials into basic auth and uses the configured user agent', async () => {
    let seen: IncomingMessage['headers'] = {};
    handler = (req, res) => {
      seen = req.headers;
      res.end();
    };
    expectResponse(
      await client({ userAgent: 'custom/1' }).request({
        method: 'GET',
        url: `http://user:p%40ss@127.0.0.1:${port}/`,
      }),
    );
    expect(seen.authorization).toBe(`Basic ${Buffer.from('user:p@ss').toString('base64')}`);
    expect(seen['user-agent']).toBe('custom/1');
  });

  it('does not follow redirects', async () => {
    handler = (req, res) => {
      if (req.url === '/old') {
        res.writeHead(302, { Location: '/new' });
        res.end();
      } else res.end('new');
    };
    const response = expectResponse(
      await client().request({ method: 'GET', url: `http://127.0.0.1:${port}/old` }),
    );
    expect(response.status).toBe(302);
    expect(response.headers.location).toBe('/new');
    expect(hits).toEqual(['GET /old']);
  });

  it('keeps at most maxResponseBytes of the body and says so', async () => {
    handler = (_req, res) => res.end('x'.repeat(100_000));
    const response = expectResponse(
      await client({ maxResponseBytes: 1024 }).request({
        method: 'GET',
        url: `http://127.0.0.1:${port}/big`,
      }),
    );
    expect(response.status).toBe(200);
    expect(response.body).toBe('x'.repeat(1024));
    expect(response.truncated).toBe(true);
  });

  it('stops reading an endless body at the limit', async () => {
    handler = (_req, res) => {
      res.writeHead(200);
      const chunk = 'y'.repeat(4096);
      const pump = (): void => {
        while (!res.destroyed && res.write(chunk)) {
          /* fill the socket buffer */
        }
        if (!res.destroyed) res.once('drain', pump);
      };
      pump();
    };
    const response = expectResponse(
      await client({ maxResponseBytes: 10_000 }).request({
        method: 'GET',
        url: `http://127.0.0.1:${port}/endless`,
      }),
    );
    expect(response.body.length).toBe(10_000);
    expect(response.truncated).toBe(true);
  });

  it('uses the default limit of 64 KiB', async () => {
    handler = (_req, res) => res.end('z'.repeat(70_000));
    const response = expectResponse(
      await client().request({ method: 'GET', url: `http://127.0.0.1:${port}/` }),
    );
    expect(response.body.length).toBe(65_536);
    expect(response.truncated).toBe(true);
  });
});

/** Sends a GET with `overrides` and expects it to end as a timeout after `ms`. */
async function expectTimeout(
  http: HttpClient,
  overrides: Partial<HttpRequest>,
  ms: number,
): Promise<void> {
  const failure = expectFailure(
    await http.request({ method: 'GET', url: `http://127.0.0.1:${port}/slow`, ...overrides }),
  );
  expect(failure.kind).toBe('timeout');
  expect(failure.message).toBe(`no complete answer within ${ms} ms`);
}

/** Sends a GET that `signal` may abort and expects a failure. */
async function failureWith(signal: AbortSignal) {
  return expectFailure(
    await client().request({ method: 'GET', url: `http://127.0.0.1:${port}/`, signal }),
  );
}

describe('createHttpClient: failures as values', () => {
  it('reports a timeout when the server never answers', async () => {
    handler = () => {
      /* never answer */
    };
    await expectTimeout(client({ timeoutMs: 150 }), {}, 150);
  });

  it('ends a request whose body keeps trickling past the whole-request timeout', async () => {
    // A byte every 20 ms: neither the headers nor the gaps between body chunks time out, only
    // the limit on the whole request does.
    handler = (_req, res) => {
      res.writeHead(200);
      const trickle = setInterval(() => res.write('.'), 20);
      res.on('close', () => clearInterval(trickle));
    };
    await expectTimeout(client({ timeoutMs: 250 }), {}, 250);
  });

  it('lets a request override the timeout', async () => {
    handler = () => {
      /* never answer */
    };
    await expectTimeout(client({ timeoutMs: 30_000 }), { timeoutMs: 100 }, 100);
  });

  it('lets a request wait longer than the client default', async () => {
    handler = (_req, res) => {
      setTimeout(() => res.end('late but fine'), 300);
    };
    const response = expectResponse(
      await client({ timeoutMs: 100 }).request({
        method: 'GET',
        url: `http://127.0.0.1:${port}/`,
        timeoutMs: 5000,
      }),
    );
    expect(response.body).toBe('late but fine');
  });

  it('reports a refused connection', async () => {
    const free = await closedPort();
    const failure = expectFailure(
      await client().request({ method: 'GET', url: `http://127.0.0.1:${free}/` }),
    );
    expect(failure.kind).toBe('connection');
    expect(failure.message).toContain('ECONNREFUSED');
  });

  it('reports a reset connection', async () => {
    handler = (req) => req.socket.destroy();
    const failure = expectFailure(
      await client().request({ method: 'GET', url: `http://127.0.0.1:${port}/reset` }),
    );
    expect(failure.kind).toBe('connection');
  });

  it('reports a DNS failure as a connection problem', async () => {
    const failure = expectFailure(
      await client().request({ method: 'GET', url: 'http://does-not-exist.invalid/' }),
    );
    expect(failure.kind).toBe('connection');
    expect(failure.message).toMatch(/ENOTFOUND|EAI_AGAIN/);
  });

  it.each([
    ['not a url', 'not a valid URL: not a url'],
    ['ftp://example.com/file', 'only http and https URLs are supported, not ftp'],
    ['file:///etc/passwd', 'only http and https URLs are supported, not file'],
  ])('rejects %s as invalid_url', async (url, message) => {
    const failure = expectFailure(await client().request({ method: 'GET', url }));
    expect(failure.kind).toBe('invalid_url');
    expect(failure.message).toBe(message);
  });

  it('reports the caller aborting before the start', async () => {
    const controller = new AbortController();
    controller.abort();
    const failure = await failureWith(controller.signal);
    expect(failure.kind).toBe('aborted');
    expect(hits).toEqual([]);
  });

  it('reports the caller aborting while waiting for the answer', async () => {
    const controller = new AbortController();
    handler = () => controller.abort();
    const failure = await failureWith(controller.signal);
    expect(failure.kind).toBe('aborted');
    expect(failure.message).toBe('the request was aborted');
  });

  it('ends a request when its abortOn trigger fires, as with a signal', async () => {
    const stop = new AbortController();
    const trigger = triggerOfSignal(stop.signal);
    handler = (_req, res) => {
      res.writeHead(200);
      res.write('first', () => stop.abort());
    };
    const failure = expectFailure(
      await abortingWith(client(), trigger).request({
        method: 'GET',
        url: `http://127.0.0.1:${port}/`,
      }),
    );
    expect(failure.kind).toBe('aborted');
    expect(failure.message).toBe('the request was aborted');
  });

  it('does not start a request whose abortOn trigger has fired', async () => {
    const stop = new AbortController();
    stop.abort();
    const trigger = triggerOfSignal(stop.signal);
    const failure = expectFailure(
      await client().request({ method: 'GET', url: `http://127.0.0.1:${port}/`, abortOn: trigger }),
    );
    expect(failure.kind).toBe('aborted');
    expect(hits).toEqual([]);
  });

  it('reports the caller aborting while the body is read', async () => {
    const controller = new AbortController();
    handler = (_req, res) => {
      res.writeHead(200);
      // The first chunk is on its way; the rest never comes.
      res.write('first', () => controller.abort());
    };
    const failure = await failureWith(controller.signal);
    expect(failure.kind).toBe('aborted');
  });
});
