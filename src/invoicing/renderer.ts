/**
 * The PDF renderer the runtime uses unless one is passed in (`RuntimeOptions.renderDocument`):
 * `renderDocumentPdf` (src/invoicing/pdf/), and the e-invoice embedder `embedEInvoice`
 * (src/invoicing/e-invoice/), each loaded on first use, so processes that never render a
 * document (CLI commands, a server without invoicing) do not load React, the PDF library or
 * the e-invoice library.
 */
import type { DocumentRenderer, EInvoiceEmbedder } from './document-worker.js';

export const renderWithPdfLibrary: DocumentRenderer = async (snapshot) => {
  const { renderDocumentPdf } = await import('./pdf/render-document-pdf.js');
  return renderDocumentPdf(snapshot);
};

export const embedWithEInvoiceLibrary: EInvoiceEmbedder = async (pdf, snapshot) => {
  const { embedEInvoice } = await import('./e-invoice/embed-e-invoice.js');
  return embedEInvoice(pdf, snapshot);
};
