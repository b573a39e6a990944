/**
 * Vite plugins of the web UI's build: the initial-JavaScript budget (the build fails above it)
 * and compressed copies of the text assets, which the server sends to clients that accept
 * them (`preCompressed` in src/http/web-ui.ts).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import type { Plugin } from 'vite';
import { measureInitialJs } from './initial-js.js';
import type { BuiltChunk } from './initial-js.js';

export function initialJsBudget(
  limitBytes: number,
  report: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
): Plugin {
  return {
    name: 'ipnhub-initial-js-budget',
    apply: 'build',
    generateBundle(_options, bundle) {
      const chunks: BuiltChunk[] = [];
      for (const output of Object.values(bundle)) {
        if (output.type === 'chunk')
          chunks.push({
            fileName: output.fileName,
            code: output.code,
            isEntry: output.isEntry,
            imports: output.imports,
            facadeModuleId: output.facadeModuleId,
          });
      }
      const initial = measureInitialJs(chunks);
      const kib = (bytes: number): string => (bytes / 1024).toFixed(1);
      report(
        `initial JavaScript: ${kib(initial.gzipBytes)} KiB gzipped (budget ${kib(limitBytes)} KiB): ${initial.files.join(', ')}`,
      );
      if (initial.gzipBytes > limitBytes) {
        this.error(
          `The initial JavaScript is ${kib(initial.gzipBytes)} KiB gzipped, over the budget of ${kib(limitBytes)} KiB. Load the page or library that grew it lazily (import()).`,
        );
      }
    },
  };
}

const COMPRESSIBLE = /\.(js|css|html|svg|json)$/;

export function precompress(): Plugin {
  return {
    name: 'ipnhub-precompress',
    apply: 'build',
    writeBundle(options, bundle) {
      const dir = options.dir ?? '';
      for (const fileName of Object.keys(bundle)) {
        if (!COMPRESSIBLE.test(fileName)) continue;
        const path = join(dir, fileName);
        const content = readFileSync(path);
        if (content.length < 1024) continue;
        writeFileSync(`${path}.br`, brotliCompressSync(content));
        writeFileSync(`${path}.gz`, gzipSync(content, { level: 9 }));
      }
    },
  };
}
