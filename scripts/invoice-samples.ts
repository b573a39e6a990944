/**
 * `npm run docs:samples`: renders the sample documents (an invoice in each language and a credit
 * note) and writes a PNG of each page into docs/invoices/, shown in docs/invoicing.md. Needs
 * poppler's `pdftoppm` (Debian/Ubuntu: `apt-get install poppler-utils`).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DocumentSnapshot } from '../src/invoicing/document-snapshot.js';
import { renderDocumentPdf } from '../src/invoicing/pdf/render-document-pdf.js';
import {
  GERMAN_CREDIT_NOTE,
  SAMPLE_DOCUMENTS,
} from '../src/invoicing/pdf/test-support/sample-snapshots.js';

const OUT = fileURLToPath(new URL('../docs/invoices/', import.meta.url));
const RESOLUTION_DPI = '80';

const samples: Array<[string, DocumentSnapshot]> = [
  ...Object.entries(SAMPLE_DOCUMENTS).map(([language, snapshot]): [string, DocumentSnapshot] => [
    `invoice-${language}`,
    snapshot,
  ]),
  ['credit-note-de', GERMAN_CREDIT_NOTE],
];

try {
  execFileSync('pdftoppm', ['-v'], { stdio: 'ignore' });
} catch {
  process.stderr.write(
    'pdftoppm not found: install poppler-utils (apt-get install poppler-utils)\n',
  );
  process.exit(1);
}

mkdirSync(OUT, { recursive: true });
for (const file of readdirSync(OUT)) if (file.endsWith('.png')) rmSync(join(OUT, file));
const work = mkdtempSync(join(tmpdir(), 'ipnhub-samples-'));
try {
  for (const [name, snapshot] of samples) {
    const pdf = join(work, `${name}.pdf`);
    writeFileSync(pdf, await renderDocumentPdf(snapshot));
    // One PNG per page: <name>-1.png, <name>-2.png, …
    execFileSync('pdftoppm', ['-png', '-r', RESOLUTION_DPI, pdf, join(OUT, name)]);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
process.stdout.write(
  `wrote ${readdirSync(OUT)
    .filter((f) => f.endsWith('.png'))
    .sort()
    .join(', ')} to ${OUT}\n`,
);
