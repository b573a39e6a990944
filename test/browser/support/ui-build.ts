/**
 * The web UI built from the current sources, as `npm run build` builds it: the browser tests
 * drive what the working tree holds, never an older `dist/web`. A build is kept under
 * `node_modules/.cache/ipnhub-ui/<digest>/`, the digest taken over everything a build reads
 * (web/, src/ — the UI imports a few of its modules — and package-lock.json), so the test files
 * of one run, and later runs without changes, share one build. Two files that find no build
 * at the same moment both make one; the first to finish keeps its directory, the other's is
 * dropped.
 */
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const VITE_CONFIG = join(ROOT, 'web', 'vite.config.ts');
const CACHE = join(ROOT, 'node_modules', '.cache', 'ipnhub-ui');

/** Every file under `dir`, sorted, skipping dependencies and build output. */
function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'dist') continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...filesUnder(path));
    else if (entry.isFile()) out.push(path);
  }
  return out.sort();
}

function sourceDigest(): string {
  const hash = createHash('sha256');
  for (const file of [
    ...filesUnder(join(ROOT, 'web')),
    ...filesUnder(join(ROOT, 'src')),
    join(ROOT, 'package-lock.json'),
  ]) {
    hash.update(file.slice(ROOT.length)).update('\0').update(readFileSync(file)).update('\0');
  }
  return hash.digest('hex').slice(0, 16);
}

/** The directory to serve at `/` (its index.html and assets/), built if this digest has none yet. */
export async function builtUi(): Promise<string> {
  const digest = sourceDigest();
  const dir = join(CACHE, digest);
  if (existsSync(join(dir, 'index.html'))) return dir;
  mkdirSync(CACHE, { recursive: true });
  const building = join(CACHE, `${digest}.building-${randomUUID()}`);
  try {
    await build({
      configFile: VITE_CONFIG,
      logLevel: 'warn',
      build: { outDir: building, emptyOutDir: true },
    });
    renameSync(building, dir);
  } catch (err) {
    rmSync(building, { recursive: true, force: true });
    // Another test file finished the same build first: use it.
    if (existsSync(join(dir, 'index.html'))) return dir;
    throw err;
  }
  // Builds of older sources are of no use any more.
  for (const name of readdirSync(CACHE))
    if (name !== digest && !name.includes('.building-'))
      rmSync(join(CACHE, name), { recursive: true, force: true });
  return dir;
}
