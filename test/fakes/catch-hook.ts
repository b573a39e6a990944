/**
 * A local fake of a Zapier "Catch Hook" or a Make custom webhook (docs/protocols/webhooks.md#zapier-and-make-presets):
 * a real node:http server on 127.0.0.1 that takes a POSTed JSON object as Zapier and Make
 * do, with no signature check and no authentication, and answers as they do: Zapier with
 * 200 and a JSON success message, Make with 200 `Accepted`. It refuses what those tools
 * cannot map as fields the way the presets promise: a body that is not a JSON object, or
 * one with nested objects or arrays. `waitForRequests(n)` waits for deliveries.
 */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createCondition } from '../helpers/condition.js';

export interface CaughtHook {
  headers: Record<string, string>;
  body: Record<string, unknown>;
}

export interface CatchHook {
  url: string;
  caught: CaughtHook[];
  waitForRequests(n: number): Promise<void>;
  close(): Promise<void>;
}

function flatObject(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    Object.values(value).every((field) => field === null || typeof field !== 'object')
  );
}

export async function startCatchHook(tool: 'zapier' | 'make'): Promise<CatchHook> {
  const caught: CaughtHook[] = [];
  const arrived = createCondition();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      let body: unknown;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
      } catch {
        body = undefined;
      }
      if (req.method !== 'POST' || !flatObject(body)) {
        res.writeHead(400, { 'content-type': 'text/plain' });
        res.end('expected a flat JSON object');
        return;
      }
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(req.headers))
        if (typeof value === 'string') headers[name] = value;
      caught.push({ headers, body });
      arrived.notify();
      if (tool === 'zapier') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            attempt: randomUUID(),
            id: randomUUID(),
            request_id: randomUUID(),
            status: 'success',
          }),
        );
      } else {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end('Accepted');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const path = tool === 'zapier' ? '/hooks/catch/123456/abcdef/' : '/abc123def456';
  return {
    url: `http://127.0.0.1:${port}${path}`,
    caught,
    waitForRequests: async (n) => {
      await arrived.until(() => caught.length >= n);
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
