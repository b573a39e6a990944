/**
 * `npm run screenshots`: takes the screenshots of the main pages in German and Hebrew into
 * docs/screenshots/ by running the browser test that makes them (test/browser/screenshots.test.ts)
 * with IPNHUB_SCREENSHOTS_DIR set, on SQLite only. Needs Chromium like the browser tests.
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const vitest = createRequire(import.meta.url).resolve('vitest/vitest.mjs');
const result = spawnSync(process.execPath, [vitest, 'run', 'test/browser/screenshots.test.ts'], {
  cwd: ROOT,
  stdio: 'inherit',
  env: {
    ...process.env,
    IPNHUB_SCREENSHOTS_DIR: fileURLToPath(new URL('../docs/screenshots', import.meta.url)),
    IPNHUB_TEST_DIALECTS: 'sqlite',
  },
});
process.exit(result.status ?? 1);
