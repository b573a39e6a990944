/**
 * The PDF renderer `renderDocumentPdf` (src/invoicing/pdf/) and the e-invoice embedder
 * `embedEInvoice` (src/invoicing/e-invoice/), each loaded on first use, so that nothing loads
 * React, the PDF library or the e-invoice library before a document is rendered. The runtime
 * runs them in its render thread (render-thread-entry.ts), never on the main thread.
 */
import type { DocumentRenderer, EInvoiceEmbedder } from './document-jobs.js';

export const renderWithPdfLibrary: DocumentRenderer = async (snapshot) => {
  const { renderDocumentPdf } = await import('./pdf/render-document-pdf.js');
  return renderDocumentPdf(snapshot);
};

export const embedWithEInvoiceLibrary: EInvoiceEmbedder = async (pdf, snapshot) => {
  const { embedEInvoice } = await import('./e-invoice/embed-e-invoice.js');
  return embedEInvoice(pdf, snapshot);
};
