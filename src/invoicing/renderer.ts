/**
 * The PDF renderer the runtime uses unless one is passed in (`RuntimeOptions.renderDocument`).
 * The renderer itself (src/invoicing/pdf/, `renderDocumentPdf`) is built separately; until it is
 * connected here, every render fails with this message and is retried on the render schedule:
 * documents keep their numbers, and their PDFs and mails follow once a renderer is connected.
 */
import type { DocumentRenderer } from './document-worker.js';

export const renderNotConnected: DocumentRenderer = async () => {
  throw new Error('no PDF renderer is connected in this build (src/invoicing/renderer.ts)');
};
