/**
 * Starts a worker thread that runs one of ipnhub's own modules. When ipnhub runs from source
 * (tests, `npm run bench -- --tsx`) the module is TypeScript and the thread loads it through
 * tsx; when it runs compiled, the `.js` beside the caller is loaded as it is.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ResourceLimits } from 'node:worker_threads';

// Runs as the thread's first script: registers tsx when asked, then imports the module.
const BOOT = `
const { workerData } = require('node:worker_threads');
(async () => {
  if (workerData.tsx) (await import(workerData.tsx)).register();
  await import(workerData.entry);
})().catch((err) => setImmediate(() => { throw err; }));
`;

/** tsx's ESM register API (its CommonJS build cannot register hooks from a thread). */
function tsxApiUrl(): string {
  const packageJson = createRequire(import.meta.url).resolve('tsx/package.json');
  return pathToFileURL(join(dirname(packageJson), 'dist/esm/api/index.mjs')).href;
}

/**
 * A thread running `<name>.ts` or `<name>.js` from the folder of `callerUrl` (the caller's
 * `import.meta.url`, whose extension says which); the fields of `data` are the thread's
 * `workerData` (beside `entry` and `tsx`, which the boot script uses).
 */
export function startModuleThread(
  callerUrl: string,
  name: string,
  options: { resourceLimits: ResourceLimits; data: Record<string, unknown> },
): Worker {
  const fromSource = callerUrl.endsWith('.ts');
  // Built from a path rather than `new URL('./…', import.meta.url)`, which bundlers (and
  // vitest's DOM environment, where the web UI's tests run a server) rewrite to a web address.
  const entry = pathToFileURL(
    join(dirname(fileURLToPath(callerUrl)), `${name}.${fromSource ? 'ts' : 'js'}`),
  ).href;
  return new Worker(BOOT, {
    eval: true,
    resourceLimits: options.resourceLimits,
    workerData: { ...options.data, entry, tsx: fromSource ? tsxApiUrl() : null },
  });
}
