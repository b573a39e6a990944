/**
 * Starts a worker thread that runs one of ipnhub's own modules. When ipnhub runs compiled, the
 * `.js` beside the caller is loaded as it is. When it runs from source (tests, `npm run bench --
 * --tsx`) the thread loads the module's entry from `dist/server/` if that bundle holds the
 * sources as they are (lib/built-server.ts; `npm test` builds it first), and otherwise the
 * TypeScript through tsx: the same code either way, but tsx takes ~1 s per thread to load a
 * thread's modules through its hooks and the bundle ~0.1 s, and tests start many threads.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ResourceLimits } from 'node:worker_threads';
import { BUILT_SERVER_DIR, builtServerState } from './built-server.js';

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

/** Whether the bundle is current, asked once per process (the sources do not change under a run). */
let bundleCurrent: boolean | undefined;

/** The bundle's entry of the thread module `name`, when the bundle is current and has it. */
function builtEntry(name: string): string | null {
  bundleCurrent ??= builtServerState() === 'current';
  const file = join(BUILT_SERVER_DIR, `${name}.js`);
  return bundleCurrent && existsSync(file) ? pathToFileURL(file).href : null;
}

/**
 * A thread running `<name>.ts` or `<name>.js` from the folder of `callerUrl` (the caller's
 * `import.meta.url`, whose extension says which; from source, the bundle's `<name>.js` when it is
 * current); the fields of `data` are the thread's `workerData` (beside `entry` and `tsx`, which
 * the boot script uses).
 */
export function startModuleThread(
  callerUrl: string,
  name: string,
  options: { resourceLimits: ResourceLimits; data: Record<string, unknown> },
): Worker {
  const fromSource = callerUrl.endsWith('.ts');
  const built = fromSource ? builtEntry(name) : null;
  // Built from a path rather than `new URL('./…', import.meta.url)`, which bundlers (and
  // vitest's DOM environment, where the web UI's tests run a server) rewrite to a web address.
  const entry =
    built ??
    pathToFileURL(join(dirname(fileURLToPath(callerUrl)), `${name}.${fromSource ? 'ts' : 'js'}`))
      .href;
  return new Worker(BOOT, {
    eval: true,
    resourceLimits: options.resourceLimits,
    workerData: { ...options.data, entry, tsx: fromSource && built === null ? tsxApiUrl() : null },
  });
}
