import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enabledDialects } from '../../../test/helpers/test-db.js';
import { TEST_ADMIN_TOKEN } from '../../../test/helpers/test-runtime.js';
import { ManualClock } from '../../lib/clock.js';
import { bearerToken } from '../bearer-guard.js';
import { startAdminHarness } from './test-support/admin-harness.js';
import type { AdminHarness } from './test-support/admin-harness.js';

describe('bearerToken', () => {
  it('takes the token of a Bearer header, scheme case-insensitive', () => {
    expect(bearerToken('Bearer abc.def')).toBe('abc.def');
    expect(bearerToken('bearer  abc')).toBe('abc');
  });

  it('refuses other schemes, empty and multi-part values', () => {
    expect(bearerToken(undefined)).toBeUndefined();
    expect(bearerToken('')).toBeUndefined();
    expect(bearerToken('Basic dXNlcjpwYXNz')).toBeUndefined();
    expect(bearerToken('Bearer')).toBeUndefined();
    expect(bearerToken('Bearer a b')).toBeUndefined();
  });
});

for (const dialect of enabledDialects()) {
  describe(`admin API authentication on ${dialect}`, () => {
    let h: AdminHarness;
    beforeAll(async () => {
      h = await startAdminHarness(dialect);
    });
    afterAll(async () => h.close());

    it('answers 401 UNAUTHORIZED without a token', async () => {
      const res = await h.call('GET', '/sources', undefined, null);
      expect(res.status).toBe(401);
      expect(res.json()).toEqual({
        error: {
          code: 'UNAUTHORIZED',
          message:
            'A valid Bearer token or sign-in session is required. Send the header Authorization: Bearer <token>.',
        },
      });
      expect(res.headers['www-authenticate']).toBe('Bearer realm="ipnhub"');
    });

    it('answers 401 UNAUTHORIZED for a wrong token, on every kind of route', async () => {
      for (const [method, path] of [
        ['GET', '/sources'],
        ['POST', '/sources'],
        ['DELETE', '/connections/con_x'],
        ['POST', '/deliveries/dlv_x/redeliver'],
        ['GET', '/access?email=a@b.c&productId=1'],
        ['GET', '/connectors'],
      ] as const) {
        const res = await h.call(method, path, method === 'POST' ? {} : undefined, 'wrong-token');
        expect(res.status, `${method} ${path}`).toBe(401);
        expect(res.json<{ error: { code: string; message: string } }>().error).toEqual({
          code: 'UNAUTHORIZED',
          message: 'A valid Bearer token or sign-in session is required. The token is not valid.',
        });
      }
    });

    it('rejects a token sent with another scheme', async () => {
      const res = await h.app.inject({
        method: 'GET',
        url: '/api/v1/sources',
        headers: { authorization: 'Basic dGVzdC1hZG1pbi10b2tlbi0wMTIzNDU2Nzg5' },
      });
      expect(res.statusCode).toBe(401);
    });

    it('lets the right token through', async () => {
      const res = await h.call('GET', '/sources');
      expect(res.status).toBe(200);
      expect(res.json()).toEqual({ data: [], nextCursor: null });
    });

    it('serves the OpenAPI document without a token', async () => {
      const res = await h.call('GET', '/openapi.json', undefined, null);
      expect(res.status).toBe(200);
      expect(res.json<{ openapi: string }>().openapi).toBe('3.1.0');
    });

    it('answers unknown routes under the prefix with ROUTE_NOT_FOUND', async () => {
      const res = await h.call('GET', '/nothing-here');
      expect(res.status).toBe(404);
      expect(res.json<{ error: { code: string } }>().error.code).toBe('ROUTE_NOT_FOUND');
    });
  });
}

const METRICS_TOKEN = 'metrics-scrape-token-0123';

