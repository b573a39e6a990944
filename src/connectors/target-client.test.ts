import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { closedPort } from '../../test/helpers/closed-port.js';
import { ManualClock } from '../lib/clock.js';
import { createHttpClient } from '../lib/http-client.js';
import { createSessionCache } from './session-cache.js';
import type { LoginResult } from './session-cache.js';
import { createTargetClient, testResult } from './target-client.js';
import type { TargetClientOptions } from './target-client.js';

type Handler = (req: IncomingMessage, body: string, res: ServerResponse) => void;

describe('target client', () => {
  let server: Server;
  let base: string;
  let handler: Handler;
  const seen: Array<{
    method: string;
    url: string;
    auth: string | undefined;
    body: string;
    type: string | undefined;
  }> = [];
  const http = createHttpClient({ timeoutMs: 2000, allowList: ['127.0.0.1'] });
  const clock = new ManualClock('2026-03-01T10:00:00.000Z');

  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        seen.push({
          method: req.method ?? '',
          url: req.url ?? '',
          auth: req.headers.authorization,
          body,
          type: req.headers['content-type'],
        });
        handler(req, body, res);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await http.close?.();
  });
  beforeEach(() => {
    seen.length = 0;
  });

  const json = (
    res: ServerResponse,
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
  ) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };

  function client(extra: Partial<TargetClientOptions<string>> = {}) {
    return createTargetClient<string>({
      name: 'Acme CRM',
      http,
      clock,
      prepare: (req, session) => ({
        ...req,
        url: `${base}${req.url}`,
        headers: { ...req.headers, ...(session ? { authorization: `Bearer ${session}` } : {}) },
      }),
      errorMessage: (body) => (body as { message?: string } | null)?.message,
      ...extra,
    });
  }

  function sessions(logins: string[], results: Array<LoginResult<string>>) {
    const cache = createSessionCache<string>();
    return {
      cache,
      key: 'acct',
      login: async () => {
        const next = results.shift() ?? { ok: false, auth: true, message: 'no more logins' };
        if (next.ok) logins.push(next.session);
        return next;
      },
    };
  }

  it('sends JSON and returns the parsed body on 2xx', async () => {
    handler = (_req, _body, res) => json(res, 201, { contact: { id: '7' } });
    const result = await client().call({
      method: 'POST',
      path: '/contacts',
      json: { email: 'a@example.com' },
    });
    expect(result).toMatchObject({ ok: true, status: 201, body: { contact: { id: '7' } } });
    expect(seen).toEqual([
      {
        method: 'POST',
        url: '/contacts',
        auth: undefined,
        body: '{"email":"a@example.com"}',
        type: 'application/json',
      },
    ]);
  });

  it('sends forms url-encoded', async () => {
    handler = (_req, _body, res) => json(res, 200, {});
    await client().call({
      method: 'POST',
      path: '/login',
      form: { username: 'ä b', password: 'p&q' },
    });
    expect(seen[0]).toMatchObject({
      body: 'username=%C3%A4+b&password=p%26q',
      type: 'application/x-www-form-urlencoded',
    });
  });

  it('logs in again once when the session is rejected, then succeeds', async () => {
    const logins: string[] = [];
    handler = (req, _body, res) =>
      req.headers.authorization === 'Bearer s2'
        ? json(res, 200, { ok: 1 })
        : json(res, 401, { message: 'INVALID_SESSION_ID' });
    const result = await client({
      session: sessions(logins, [
        { ok: true, session: 's1' },
        { ok: true, session: 's2' },
      ]),
    }).call({ method: 'GET', path: '/me' });
    expect(result.ok).toBe(true);
    expect(logins).toEqual(['s1', 's2']);
    expect(seen.map((s) => s.auth)).toEqual(['Bearer s1', 'Bearer s2']);
  });

  it('fails with TARGET_AUTH_FAILED after the second rejection, without a third call', async () => {
    const logins: string[] = [];
    handler = (_req, _body, res) => json(res, 401, { message: 'session expired' });
    const result = await client({
      session: sessions(logins, [
        { ok: true, session: 's1' },
        { ok: true, session: 's2' },
        { ok: true, session: 's3' },
      ]),
    }).call({ method: 'GET', path: '/me' });
    expect(result).toMatchObject({
      ok: false,
      status: 401,
      result: {
        outcome: 'failed',
        reason: 'TARGET_AUTH_FAILED: Acme CRM rejected the credentials (HTTP 401): session expired',
      },
    });
    expect(seen).toHaveLength(2);
  });

  it('fails without calling the target when the login is rejected', async () => {
    handler = (_req, _body, res) => json(res, 200, {});
    const result = await client({
      session: sessions(
        [],
        [{ ok: false, auth: true, message: 'invalid_grant: authentication failure' }],
      ),
    }).call({ method: 'GET', path: '/me' });
    expect(result).toEqual({
      ok: false,
      result: {
        outcome: 'failed',
        reason:
          'TARGET_AUTH_FAILED: Acme CRM rejected the credentials: invalid_grant: authentication failure',
      },
    });
    expect(seen).toHaveLength(0);
  });

  it('retries when the login itself hits a transient problem', async () => {
    const result = await client({
      session: sessions(
        [],
        [{ ok: false, auth: false, message: 'HTTP 503', retryAfterSeconds: 30 }],
      ),
    }).call({ method: 'GET', path: '/me' });
    expect(result).toEqual({
      ok: false,
      result: {
        outcome: 'retry',
        reason: 'Acme CRM login failed: HTTP 503',
        retryAfterSeconds: 30,
      },
    });
  });

  it('fails without retrying when the login hits a permanent problem', async () => {
    const result = await client({
      session: sessions(
        [],
        [
          {
            ok: false,
            auth: false,
            permanent: true,
            message: 'TARGET_NOT_ALLOWED: 10.0.0.5 is a private address',
          },
        ],
      ),
    }).call({ method: 'GET', path: '/me' });
    expect(result).toEqual({
      ok: false,
      result: {
        outcome: 'failed',
        reason: 'Acme CRM login failed: TARGET_NOT_ALLOWED: 10.0.0.5 is a private address',
      },
    });
  });

  it('retries 429 after Retry-After, marked as overload', async () => {
    handler = (_req, _body, res) =>
      json(res, 429, { message: 'slow down' }, { 'retry-after': '7' });
    const result = await client().call({ method: 'GET', path: '/x' });
    expect(result).toMatchObject({
      ok: false,
      status: 429,
      result: {
        outcome: 'retry',
        reason: 'Acme CRM answered HTTP 429: slow down',
        retryAfterSeconds: 7,
        overloaded: true,
      },
    });
  });

  it("takes the connector's retry hint from the target's own headers when there is no Retry-After", async () => {
    handler = (_req, _body, res) => json(res, 429, { message: 'quota' }, { 'x-reset-in': '42' });
    const hinted = client({ retryAfter: (headers) => Number(headers['x-reset-in']) });
    expect(await hinted.call({ method: 'GET', path: '/x' })).toMatchObject({
      result: { outcome: 'retry', retryAfterSeconds: 42 },
    });
    handler = (_req, _body, res) =>
      json(res, 429, { message: 'quota' }, { 'x-reset-in': '42', 'retry-after': '7' });
    expect(await hinted.call({ method: 'GET', path: '/x' })).toMatchObject({
      result: { outcome: 'retry', retryAfterSeconds: 7 },
    });
  });

  it('retries 5xx and network failures', async () => {
    handler = (_req, _body, res) => json(res, 503, { message: 'maintenance' });
    expect(await client().call({ method: 'GET', path: '/x' })).toMatchObject({
      ok: false,
      status: 503,
      result: { outcome: 'retry' },
    });
    const port = await closedPort();
    const down = createTargetClient<string>({
      name: 'Acme CRM',
      http,
      clock,
      prepare: (req) => ({ ...req, url: `http://127.0.0.1:${port}${req.url}` }),
    });
    expect(await down.call({ method: 'GET', path: '/x' })).toMatchObject({
      ok: false,
      result: { outcome: 'retry' },
    });
  });

  it('fails validation errors with the target message, and hands back the status and body', async () => {
    handler = (_req, _body, res) => json(res, 422, { message: 'Email is invalid' });
    const result = await client().call({ method: 'POST', path: '/contacts', json: {} });
    expect(result).toMatchObject({
      ok: false,
      status: 422,
      body: { message: 'Email is invalid' },
      result: {
        outcome: 'failed',
        reason: 'TARGET_VALIDATION_FAILED: Acme CRM answered HTTP 422: Email is invalid',
      },
    });
  });

  it('lets the connector reclassify answers (e.g. a 403 that means "rate limited")', async () => {
    handler = (_req, _body, res) =>
      json(res, 403, [
        { errorCode: 'REQUEST_LIMIT_EXCEEDED', message: 'TotalRequests Limit exceeded.' },
      ]);
    const result = await client({
      classify: (status, body) =>
        status === 403 && JSON.stringify(body).includes('REQUEST_LIMIT_EXCEEDED')
          ? 'retry'
          : undefined,
      errorMessage: (body) =>
        Array.isArray(body) ? (body[0] as { message: string }).message : undefined,
    }).call({ method: 'GET', path: '/x' });
    expect(result).toMatchObject({
      ok: false,
      result: {
        outcome: 'retry',
        reason: 'Acme CRM answered HTTP 403: TotalRequests Limit exceeded.',
      },
    });
  });

  it('turns results into connection-test answers', async () => {
    handler = (_req, _body, res) => json(res, 403, { message: 'bad token' });
    expect(testResult(await client().call({ method: 'GET', path: '/me' }), 'connected')).toEqual({
      ok: false,
      message: 'TARGET_AUTH_FAILED: Acme CRM rejected the credentials (HTTP 403): bad token',
    });
    handler = (_req, _body, res) => json(res, 200, {});
    expect(testResult(await client().call({ method: 'GET', path: '/me' }), 'connected')).toEqual({
      ok: true,
      message: 'connected',
    });
  });
});
