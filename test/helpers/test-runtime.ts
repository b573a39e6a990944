/**
 * A complete ipnhub runtime for tests, on a fresh database of the given dialect, with a temp
 * data directory, a fixed admin token, the loopback address allow-listed for outbound calls
 * (the fakes listen there), and optionally a manual clock and zero jitter so retry timing is
 * exact.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Config } from '../../src/config/config.js';
import { loadConfig } from '../../src/config/config.js';
import type { DbTarget } from '../../src/db/connect.js';
import type { DocumentRenderer } from '../../src/invoicing/document-jobs.js';
import type { Clock } from '../../src/lib/clock.js';
import { silentLogger } from '../../src/lib/logger.js';
import type { Logger } from '../../src/lib/logger.js';
import { createRuntime } from '../../src/runtime.js';
import type { Runtime } from '../../src/runtime.js';
import { createTestTarget } from './test-db.js';
import type { DialectName } from './test-db.js';

export const TEST_ADMIN_TOKEN = 'test-admin-token-0123456789';

export interface TestRuntime extends Runtime {
  dataDir: string;
  target: DbTarget;
  dispose(): Promise<void>;
}

export interface TestRuntimeOptions {
  clock?: Clock;
  logger?: Logger;
  config?: Partial<Record<keyof Config, unknown>>;
  /** The built web UI to serve at `/` (default: the package's `dist/web`). */
  webRoot?: string;
  /** Renders documents' PDFs (default: the runtime's). */
  renderDocument?: DocumentRenderer;
  /**
   * Another runtime's database and data directory, for a second process on the same data
   * (two workers, a restart); `dispose` then leaves both to their owner.
   */
  sharing?: TestRuntime;
}

export async function createTestRuntime(
  dialect: DialectName,
  options: TestRuntimeOptions = {},
): Promise<TestRuntime> {
  const shared = options.sharing;
  const dataDir = shared?.dataDir ?? mkdtempSync(join(tmpdir(), 'ipnhub-data-'));
  const { target, drop } = shared
    ? { target: shared.target, drop: async () => undefined }
    : await createTestTarget(dialect);
  const config = loadConfig(
    {},
    {
      dataDir,
      databaseUrl: target.kind === 'postgres' ? target.url : undefined,
      masterKey: target.kind === 'postgres' ? Buffer.alloc(32, 7).toString('base64') : undefined,
      adminToken: TEST_ADMIN_TOKEN,
      logLevel: 'silent',
      outboundAllowList: ['127.0.0.1', '::1', 'localhost'],
      outboundTimeoutMs: 2000,
      inboundRateLimitPerMinute: 0,
      retryJitter: 0,
      workerPollMs: 50,
      errorMailThrottleMinutes: 60,
      ...options.config,
    },
  );
  const runtime = await createRuntime(config, {
    clock: options.clock,
    logger: options.logger ?? silentLogger(),
    random: () => 0.5,
    webRoot: options.webRoot,
    checkResponses: true,
    renderDocument: options.renderDocument,
  });
  return Object.assign(runtime, {
    dataDir,
    target,
    async dispose() {
      await runtime.close();
      await drop();
      if (!shared) rmSync(dataDir, { recursive: true, force: true });
    },
  });
}
