/**
 * The delivery target of the benchmarks: a plain node:http server that reads each request and
 * answers 204, counting them.
 */
import { createServer } from 'node:http';
import type { Server } from 'node:http';

export interface Sink {
  url: string;
  requests(): number;
  close(): Promise<void>;
}

/** Starts a target on 127.0.0.1 (a free port). */
export async function startSink(): Promise<Sink> {
  let count = 0;
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      count++;
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string')
    throw new Error('the sink has no TCP address');
  return {
    url: `http://127.0.0.1:${address.port}`,
    requests: () => count,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
