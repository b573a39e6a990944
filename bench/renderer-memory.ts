/**
 * What rendering documents costs in memory (docs/benchmarks.md, "Renderer memory"): compiles
 * bench/renderer-memory-child.ts like the bench's servers and runs it twice on plain node, once
 * rendering in the main thread and once in the render thread (src/invoicing/render-thread.ts):
 * 21 one-page documents (German and Hebrew), one of 200 lines, then 11 e-invoices embedded.
 * Prints RSS, its peak (VmHWM), the main thread's heap and external memory after each step.
 *
 *   node --import tsx bench/renderer-memory.ts
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GERMAN_B2B_INVOICE } from '../src/invoicing/e-invoice/test-support/e-invoice-samples.js';
import { HEBREW_INVOICE, manyLines } from '../src/invoicing/pdf/test-support/sample-snapshots.js';
import { compileForBench } from './child.js';

const scratch = mkdtempSync(join(tmpdir(), 'ipnhub-renderer-memory-'));
const snapshots = join(scratch, 'snapshots.json');
writeFileSync(
  snapshots,
  JSON.stringify({
    german: GERMAN_B2B_INVOICE,
    hebrew: HEBREW_INVOICE,
    longGerman: manyLines(GERMAN_B2B_INVOICE, 200),
  }),
);
const script = await compileForBench(
  fileURLToPath(new URL('./renderer-memory-child.ts', import.meta.url)),
  'renderer-memory',
);
try {
  for (const mode of ['main', 'thread']) {
    const out = await new Promise<string>((resolve, reject) =>
      execFile(process.execPath, [script, mode, snapshots], (err, stdout) =>
        err ? reject(err) : resolve(stdout),
      ),
    );
    console.log(
      mode === 'main' ? 'rendering in the main thread' : 'rendering in the render thread',
    );
    for (const line of out.trim().split('\n')) {
      const r = JSON.parse(line) as {
        step: string;
        rssMB: number;
        peakMB: number;
        heapUsedMB: number;
        externalMB: number;
      };
      console.log(
        `  ${r.step.padEnd(22)} RSS ${String(r.rssMB).padStart(4)} MB  peak ${String(r.peakMB).padStart(4)} MB  main heap ${String(r.heapUsedMB).padStart(4)} MB  external ${String(r.externalMB).padStart(3)} MB`,
      );
    }
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
