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
  fetch: typeof globalThis.fetch;
  close(): Promise<void>;
}

/**
 * Ingest writes stay on the main thread here: the SQLite writer thread (ledger/threaded-ingest-
 * store.ts) finds its entry file from `import.meta.url`, which in vitest's jsdom environment is
 * relative to the project root (`/src/ledger/…`), so the thread would not start and every
 * notification would fail with INGEST_FAILED. Server tests in the node environment cover the
 * thread.
 */
export async function startTestServer(options: TestRuntimeOptions = {}): Promise<TestServer> {
  const runtime = await createTestRuntime('sqlite', { ...options, config: { ingestWriterThread: false, ...options.config } });
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
    fetch: authorized,
    async close() {
      await app.close();
      await runtime.dispose();
    },
  };
}
