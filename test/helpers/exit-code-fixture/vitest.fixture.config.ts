// The project's vitest set-up (its global setup) over one failing file: see exit-code.test.ts.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  root: fileURLToPath(new URL('../../../', import.meta.url)),
  test: {
    include: ['test/helpers/exit-code-fixture/fails.fixture.ts'],
    globalSetup: ['test/helpers/global-setup.ts'],
  },
});
