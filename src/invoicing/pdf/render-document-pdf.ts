/**
 * Renders an issued document to PDF from its snapshot alone. The same snapshot (and options)
 * gives the same bytes: the PDF's dates are the issue time, its file id is derived from them,
 * and nothing random or clock-dependent goes in. The output is PDF/A-3b with every font
 * embedded, so it can be archived as it is and carry an e-invoice attachment.
 */
import { renderToBuffer } from '@react-pdf/renderer';
import type { DocumentSnapshot } from '../document-snapshot.js';
import { documentView } from './document-view.js';
import type { DocumentViewOptions } from './document-view.js';
import { documentElement } from './document-template.js';
import { registerDocumentFonts } from './fonts.js';

export type RenderDocumentOptions = DocumentViewOptions;

export async function renderDocumentPdf(
  snapshot: DocumentSnapshot,
  options: RenderDocumentOptions = {},
): Promise<Uint8Array> {
  registerDocumentFonts();
  const view = documentView(snapshot, options);
  const creationDate = new Date(snapshot.issuedAt);
  if (Number.isNaN(creationDate.getTime()))
    throw new RangeError(
      `issuedAt is not an ISO 8601 instant: ${JSON.stringify(snapshot.issuedAt)}`,
    );
  const element = documentElement(view, {
    creationDate,
    language: view.labels.locale,
    conformance: 'PDF/A-3b',
  });
  const buffer = await renderToBuffer(element);
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}
