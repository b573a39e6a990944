/**
 * Sign-in sessions of the web UI: the cookie and its flags, the CSRF rule for changes made with
 * it, the shared limit on failed sign-ins, expiry on the manual clock, and every session ending
 * when the admin token is rotated — by the API or by another process on the same database.
 */
import { createHash } from 'node:crypto';
import type { InjectOptions } from 'fastify';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { captureLogger } from '../../../test/helpers/capture-logger.js';
import { enabledDialects } from '../../../test/helpers/test-db.js';
import { TEST_ADMIN_TOKEN } from '../../../test/helpers/test-runtime.js';
import { rotateAdminToken } from '../../secrets/admin-token.js';
import { openDb } from '../../db/connect.js';
import { ManualClock } from '../../lib/clock.js';
import { dbTarget } from '../../runtime.js';
import { startAdminHarness } from './test-support/admin-harness.js';
import type { AdminHarness } from './test-support/admin-harness.js';

const COOKIE =
  /^ipnhub_session=([A-Za-z0-9_-]{43}); HttpOnly; SameSite=Strict; Path=\/; Max-Age=(\d+)(; Secure)?$/;
const CLEARED = /^ipnhub_session=; HttpOnly; SameSite=Strict; Path=\/; Max-Age=0(; Secure)?$/;
const HOUR = 3_600_000;

interface Answer {
  status: number;
  headers: Record<string, unknown>;
  json<T = unknown>(): T;
  body: string;
}

function api(h: AdminHarness) {
  async function request(options: InjectOptions): Promise<Answer> {
    const res = await h.app.inject(options);
    return {
      status: res.statusCode,
      headers: res.headers,
      json: <T>() => JSON.parse(res.body) as T,
      body: res.body,
    };
  }
  return {
    signIn: (token: string, extra: Partial<InjectOptions> = {}) =>
      request({ method: 'POST', url: '/api/v1/session', payload: { token }, ...extra }),
    /** A request with the session cookie (and the CSRF header unless `csrf` is false). */
    withCookie: (
      method: InjectOptions['method'],
      path: string,
      cookie: string,
      options: { payload?: object; csrf?: boolean; headers?: Record<string, string> } = {},
    ) =>
      request({
        method,
        url: `/api/v1${path}`,
        headers: {
          cookie: `ipnhub_session=${cookie}`,
          ...(options.csrf === false ? {} : { 'x-ipnhub-csrf': '1' }),
          ...options.headers,
        },
        ...(options.payload === undefined ? {} : { payload: options.payload }),
      }),
    request,
  };
}

function cookieOf(res: Answer): string {
  const header = res.headers['set-cookie'];
  const match = COOKIE.exec(typeof header === 'string' ? header : '');
  if (!match?.[1]) throw new Error(`no session cookie in ${JSON.stringify(header)}`);
  return match[1];
}

function errorCode(res: Answer): string | undefined {
  return res.json<{ error?: { code: string } }>().error?.code;
}

