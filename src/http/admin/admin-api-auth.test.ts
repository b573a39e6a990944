import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enabledDialects } from '../../../test/helpers/test-db.js';
import { bearerToken } from './admin-api.js';
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
      expect(res.json()).toEqual({ error: { code: 'UNAUTHORIZED', message: 'A valid Bearer token is required. Send the header Authorization: Bearer <token>.' } });
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
        expect(res.json<{ error: { code: string; message: string } }>().error).toEqual({ code: 'UNAUTHORIZED', message: 'A valid Bearer token is required. The token is not valid.' });
      }
    });

    it('rejects a token sent with another scheme', async () => {
      const res = await h.app.inject({ method: 'GET', url: '/api/v1/sources', headers: { authorization: 'Basic dGVzdC1hZG1pbi10b2tlbi0wMTIzNDU2Nzg5' } });
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
