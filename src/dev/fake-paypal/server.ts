/**
 * Serves fake PayPal routes on a real HTTP server: the IPN verification endpoint, webhook
 * certificates, OAuth and verify-webhook-signature. Used by the tests and by
 * `ipnhub dev fake-paypal`. The first route that answers wins; unrouted requests get 404.
 */
import { createServer } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FakeRoute } from './fake-route.js';

export interface FakeRouteServer {
  /** Base URL without a trailing slash, e.g. `http://127.0.0.1:40123`. */
  url: string;
  close(): Promise<void>;
}

function flatten(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers))
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : value;
  return out;
}

export async function serveFakeRoutes(
  routes: readonly FakeRoute[],
  options: { port?: number; host?: string } = {},
): Promise<FakeRouteServer> {
  const server = createServer((req, res) => {
    // A client that gave up (timeout tests) closes the socket before the answer; that is expected.
    res.on('error', () => undefined);
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const [path = '/', query = ''] = (req.url ?? '/').split('?');
      const fakeRequest = {
        method: req.method ?? 'GET',
        path,
        query,
        headers: flatten(req.headers),
        body: Buffer.concat(chunks),
      };
      void (async () => {
        for (const route of routes) {
          const answer = await route(fakeRequest);
          if (answer) return answer;
        }
        return { status: 404, headers: { 'content-type': 'text/plain' }, body: 'Not Found' };
      })().then(
        (response) => {
          if (res.destroyed) return;
          res.writeHead(response.status, response.headers);
          res.end(response.body);
        },
        (err: unknown) => {
          res.writeHead(500, { 'content-type': 'text/plain' });
          res.end(String(err));
        },
      );
    });
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** One route on its own server (tests of a single fake API). */
export function serveFakeRoute(route: FakeRoute): Promise<FakeRouteServer> {
  return serveFakeRoutes([route]);
}