for (const dialect of enabledDialects()) {
  describe(`web UI sessions on ${dialect}`, () => {
    const clock = new ManualClock('2026-05-01T08:00:00.000Z');
    const logs = captureLogger('debug');
    let h: AdminHarness;
    let client: ReturnType<typeof api>;
    beforeAll(async () => {
      h = await startAdminHarness(dialect, {
        clock,
        logger: logs.logger,
        config: { publicBaseUrl: 'https://ipn.example.com' },
      });
      client = api(h);
    });
    afterAll(async () => h.close());

    it('exchanges the admin token for an HttpOnly, SameSite=Strict cookie; only its hash is stored', async () => {
      const res = await client.signIn(TEST_ADMIN_TOKEN);
      expect(res.status).toBe(204);
      const header = String(res.headers['set-cookie']);
      const [, id, maxAge, secure] = COOKIE.exec(header) ?? [];
      expect(maxAge).toBe(String(7 * 24 * 3600));
      expect(secure).toBeUndefined();
      const rows = await h.db.selectFrom('admin_sessions').selectAll().execute();
      const row = rows.find(
        (r) =>
          r.id ===
          createHash('sha256')
            .update(id ?? '')
            .digest('hex'),
      );
      expect(row).toMatchObject({
        created_at: clock.now().toISOString(),
        last_seen_at: clock.now().toISOString(),
        expires_at: '2026-05-08T08:00:00.000Z',
      });
      expect(JSON.stringify(rows)).not.toContain(id);
    });

    it('refuses a wrong token with 401 UNAUTHORIZED and sets no cookie', async () => {
      const res = await client.signIn('not-the-admin-token');
      expect(res.status).toBe(401);
      expect(errorCode(res)).toBe('UNAUTHORIZED');
      expect(res.headers['set-cookie']).toBeUndefined();
      const empty = await client.request({ method: 'POST', url: '/api/v1/session', payload: {} });
      expect(empty.status).toBe(400);
      expect(errorCode(empty)).toBe('VALIDATION_FAILED');
    });

    it('lets the cookie read every route and tells when the session ends', async () => {
      const cookie = cookieOf(await client.signIn(TEST_ADMIN_TOKEN));
      const session = await client.withCookie('GET', '/session', cookie, { csrf: false });
      expect(session.status).toBe(200);
      expect(session.json()).toEqual({
        authenticated: true,
        expiresAt: '2026-05-01T20:00:00.000Z',
      });
      expect((await client.withCookie('GET', '/sources', cookie, { csrf: false })).status).toBe(
        200,
      );
      expect((await client.withCookie('GET', '/overview', cookie, { csrf: false })).status).toBe(
        200,
      );
      // The Bearer token is a session too, one without an end.
      const bearer = await h.call('GET', '/session');
      expect(bearer.json()).toEqual({ authenticated: true, expiresAt: null });
      const none = await h.call('GET', '/session', undefined, null);
      expect(none.status).toBe(401);
    });

    it('refuses changes made with the cookie without the CSRF header or from another origin (403 CSRF_REJECTED)', async () => {
      const cookie = cookieOf(await client.signIn(TEST_ADMIN_TOKEN));
      const source = {
        provider: 'digistore24',
        name: 'Shop',
        config: { passphrase: 'pass-0123456789' },
      };
      const bare = await client.withCookie('POST', '/sources', cookie, {
        payload: source,
        csrf: false,
      });
      expect(bare.status).toBe(403);
      expect(bare.json()).toEqual({
        error: {
          code: 'CSRF_REJECTED',
          message:
            'A change made with a session cookie must come from the ipnhub page itself. Send the header X-Ipnhub-Csrf: 1 with every change made with the session cookie.',
        },
      });
      const wrongValue = await client.withCookie('POST', '/sources', cookie, {
        payload: source,
        csrf: false,
        headers: { 'x-ipnhub-csrf': 'yes' },
      });
      expect(wrongValue.status).toBe(403);
      const foreign = await client.withCookie('POST', '/sources', cookie, {
        payload: source,
        headers: { origin: 'https://evil.example' },
      });
      expect(foreign.status).toBe(403);
      expect(errorCode(foreign)).toBe('CSRF_REJECTED');
      const opaque = await client.withCookie('POST', '/sources', cookie, {
        payload: source,
        headers: { origin: 'null' },
      });
      expect(opaque.status).toBe(403);
      // Nothing was created by the refused requests.
      expect((await h.call('GET', '/sources')).json<{ data: unknown[] }>().data).toEqual([]);

      // Its own origin (inject's host is localhost:80) and the public base URL's are fine.
      const own = await client.withCookie('POST', '/sources', cookie, {
        payload: source,
        headers: { origin: 'http://localhost' },
      });
      expect(own.status).toBe(201);
      const id = own.json<{ id: string }>().id;
      const viaProxyAddress = await client.withCookie('PATCH', `/sources/${id}`, cookie, {
        payload: { name: 'Shop 2' },
        headers: { origin: 'https://ipn.example.com' },
      });
      expect(viaProxyAddress.status).toBe(200);
      expect(
        (await client.withCookie('DELETE', `/sources/${id}`, cookie, { csrf: false })).status,
      ).toBe(403);
      expect((await client.withCookie('DELETE', `/sources/${id}`, cookie)).status).toBe(204);
      // Reads need no header; Bearer requests need neither header nor origin.
      expect(
        (
          await client.withCookie('GET', '/connections', cookie, {
            csrf: false,
            headers: { origin: 'https://evil.example' },
          })
        ).status,
      ).toBe(200);
      const bearer = await h.app.inject({
        method: 'POST',
        url: '/api/v1/sources',
        headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, origin: 'https://evil.example' },
        payload: source,
      });
      expect(bearer.statusCode).toBe(201);
      await h.call('DELETE', `/sources/${bearer.json<{ id: string }>().id}`);
    });

    it('signs out: the session ends and the cookie is cleared', async () => {
      const cookie = cookieOf(await client.signIn(TEST_ADMIN_TOKEN));
      expect((await client.withCookie('DELETE', '/session', cookie, { csrf: false })).status).toBe(
        403,
      );
      const out = await client.withCookie('DELETE', '/session', cookie);
      expect(out.status).toBe(204);
      expect(String(out.headers['set-cookie'])).toMatch(CLEARED);
      const after = await client.withCookie('GET', '/sources', cookie, { csrf: false });
      expect(after.status).toBe(401);
      expect(after.json()).toEqual({
        error: {
          code: 'UNAUTHORIZED',
          message:
            'A valid Bearer token or sign-in session is required. The session has ended; sign in again.',
        },
      });
      expect(String(after.headers['set-cookie'])).toMatch(CLEARED);
      // Signing out without a session is harmless.
      expect((await client.request({ method: 'DELETE', url: '/api/v1/session' })).status).toBe(204);
    });

    it('replaces the session a browser held when it signs in again', async () => {
      const first = cookieOf(await client.signIn(TEST_ADMIN_TOKEN));
      const second = cookieOf(
        await client.signIn(TEST_ADMIN_TOKEN, { headers: { cookie: `ipnhub_session=${first}` } }),
      );
      expect(second).not.toBe(first);
      expect((await client.withCookie('GET', '/session', first, { csrf: false })).status).toBe(401);
      expect((await client.withCookie('GET', '/session', second, { csrf: false })).status).toBe(
        200,
      );
    });

    it('ends a session after 12 idle hours, moving the end on with use', async () => {
      const cookie = cookieOf(await client.signIn(TEST_ADMIN_TOKEN));
      clock.advance(11 * HOUR);
      const used = await client.withCookie('GET', '/session', cookie, { csrf: false });
      expect(used.json()).toEqual({
        authenticated: true,
        expiresAt: new Date(clock.now().getTime() + 12 * HOUR).toISOString(),
      });
      clock.advance(11 * HOUR);
      expect((await client.withCookie('GET', '/sources', cookie, { csrf: false })).status).toBe(
        200,
      );
      clock.advance(12 * HOUR);
      const expired = await client.withCookie('GET', '/sources', cookie, { csrf: false });
      expect(expired.status).toBe(401);
      const hash = createHash('sha256').update(cookie).digest('hex');
      expect(
        await h.db.selectFrom('admin_sessions').select('id').where('id', '=', hash).execute(),
      ).toEqual([]);
      // Sessions nobody came back for are removed at the next sign-in.
      const idleSince = new Date(clock.now().getTime() - 12 * HOUR).toISOString();
      expect(
        (
          await h.db
            .selectFrom('admin_sessions')
            .select('id')
            .where('last_seen_at', '<=', idleSince)
            .execute()
        ).length,
      ).toBeGreaterThan(0);
      await client.signIn(TEST_ADMIN_TOKEN);
      expect(
        await h.db
          .selectFrom('admin_sessions')
          .select('id')
          .where('last_seen_at', '<=', idleSince)
          .execute(),
      ).toEqual([]);
    });

    it('ends a session 7 days after sign-in however much it is used', async () => {
      const signedInAt = clock.now().getTime();
      const cookie = cookieOf(await client.signIn(TEST_ADMIN_TOKEN));
      for (let i = 0; i < 15; i++) {
        clock.advance(11 * HOUR);
        const res = await client.withCookie('GET', '/session', cookie, { csrf: false });
        expect(res.status).toBe(200);
        const end = Math.min(clock.now().getTime() + 12 * HOUR, signedInAt + 7 * 24 * HOUR);
        expect(res.json()).toEqual({ authenticated: true, expiresAt: new Date(end).toISOString() });
      }
      clock.set(new Date(signedInAt + 7 * 24 * HOUR));
      expect((await client.withCookie('GET', '/session', cookie, { csrf: false })).status).toBe(
        401,
      );
    });

    it('never logs the token or a session id', async () => {
      const cookie = cookieOf(await client.signIn(TEST_ADMIN_TOKEN));
      await client.signIn('wrong-token-0123456789');
      await client.withCookie('DELETE', '/session', cookie);
      await client.withCookie('GET', '/sources', cookie, { csrf: false });
      const text = JSON.stringify(logs.lines());
      expect(text).not.toContain(cookie);
      expect(text).not.toContain(TEST_ADMIN_TOKEN);
      expect(text).not.toContain('wrong-token-0123456789');
    });
  });

  describe(`sign-in behind a TLS proxy on ${dialect}`, () => {
    let h: AdminHarness;
    beforeAll(async () => {
      h = await startAdminHarness(dialect, { config: { trustProxy: true } });
    });
    afterAll(async () => h.close());

    it('marks the cookie Secure when the request came over https, and the forwarded origin counts as its own', async () => {
      const client = api(h);
      const res = await client.signIn(TEST_ADMIN_TOKEN, {
        headers: { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'hub.example.org' },
      });
      expect(res.status).toBe(204);
      expect(String(res.headers['set-cookie'])).toMatch(/; Secure$/);
      const cookie = cookieOf(res);
      const forwarded = { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'hub.example.org' };
      const created = await client.withCookie('POST', '/sources', cookie, {
        payload: { provider: 'digistore24', name: 'A', config: { passphrase: 'pass-0123456789' } },
        headers: { ...forwarded, origin: 'https://hub.example.org' },
      });
      expect(created.status).toBe(201);
      const out = await client.withCookie('DELETE', '/session', cookie, { headers: forwarded });
      expect(String(out.headers['set-cookie'])).toMatch(CLEARED);
      expect(String(out.headers['set-cookie'])).toMatch(/; Secure$/);
      // Plain http: no Secure flag.
      expect(String((await client.signIn(TEST_ADMIN_TOKEN)).headers['set-cookie'])).not.toContain(
        'Secure',
      );
    });
  });

  describe(`failed sign-ins on ${dialect}`, () => {
    const clock = new ManualClock('2026-05-01T12:00:00.000Z');
    let h: AdminHarness;
    beforeAll(async () => {
      h = await startAdminHarness(dialect, { clock, config: { adminAuthFailuresPerMinute: 3 } });
    });
    afterAll(async () => h.close());

    it('count against the same per-address limit as wrong Bearer tokens: 429 with Retry-After, even for the right token', async () => {
      const client = api(h);
      const from = (remoteAddress: string) => ({ remoteAddress });
      const held = cookieOf(await client.signIn(TEST_ADMIN_TOKEN, from('203.0.113.7')));
      expect((await client.signIn('guess-1', from('203.0.113.7'))).status).toBe(401);
      expect((await client.signIn('guess-2', from('203.0.113.7'))).status).toBe(401);
      // A wrong Bearer token counts against the same allowance.
      expect(
        (
          await h.app.inject({
            method: 'GET',
            url: '/api/v1/sources',
            remoteAddress: '203.0.113.7',
            headers: { authorization: 'Bearer guess-3' },
          })
        ).statusCode,
      ).toBe(401);
      clock.advance(15_000);
      const refused = await client.signIn(TEST_ADMIN_TOKEN, from('203.0.113.7'));
      expect(refused.status).toBe(429);
      expect(errorCode(refused)).toBe('RATE_LIMITED');
      expect(refused.headers['retry-after']).toBe('45');
      expect(refused.headers['set-cookie']).toBeUndefined();
      // A session opened before goes on working; another address is not affected.
      expect(
        (await client.withCookie('GET', '/sources', held, { csrf: false, headers: {} })).status,
      ).toBe(200);
      expect((await client.signIn(TEST_ADMIN_TOKEN, from('203.0.113.8'))).status).toBe(204);
      clock.advance(45_000);
      expect((await client.signIn(TEST_ADMIN_TOKEN, from('203.0.113.7'))).status).toBe(204);
    });

    it('does not count requests with a dead session cookie (every open tab after a rotation) or without a cookie', async () => {
      const client = api(h);
      for (let i = 0; i < 10; i++) {
        const res = await client.request({
          method: 'GET',
          url: '/api/v1/sources',
          remoteAddress: '203.0.113.20',
          headers: { cookie: 'ipnhub_session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' },
        });
        expect(res.status).toBe(401);
      }
      // Nor those the page sent after the answer cleared the cookie, nor the sign-in page's
      // question whether it is signed in: they carry no credential at all.
      for (let i = 0; i < 10; i++)
        expect(
          (
            await client.request({
              method: 'GET',
              url: '/api/v1/session',
              remoteAddress: '203.0.113.20',
            })
          ).status,
        ).toBe(401);
      expect(
        (await client.signIn(TEST_ADMIN_TOKEN, { remoteAddress: '203.0.113.20' })).status,
      ).toBe(204);
    });
  });

  describe(`token rotation ends every session on ${dialect}`, () => {
    let h: AdminHarness;
    let token: string;
    beforeEach(async () => {
      // No configured token: the stored one is used, as after a first start.
      h = await startAdminHarness(dialect, { config: { adminToken: undefined } });
      token = await rotateAdminToken({ db: h.db, adapter: h.runtime.dbHandle.adapter });
    });
    afterEach(async () => h.close());

    it('through the API: the new token is shown once, the caller must sign in again, the old token is dead', async () => {
      const client = api(h);
      const mine = cookieOf(await client.signIn(token));
      const other = cookieOf(await client.signIn(token));
      expect((await client.withCookie('POST', '/token/rotate', mine, { csrf: false })).status).toBe(
        403,
      );
      const rotated = await client.withCookie('POST', '/token/rotate', mine);
      expect(rotated.status).toBe(200);
      const fresh = rotated.json<{ token: string }>().token;
      expect(fresh).toMatch(/^iph_[A-Za-z0-9_-]{43}$/);
      expect(String(rotated.headers['set-cookie'])).toMatch(CLEARED);
      expect((await client.withCookie('GET', '/session', mine, { csrf: false })).status).toBe(401);
      expect((await client.withCookie('GET', '/session', other, { csrf: false })).status).toBe(401);
      expect(await h.db.selectFrom('admin_sessions').selectAll().execute()).toEqual([]);
      expect((await h.call('GET', '/sources', undefined, token)).status).toBe(401);
      expect((await h.call('GET', '/sources', undefined, fresh)).status).toBe(200);
      expect((await client.signIn(fresh)).status).toBe(204);
    });

    it('by another process on the same database (ipnhub token rotate), also one that left the session rows alone', async () => {
      const client = api(h);
      const first = cookieOf(await client.signIn(token));
      const other = openDb(dbTarget(h.runtime.config));
      try {
        const next = await rotateAdminToken(other);
        expect((await client.withCookie('GET', '/sources', first, { csrf: false })).status).toBe(
          401,
        );
        // A session opened with the new token, then the token changed without deleting rows:
        // the session is tied to the token it was opened with and ends all the same.
        const second = cookieOf(await client.signIn(next));
        expect((await client.withCookie('GET', '/sources', second, { csrf: false })).status).toBe(
          200,
        );
        await other.db
          .updateTable('settings')
          .set({ value: createHash('sha256').update('another-token-0123456789').digest('hex') })
          .where('key', '=', 'admin_token_sha256')
          .execute();
        expect((await client.withCookie('GET', '/sources', second, { csrf: false })).status).toBe(
          401,
        );
      } finally {
        await other.close();
      }
    });
  });

  describe(`token rotation with a configured token on ${dialect}`, () => {
    let h: AdminHarness;
    beforeAll(async () => {
      h = await startAdminHarness(dialect);
    });
    afterAll(async () => h.close());

    it('is refused with 409 ADMIN_TOKEN_CONFIGURED and ends nothing', async () => {
      const client = api(h);
      const cookie = cookieOf(await client.signIn(TEST_ADMIN_TOKEN));
      const res = await client.withCookie('POST', '/token/rotate', cookie);
      expect(res.status).toBe(409);
      expect(errorCode(res)).toBe('ADMIN_TOKEN_CONFIGURED');
      expect((await client.withCookie('GET', '/session', cookie, { csrf: false })).status).toBe(
        200,
      );
      expect((await h.call('GET', '/sources')).status).toBe(200);
    });
  });
}
