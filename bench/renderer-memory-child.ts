/**
 * One measurement of bench/renderer-memory.ts, run as compiled JavaScript on plain node:
 * renders documents in this process's main thread (`main`) or in the render thread (`thread`)
 * and prints this process's memory after each step as a JSON line.
 */
import { readFileSync } from 'node:fs';
import type { DocumentSnapshot } from '../src/invoicing/document-snapshot.js';
import { createRenderThread } from '../src/invoicing/render-thread.js';
import { embedWithEInvoiceLibrary, renderWithPdfLibrary } from '../src/invoicing/renderer.js';
import { silentLogger } from '../src/lib/logger.js';

const [mode, snapshotsFile] = process.argv.slice(2);
const { german, hebrew, longGerman } = JSON.parse(
  readFileSync(snapshotsFile ?? '', 'utf8'),
) as Record<'german' | 'hebrew' | 'longGerman', DocumentSnapshot>;

function report(step: string): void {
  const m = process.memoryUsage();
  const peak = /VmHWM:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
  const mb = (bytes: number): number => Math.round(bytes / 1048576);
  console.log(
    JSON.stringify({
      step,
      rssMB: mb(m.rss),
      peakMB: Math.round(Number(peak) / 1024),
      heapUsedMB: mb(m.heapUsed),
      externalMB: mb(m.external),
    }),
  );
}

const thread = mode === 'thread' ? createRenderThread({ logger: silentLogger() }) : null;
const render = thread?.render ?? renderWithPdfLibrary;
const embed = thread?.embedEInvoice ?? embedWithEInvoiceLibrary;
report('start');
const first = await render(german);
report('1 document');
for (let i = 0; i < 20; i++) await render(i % 2 === 0 ? hebrew : german);
report('21 documents');
const long = await render(longGerman);
report('+ 200-line document');
for (let i = 0; i < 10; i++) await embed(first, german);
await embed(long, longGerman);
report('+ 11 e-invoices');
if (thread) {
  // As when it has been idle: the thread is ended and its memory given back.
  await thread.close();
  report('thread ended');
}
