/**
 * The admin web UI (a Vite build of `web/`, in `dist/web`) served at `/` by the same Fastify
 * instance and port as the API: no second server, no CDN. Hashed files under `/assets/` are
 * cached for a year (their names change with their content); `index.html` and every other
 * answer stays `no-store` (see safe-headers.ts). A GET of a client-side route (a path outside
 * the server's own prefixes whose last segment has no dot) answers `index.html`, so reloading
 * `/sources/src_…` works; a missing asset stays a 404.
 *
 * Every answer of this plugin carries the page security headers: a Content-Security-Policy
 * that allows only this origin's scripts, styles and connections (no inline script, no eval,
 * no framing), no referrer, no MIME sniffing.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { IpnhubError } from '../core/errors.js';

export interface WebUiOptions {
  /** The directory holding the built UI (`index.html`, `assets/`). */
  root: string;
}

export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export const PAGE_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
};

/** Paths the server answers itself; the UI never claims them, not even for a 404. */
const SERVER_PREFIXES = ['/api', '/ipn', '/healthz', '/readyz', '/metrics'] as const;

const IMMUTABLE = 'public, max-age=31536000, immutable';
const TOP_LEVEL_FILE = /^\/[A-Za-z0-9_-][A-Za-z0-9_.-]*\.[A-Za-z0-9]+$/;

function pathOf(url: string): string {
  return url.split('?')[0] ?? '/';
}

/** A path the browser's router handles: outside the server's prefixes and not naming a file. */
export function isClientRoute(url: string): boolean {
  const path = pathOf(url);
  if (SERVER_PREFIXES.some((prefix) => path === prefix || path.startsWith(`${prefix}/`)))
    return false;
  if (path.startsWith('/assets/')) return false;
  const last = path.slice(path.lastIndexOf('/') + 1);
  return !last.includes('.');
}

export async function webUi(app: FastifyInstance, options: WebUiOptions): Promise<void> {
  const built = existsSync(join(options.root, 'index.html'));
  app.addHook('onRequest', async (_req, reply) => {
    reply.headers(PAGE_SECURITY_HEADERS);
  });

  if (built) {
    // Read per request, so a rebuild takes effect without a restart (index.html names the new files).
    await app.register(fastifyStatic, {
      root: join(options.root, 'assets'),
      prefix: '/assets/',
      wildcard: true,
      index: false,
      cacheControl: false,
      preCompressed: true,
    });
    app.addHook('onSend', async (req, reply, payload) => {
      if (reply.statusCode === 200 && pathOf(req.url).startsWith('/assets/'))
        reply.header('Cache-Control', IMMUTABLE);
      return payload;
    });
  }

  const page = async (req: FastifyRequest, reply: FastifyReply): Promise<unknown> => {
    const path = pathOf(req.url);
    // A file beside index.html (favicon.svg); never a dot-file, never a sub-directory.
    if (built && TOP_LEVEL_FILE.test(path)) return reply.sendFile(path.slice(1), options.root);
    if (!isClientRoute(req.url)) return reply.callNotFound();
    if (!built)
      throw new IpnhubError(
        'UI_NOT_BUILT',
        `No ${join(options.root, 'index.html')}: run \`npm run build\`.`,
      );
    return reply.sendFile('index.html', options.root);
  };
  app.get('/', page);
  app.get('/*', page);
}
