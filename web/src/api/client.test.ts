/**
 * The API client on the wire: what it sends (CSRF header on mutations, JSON) and how answers
 * become data or `ApiError`s — against a recording server, and against a real ipnhub.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer } from '../test-support/ipnhub-server.js';
import type { TestServer } from '../test-support/ipnhub-server.js';
import { startRecordingServer } from '../test-support/recording-server.js';
import type { Handler, RecordingServer } from '../test-support/recording-server.js';
import { ApiError } from './api-error.js';
import { createApiClient, unwrap } from './client.js';

describe('API client on the wire', () => {
  let server: RecordingServer;
  let answer: Handler = () => ({ status: 200, body: { data: [], nextCursor: null } });
  let unauthorized = 0;
  beforeAll(async () => {
    server = await startRecordingServer((request) => answer(request));
  });
  afterAll(() => server.close());
  const client = () =>
    createApiClient({ baseUrl: server.baseUrl, onUnauthorized: () => (unauthorized += 1) });

  it('sends X-Ipnhub-Csrf: 1 with every mutation and not with reads', async () => {
    server.requests.length = 0;
    answer = (request) =>
      request.method === 'DELETE' ? { status: 204 } : { status: 200, body: { id: 'src_1' } };
    const api = client();
    await unwrap(api.GET('/sources', { params: { query: { limit: 10 } } }));
    await unwrap(
      api.POST('/sources', {
        body: { provider: 'digistore24', name: 'Shop', config: { passphrase: 'p' } },
      }),
    );
    await unwrap(
      api.PATCH('/sources/{id}', { params: { path: { id: 'src_1' } }, body: { name: 'Shop 2' } }),
    );
    await unwrap(api.DELETE('/sources/{id}', { params: { path: { id: 'src_1' } } }));
    expect(
      server.requests.map((r) => [r.method, r.path, r.headers['x-ipnhub-csrf'] ?? null]),
    ).toEqual([
      ['GET', '/api/v1/sources?limit=10', null],
      ['POST', '/api/v1/sources', '1'],
      ['PATCH', '/api/v1/sources/src_1', '1'],
      ['DELETE', '/api/v1/sources/src_1', '1'],
    ]);
    expect(JSON.parse(server.requests[1]?.body ?? '')).toEqual({
      provider: 'digistore24',
      name: 'Shop',
      config: { passphrase: 'p' },
    });
    expect(server.requests[1]?.headers['content-type']).toBe('application/json');
    expect(server.requests.every((r) => r.headers.authorization === undefined)).toBe(true);
  });

  it('turns an error answer into an ApiError with code, message and Retry-After', async () => {
    answer = () => ({
      status: 429,
      body: { error: { code: 'RATE_LIMITED', message: 'Too many requests.' } },
      headers: { 'retry-after': '42' },
    });
    const error = await unwrap(client().GET('/providers')).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({
      status: 429,
      code: 'RATE_LIMITED',
      message: 'Too many requests.',
      retryAfterSeconds: 42,
    });
  });

  it('reports a 401 to onUnauthorized (the session ended) and throws UNAUTHORIZED', async () => {
    unauthorized = 0;
    answer = () => ({
      status: 401,
      body: { error: { code: 'UNAUTHORIZED', message: 'A valid Bearer token is required.' } },
    });
    await expect(unwrap(client().GET('/sources'))).rejects.toMatchObject({
      code: 'UNAUTHORIZED',
      status: 401,
    });
    expect(unauthorized).toBe(1);
  });

  it('calls an answer that is not the API’s error shape UNEXPECTED_RESPONSE', async () => {
    answer = () => ({
      status: 502,
      body: '<html>Bad Gateway</html>',
      headers: { 'content-type': 'text/html' },
    });
    await expect(unwrap(client().GET('/sources'))).rejects.toMatchObject({
      code: 'UNEXPECTED_RESPONSE',
      status: 502,
    });
  });

  it('calls a request that got no answer NETWORK_ERROR', async () => {
    const closed = await startRecordingServer(() => ({ status: 200 }));
    await closed.close();
    const api = createApiClient({ baseUrl: closed.baseUrl });
    await expect(unwrap(api.GET('/sources'))).rejects.toMatchObject({
      code: 'NETWORK_ERROR',
      status: 0,
    });
  });
});

describe('API client against ipnhub', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  it('creates, reads and lists a source with the generated types', async () => {
    const api = createApiClient({ baseUrl: server.baseUrl, fetch: server.fetch });
    const created = await unwrap(
      api.POST('/sources', {
        body: {
          provider: 'digistore24',
          name: 'Shop DE',
          config: { passphrase: 'correct horse battery' },
        },
      }),
    );
    expect(created.secretFields).toEqual({ passphrase: 'set' });
    expect(created.config).toEqual({});
    const read = await unwrap(api.GET('/sources/{id}', { params: { path: { id: created.id } } }));
    expect(read.inboundUrl).toBe(created.inboundUrl);
    const page = await unwrap(api.GET('/sources', { params: { query: { limit: 500 } } }));
    expect(page.data.map((source) => source.name)).toEqual(['Shop DE']);
    expect(page.nextCursor).toBeNull();
    const providers = await unwrap(api.GET('/providers'));
    expect(providers.map((provider) => provider.id)).toEqual([
      'digistore24',
      'paypal-ipn',
      'paypal-webhooks',
    ]);
  });

  it('carries the server’s validation message', async () => {
    const api = createApiClient({ baseUrl: server.baseUrl, fetch: server.fetch });
    const error = await unwrap(
      api.POST('/sources', {
        body: { provider: 'digistore24', name: 'No passphrase', config: {} },
      }),
    ).catch((err: unknown) => err);
    expect(error).toMatchObject({ status: 400, code: 'INVALID_CONFIG' });
    expect((error as ApiError).message).toContain('passphrase');
  });
});
