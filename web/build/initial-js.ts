/**
 * The JavaScript a browser must load before the first page shows: the entry chunk, every chunk
 * it imports statically (transitively), and the largest message catalogue (one language is
 * always loaded before the first render). Measured gzipped, as it travels. Used by the build
 * (vite.config.ts fails above the budget) and by the build test.
 */
import { gzipSync } from 'node:zlib';

/** The initial JavaScript may weigh this much, gzipped. */
export const INITIAL_JS_BUDGET_BYTES = 200 * 1024;

export interface BuiltChunk {
  fileName: string;
  code: string;
  isEntry: boolean;
  imports: readonly string[];
  /** The module a chunk stands for (a message catalogue's JSON file). */
  facadeModuleId: string | null;
}

export interface InitialJs {
  files: string[];
  gzipBytes: number;
}

const CATALOGUE = /[\\/]i18n[\\/]locales[\\/][a-z]{2}\.json$/;

function gzipSize(code: string): number {
  return gzipSync(code, { level: 9 }).length;
}

export function measureInitialJs(chunks: readonly BuiltChunk[]): InitialJs {
  const byName = new Map(chunks.map((chunk) => [chunk.fileName, chunk]));
  const files = new Set<string>();
  const visit = (name: string): void => {
    if (files.has(name)) return;
    files.add(name);
    for (const imported of byName.get(name)?.imports ?? []) visit(imported);
  };
  for (const chunk of chunks) if (chunk.isEntry) visit(chunk.fileName);
  let gzipBytes = [...files].reduce((sum, name) => sum + gzipSize(byName.get(name)?.code ?? ''), 0);
  const catalogues = chunks.filter(
    (chunk) => chunk.facadeModuleId !== null && CATALOGUE.test(chunk.facadeModuleId),
  );
  const largest = catalogues
    .map((chunk) => ({ name: chunk.fileName, bytes: gzipSize(chunk.code) }))
    .sort((a, b) => b.bytes - a.bytes)[0];
  if (largest) {
    files.add(largest.name);
    gzipBytes += largest.bytes;
  }
  return { files: [...files].sort(), gzipBytes };
}
