/**
 * Opens a PDF with pdf.js for tests (pdfjs-dist, its legacy build, which is the one made for
 * Node): the text tests and the e-invoice attachment tests read through it.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import type { PDFDocumentProxy } from 'pdfjs-dist/legacy/build/pdf.mjs';

/** pdf.js's data for the 14 standard fonts, read from the package when a PDF names one without embedding it. */
const STANDARD_FONTS = `${join(dirname(createRequire(import.meta.url).resolve('pdfjs-dist/package.json')), 'standard_fonts')}/`;

/** Runs `read` on the opened PDF and closes it again. */
export async function readPdf<T>(
  bytes: Uint8Array,
  read: (pdf: PDFDocumentProxy) => Promise<T>,
): Promise<T> {
  // pdf.js takes the buffer over; hand it a copy so the caller's bytes stay usable.
  const task = getDocument({
    data: bytes.slice(),
    isEvalSupported: false,
    standardFontDataUrl: STANDARD_FONTS,
    verbosity: 0,
  });
  const pdf = await task.promise;
  try {
    return await read(pdf);
  } finally {
    await task.destroy();
  }
}
