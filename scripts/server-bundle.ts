/**
 * The server's build: every module the `ipnhub` command runs, bundled by esbuild into one flat
 * folder (`dist/server/`) of entry files and shared chunks, whitespace and syntax minified. One
 * bundle is far fewer and smaller modules than tsc's file-per-module output, and V8 keeps every
 * loaded module's source text and records: a server at rest holds ~30 MB less
 * (docs/benchmarks.md, "One bundled server, shipped").
 *
 * The folder is flat because threads are started from a file beside the module that starts them
 * (src/lib/module-thread.ts): each thread's entry is an entry point of its own, named as in
 * `src/`. Packages that find their own files at run time (fonts, worker scripts) or are native
 * stay outside the bundle and load from `node_modules` as they are.
 */
import { build } from 'esbuild';
import type { BuildOptions } from 'esbuild';

/** Entry points beside the CLI: the modules threads and child processes load by file name. */
export const THREAD_ENTRIES = {
  'ingest-writer-thread': 'src/ingest/ingest-writer-thread.ts',
  'checkpoint-thread': 'src/db/checkpoint-thread.ts',
  'render-thread-entry': 'src/invoicing/render-thread-entry.ts',
} as const;

/**
 * Loaded from `node_modules`, not bundled: native drivers (better-sqlite3, pg's optional
 * pg-native); packages that read their own files or start workers from paths beside their
 * sources (pdfkit's fonts under @react-pdf, the e-invoice schemas, pino's transport worker,
 * nodemailer, loaded on first use); and React with the PDF renderer, which must share one copy.
 */
export const EXTERNAL_PACKAGES = [
  'better-sqlite3',
  'pg',
  'pg-native',
  'pino',
  'pino-pretty',
  'nodemailer',
  'react',
  'react/*',
  '@react-pdf/*',
  '@cantoo/pdf-lib',
  '@e-invoice-eu/core',
  '@embedpdf/*',
] as const;

// Bundled CommonJS packages call `require` (for node's own modules and the external packages
// above); an ES module has none, so each output file gets one made for its own location.
const REQUIRE_BANNER =
  "import { createRequire as __ipnhubCreateRequire } from 'node:module'; const require = __ipnhubCreateRequire(import.meta.url);";

/**
 * Bundles `entries` (output name → source path, relative to `repoRoot`) into `outDir`, with the
 * thread entries beside them. Answers the output files' paths.
 */
export async function bundleServer(
  repoRoot: string,
  entries: Record<string, string>,
  outDir: string,
): Promise<string[]> {
  const options: BuildOptions = {
    absWorkingDir: repoRoot,
    entryPoints: { ...entries, ...THREAD_ENTRIES },
    outdir: outDir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    chunkNames: 'chunk-[hash]',
    external: [...EXTERNAL_PACKAGES],
    banner: { js: REQUIRE_BANNER },
    // Identifiers are not minified, so stack traces name the functions (a name two modules
    // share gets a digit: `attempt2`); `node --enable-source-maps` maps positions back to src/
    // (docs/deployment.md, "Stack traces"). Not `keepNames`: it redefines the name of every
    // function as it is created, closures too, which cost ~2 % of the delivery phase's main
    // thread in a profile (docs/benchmarks.md, "One bundled server, shipped").
    minifyWhitespace: true,
    minifySyntax: true,
    sourcemap: 'linked',
    legalComments: 'linked',
    metafile: true,
    logLevel: 'warning',
  };
  const result = await build(options);
  return Object.keys(result.metafile?.outputs ?? {});
}
