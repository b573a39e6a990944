/**
 * Whether `dist/server/` (the bundle `npm run build` makes, scripts/server-bundle.ts) holds the
 * sources as they are now, for code that runs from source (tests, `npm run bench -- --tsx`):
 * the bundle counts as current when its CLI entry is newer than every file under `src/` that is
 * not a test. A source edited after the build makes it stale until the next build.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from './package-root.js';

/** The bundle's folder: the CLI entry (`main.js`) and each thread's entry, named as in `src/`. */
export const BUILT_SERVER_DIR = join(PACKAGE_ROOT, 'dist', 'server');

export type BuiltServerState = 'missing' | 'stale' | 'current';

/** The newest modification time of the files under `dir` that are not tests, in ms. */
function newestSourceMs(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSourceMs(path));
    else if (!/\.test\.tsx?$/.test(entry.name)) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

/**
 * Whether the bundle is there and newer than every source file of the checkout at `root` (this
 * one unless given), looked up on each call.
 */
export function builtServerState(root: string = PACKAGE_ROOT): BuiltServerState {
  const entry = join(root, 'dist', 'server', 'main.js');
  if (!existsSync(entry)) return 'missing';
  return statSync(entry).mtimeMs < newestSourceMs(join(root, 'src')) ? 'stale' : 'current';
}
