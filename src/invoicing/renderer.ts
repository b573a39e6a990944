/**
 * The PDF renderer the runtime uses unless one is passed in (`RuntimeOptions.renderDocument`):
 * `renderDocumentPdf` (src/invoicing/pdf/), loaded on first use, so processes that never
 * render a document (CLI commands, a server without invoicing) do not load React and the PDF
 * library.
 */
import type { DocumentRenderer } from './document-worker.js';

export const renderWithPdfLibrary: DocumentRenderer = async (snapshot) => {
  const { renderDocumentPdf } = await import('./pdf/render-document-pdf.js');
  return renderDocumentPdf(snapshot);
};
