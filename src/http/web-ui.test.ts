import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enabledDialects } from '../../test/helpers/test-db.js';
import { createTestRuntime } from '../../test/helpers/test-runtime.js';
import type { TestRuntime } from '../../test/helpers/test-runtime.js';
import { CONTENT_SECURITY_POLICY, isClientRoute } from './web-ui.js';

const INDEX =
  '<!doctype html><html><head><script type="module" src="/assets/index-AbC123.js"></script></head><body><div id="root"></div></body></html>';
const SCRIPT = 'console.log("ui");';

/** A build output like Vite's: index.html, a hashed script with its brotli copy, a favicon. */
function fakeBuild(): string {
  const root = mkdtempSync(join(tmpdir(), 'ipnhub-web-'));
  mkdirSync(join(root, 'assets'));
  writeFileSync(join(root, 'index.html'), INDEX);
  writeFileSync(join(root, 'assets', 'index-AbC123.js'), SCRIPT);
  writeFileSync(join(root, 'assets', 'index-AbC123.js.br'), brotliCompressSync(SCRIPT));
  writeFileSync(join(root, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  return root;
}

interface Served {
  root: string;
  app: FastifyInstance;
}

/** An app serving the UI directory `makeRoot()` gives, for the tests of one `describe`. */
function serving(makeRoot: () => string): Served {
  const served = {} as Served;
  let runtime: TestRuntime;
  beforeAll(async () => {
    served.root = makeRoot();
    runtime = await createTestRuntime(enabledDialects()[0] ?? 'sqlite', { webRoot: served.root });
    served.app = await runtime.buildApp();
    await served.app.ready();
  });
  afterAll(async () => {
    await served.app.close();
    await runtime.dispose();
    rmSync(served.root, { recursive: true, force: true });
  });
  return served;
}

describe('isClientRoute', () => {
  it('claims page paths and leaves the server its own and files', () => {
    expect(
      ['/', '/sources', '/sources/src_01ABC/edit', '/connections?x=1'].map(isClientRoute),
    ).toEqual([true, true, true, true]);
    expect(
      [
        '/api',
        '/api/v1/nope',
        '/ipn/src_1',
        '/healthz',
        '/readyz',
        '/metrics',
        '/assets/x',
        '/favicon.ico',
        '/a/b.txt',
      ].map(isClientRoute),
    ).toEqual(new Array(9).fill(false));
    expect(isClientRoute('/apis')).toBe(true);
  });
});

describe('web UI served at /', () => {
  const served = serving(fakeBuild);

  it('answers / with index.html, the page security headers and no-store', async () => {
    const res = await served.app.inject({ method: 'GET', url: '/' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.body).toBe(INDEX);
    expect(res.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
    expect(CONTENT_SECURITY_POLICY).toContain("frame-ancestors 'none'");
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self';");
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-(inline|eval)/);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('answers a client-side route (reload of a deep link) with index.html', async () => {
    for (const url of [
      '/sources',
      '/sources/src_01JABCDEF/edit',
      '/notifications?verdict=rejected',
    ]) {
      const res = await served.app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(200);
      expect(res.body).toBe(INDEX);
      expect(res.headers['cache-control']).toBe('no-store');
    }
    const head = await served.app.inject({ method: 'HEAD', url: '/overview' });
    expect(head.statusCode).toBe(200);
  });

  it('serves hashed assets for a year, compressed when the client takes it', async () => {
    const plain = await served.app.inject({ method: 'GET', url: '/assets/index-AbC123.js' });
    expect(plain.statusCode).toBe(200);
    expect(plain.body).toBe(SCRIPT);
    expect(plain.headers['content-type']).toMatch(/javascript/);
    expect(plain.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(plain.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
    const br = await served.app.inject({
      method: 'GET',
      url: '/assets/index-AbC123.js',
      headers: { 'accept-encoding': 'br' },
    });
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers['content-type']).toMatch(/javascript/);
  });

  it('serves what a rebuild wrote after the start, without a restart', async () => {
    writeFileSync(join(served.root, 'assets', 'index-New456.js'), SCRIPT);
    const res = await served.app.inject({ method: 'GET', url: '/assets/index-New456.js' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe(SCRIPT);
  });

  it('serves nothing outside the build', async () => {
    for (const url of [
      '/assets/../../package.json',
      '/assets/%2e%2e/%2e%2e/package.json',
      '/.env',
      '/assets/.hidden',
    ]) {
      const res = await served.app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBeGreaterThanOrEqual(400);
      expect(res.body, url).not.toContain('"name"');
    }
  });

  it('keeps other files of the build out of the long cache', async () => {
    const res = await served.app.inject({ method: 'GET', url: '/favicon.svg' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('answers a missing asset, unknown API routes and other methods with a JSON 404, never the page', async () => {
    for (const [method, url] of [
      ['GET', '/assets/index-Gone99.js'],
      ['GET', '/favicon.ico'],
      ['GET', '/api/v1/nope'],
      ['GET', '/ipn/src_01JABCDEF'],
      ['POST', '/sources'],
    ] as const) {
      const res = await served.app.inject({ method, url });
      expect(res.statusCode, `${method} ${url}`).toBe(404);
      expect(res.json<{ error: { code: string } }>().error.code).toBe('ROUTE_NOT_FOUND');
      expect(res.headers['cache-control']).toBe('no-store');
    }
  });

  it('leaves the API, health and metrics routes as they were', async () => {
    expect((await served.app.inject({ method: 'GET', url: '/healthz' })).json()).toEqual({
      status: 'ok',
    });
    const api = await served.app.inject({ method: 'GET', url: '/api/v1/sources' });
    expect(api.statusCode).toBe(401);
    expect(
      (await served.app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).statusCode,
    ).toBe(200);
  });
});

describe('web UI not built', () => {
  const served = serving(() => mkdtempSync(join(tmpdir(), 'ipnhub-web-empty-')));

  it('answers pages with UI_NOT_BUILT naming the path, and everything else as before', async () => {
    const res = await served.app.inject({ method: 'GET', url: '/sources' });
    expect(res.statusCode).toBe(503);
    const body = res.json<{ error: { code: string; message: string } }>();
    expect(body.error.code).toBe('UI_NOT_BUILT');
    expect(body.error.message).toContain(join(served.root, 'index.html'));
    expect(body.error.message).toContain('npm run build');
    expect(
      (await served.app.inject({ method: 'GET', url: '/api/v1/nope' })).json<{
        error: { code: string };
      }>().error.code,
    ).toBe('ROUTE_NOT_FOUND');
  });
});
