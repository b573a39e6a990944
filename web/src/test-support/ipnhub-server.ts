/**
 * A real ipnhub (SQLite, test settings) listening on a free port, for UI tests that talk to the
 * server over HTTP. Its `fetch` adds the admin Bearer token to every request: it stands in for
 * the browser's session cookie, which the pages never see.
 */
import type { FastifyInstance } from 'fastify';
import { createTestRuntime, TEST_ADMIN_TOKEN } from '../../../test/helpers/test-runtime.js';
import type { TestRuntime, TestRuntimeOptions } from '../../../test/helpers/test-runtime.js';

export interface TestServer {
  runtime: TestRuntime;
  /** `http://127.0.0.1:<port>/api/v1` */
  baseUrl: string;
  /** `http://127.0.0.1:<port>`: where providers post (`/ipn/<sourceId>`). */
  origin: string;
  fetch: typeof globalThis.fetch;
  close(): Promise<void>;
}

/** `options` as for the test runtime (a manual clock, settings such as the retry schedule). */
export async function startTestServer(options: TestRuntimeOptions = {}): Promise<TestServer> {
  // Notifications are written on the main thread: in jsdom, Vite transforms modules for the
  // browser and rewrites `new URL('./ingest-writer-thread.ts', import.meta.url)` to a path from
  // the project root, which a Node worker thread cannot load. The threaded writer has its own
  // tests in Node (src/ingest/).
  const runtime = await createTestRuntime('sqlite', {
    ...options,
    config: { ingestWriterThread: false, ...options.config },
  });
  const app: FastifyInstance = await runtime.buildApp();
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  const authorized: typeof globalThis.fetch = (input, init) => {
    const request = new Request(input, init);
    request.headers.set('authorization', `Bearer ${TEST_ADMIN_TOKEN}`);
    return globalThis.fetch(request);
  };
  return {
    runtime,
    baseUrl: `${address}/api/v1`,
    origin: address,
    fetch: authorized,
    async close() {
      await app.close();
      await runtime.dispose();
    },
  };
}