for (const dialect of enabledDialects()) {
  describe(`failed authentications and answer headers on ${dialect}`, () => {
    const clock = new ManualClock('2026-05-01T12:00:00.000Z');
    let h: AdminHarness;
    beforeAll(async () => {
      h = await startAdminHarness(dialect, {
        clock,
        config: { adminAuthFailuresPerMinute: 3, metricsToken: METRICS_TOKEN },
      });
    });
    afterAll(async () => h.close());

    function get(url: string, remoteAddress: string, token?: string) {
      return h.app.inject({
        method: 'GET',
        url,
        remoteAddress,
        headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
      });
    }

    it('refuses an address with 429 after too many failures, even with the right token, until the minute is over', async () => {
      const attacker = '203.0.113.9';
      for (let i = 0; i < 3; i++)
        expect((await get('/api/v1/sources', attacker, `guess-${i}`)).statusCode).toBe(401);
      clock.advance(10_000);
      const refused = await get('/api/v1/sources', attacker, 'guess-3');
      expect(refused.statusCode).toBe(429);
      expect(refused.headers['retry-after']).toBe('50');
      expect(refused.json()).toEqual({
        error: {
          code: 'RATE_LIMITED',
          message:
            'Too many requests. Too many failed authentications from this address; retry in 50 s.',
        },
      });
      expect((await get('/api/v1/sources', attacker, TEST_ADMIN_TOKEN)).statusCode).toBe(429);
      expect((await get('/metrics', attacker, METRICS_TOKEN)).statusCode).toBe(429);
      // Another address is not affected.
      expect((await get('/api/v1/sources', '203.0.113.10', TEST_ADMIN_TOKEN)).statusCode).toBe(200);
      clock.advance(50_000);
      expect((await get('/api/v1/sources', attacker, TEST_ADMIN_TOKEN)).statusCode).toBe(200);
    });

    it('never counts successful requests', async () => {
      const operator = '203.0.113.20';
      for (let i = 0; i < 10; i++)
        expect((await get('/api/v1/sources', operator, TEST_ADMIN_TOKEN)).statusCode).toBe(200);
      for (let i = 0; i < 3; i++)
        expect((await get('/api/v1/sources', operator, `guess-${i}`)).statusCode).toBe(401);
      expect((await get('/api/v1/sources', operator, TEST_ADMIN_TOKEN)).statusCode).toBe(429);
      clock.advance(60_000);
    });

    it('does not count requests without any credential, and answers them 401 even over the limit', async () => {
      const browser = '203.0.113.21';
      for (let i = 0; i < 10; i++) {
        expect((await get('/api/v1/sources', browser)).statusCode).toBe(401);
        expect((await get('/metrics', browser)).statusCode).toBe(401);
      }
      expect((await get('/api/v1/sources', browser, TEST_ADMIN_TOKEN)).statusCode).toBe(200);
      // Another scheme is a credential, a wrong one: counted.
      for (let i = 0; i < 3; i++) {
        const basic = await h.app.inject({
          method: 'GET',
          url: '/api/v1/sources',
          remoteAddress: browser,
          headers: { authorization: 'Basic Z3Vlc3M6Z3Vlc3M=' },
        });
        expect(basic.statusCode).toBe(401);
      }
      expect((await get('/api/v1/sources', browser, TEST_ADMIN_TOKEN)).statusCode).toBe(429);
      const bare = await get('/api/v1/sources', browser);
      expect(bare.statusCode).toBe(401);
      expect(bare.headers['retry-after']).toBeUndefined();
      clock.advance(60_000);
    });

    it('lets /metrics be read with the metrics token or the admin token, and nothing else', async () => {
      const scraper = '203.0.113.30';
      const anonymous = await get('/metrics', scraper);
      expect(anonymous.statusCode).toBe(401);
      expect(anonymous.json<{ error: { code: string } }>().error.code).toBe('UNAUTHORIZED');
      expect(anonymous.body).not.toContain('ipnhub_');
      const scraped = await get('/metrics', scraper, METRICS_TOKEN);
      expect(scraped.statusCode).toBe(200);
      expect(scraped.body).toContain('ipnhub_http_refused_total{code="UNAUTHORIZED"}');
      expect((await get('/metrics', scraper, TEST_ADMIN_TOKEN)).statusCode).toBe(200);
      // The metrics token opens nothing else.
      expect((await get('/api/v1/sources', scraper, METRICS_TOKEN)).statusCode).toBe(401);
    });

    it('keeps health and readiness public', async () => {
      expect((await get('/healthz', '203.0.113.40')).statusCode).toBe(200);
      expect((await get('/readyz', '203.0.113.40')).statusCode).toBe(200);
    });

    it.each([
      ['a success', '/api/v1/sources', TEST_ADMIN_TOKEN, 200],
      ['the public OpenAPI document', '/api/v1/openapi.json', undefined, 200],
      ['a refusal', '/api/v1/sources', 'wrong', 401],
      ['an unknown route', '/api/v1/nothing-here', TEST_ADMIN_TOKEN, 404],
      ['a missing object', '/api/v1/sources/src_NOPE', TEST_ADMIN_TOKEN, 404],
      ['the metrics', '/metrics', METRICS_TOKEN, 200],
    ])('sends nosniff and no-store with %s', async (_name, url, token, status) => {
      const res = await get(url, '203.0.113.50', token);
      expect(res.statusCode).toBe(status);
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['cache-control']).toBe('no-store');
    });
  });
}
