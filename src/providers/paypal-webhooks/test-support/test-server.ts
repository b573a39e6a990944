/**
 * A real HTTP server on 127.0.0.1 for tests: serves fixed bodies by path (certificates),
 * optionally mounts a {@link FakeRoute} (the fake PayPal APIs), counts requests per path and
 * can be told to drop connections, to simulate an unreachable certificate host.
 */
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FakeRoute } from '../../../dev/fake-paypal/fake-route.js';

export interface TestServer {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  /** Serve `body` with status 200 at `path`. */
  serve(path: string, body: string): void;
  /** Requests seen per path (all methods). */
  hits(path: string): number;
  /** While true, every connection is destroyed before an answer. */
  dropConnections: boolean;
  close(): Promise<void>;
}

export async function startTestServer(route?: FakeRoute): Promise<TestServer> {
  const bodies = new Map<string, string>();
  const counts = new Map<string, number>();
  let server: Server | undefined;
  const state: TestServer = {
    origin: '',
    serve: (path, body) => void bodies.set(path, body),
    hits: (path) => counts.get(path) ?? 0,
    dropConnections: false,
    close: async () => {
      server?.closeAllConnections();
      await new Promise<void>((resolve) => server?.close(() => resolve()));
    },
  };
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    counts.set(url.pathname, (counts.get(url.pathname) ?? 0) + 1);
    if (state.dropConnections) {
      req.socket.destroy();
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const fixed = bodies.get(url.pathname);
      if (fixed !== undefined) {
        res.writeHead(200, { 'content-type': 'text/plain' }).end(fixed);
        return;
      }
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(req.headers))
        if (typeof value === 'string') headers[name] = value;
      const answer = route
        ? route({
            method: req.method ?? 'GET',
            path: url.pathname,
            query: url.search.slice(1),
            headers,
            body: Buffer.concat(chunks),
          })
        : Promise.resolve(null);
      answer.then(
        (response) => {
          if (response === null)
            res
              .writeHead(404, { 'content-type': 'application/json' })
              .end('{"name":"RESOURCE_NOT_FOUND"}');
          else res.writeHead(response.status, response.headers ?? {}).end(response.body);
        },
        () => res.writeHead(500).end(),
      );
    });
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  state.origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return state;
}
