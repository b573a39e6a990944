/**
 * The web UI built from the current sources, as `npm run build` builds it, into a temporary
 * directory: the browser tests drive what the working tree holds, never an older `dist/web`.
 * A build takes a few seconds.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const VITE_CONFIG = fileURLToPath(new URL('../../../web/vite.config.ts', import.meta.url));

export interface UiBuild {
  /** The directory to serve at `/` (its index.html and assets/). */
  dir: string;
  remove(): void;
}

export async function buildUi(): Promise<UiBuild> {
  const dir = mkdtempSync(join(tmpdir(), 'ipnhub-ui-'));
  try {
    await build({ configFile: VITE_CONFIG, logLevel: 'warn', build: { outDir: dir, emptyOutDir: true } });
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
