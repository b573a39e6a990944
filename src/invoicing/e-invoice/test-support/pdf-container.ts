/**
 * Reads what a Factur-X PDF carries besides its pages, for tests: its attached files through
 * pdf.js (the reader the PDF text tests use, pdf/test-support/pdf-reader.ts) and its XMP packet and document
 * information through pdf-lib.
 */
import { PDFDocument, PDFName, PDFRawStream, decodePDFRawStream } from '@cantoo/pdf-lib';
import { readPdf } from '../../pdf/test-support/pdf-reader.js';

/** Every attached file by name, with its content as pdf.js extracts it. */
export async function pdfAttachments(bytes: Uint8Array): Promise<Map<string, Uint8Array>> {
  return readPdf(bytes, async (pdf) => {
    const out = new Map<string, Uint8Array>();
    for (const attachment of Object.values<{ filename: string; content: Uint8Array }>(
      (await pdf.getAttachments()) ?? {},
    ))
      out.set(attachment.filename, attachment.content);
    return out;
  });
}

export interface PdfMetadata {
  /** The catalog's XMP packet, decoded as UTF-8. */
  xmp: string;
  info: {
    title?: string;
    author?: string;
    subject?: string;
    keywords?: string;
    creator?: string;
    producer?: string;
    created?: Date;
    modified?: Date;
  };
  /** The attachments' file specifications as pdf-lib reads them. */
  attachments: ReturnType<PDFDocument['getAttachments']>;
  /** How many metadata streams the file holds (the catalog's and any left over). */
  metadataStreams: number;
}

export async function pdfMetadata(bytes: Uint8Array): Promise<PdfMetadata> {
  const doc = await PDFDocument.load(bytes, { updateMetadata: false });
  const stream = doc.catalog.lookup(PDFName.of('Metadata'));
  if (!(stream instanceof PDFRawStream)) throw new Error('the catalog has no metadata stream');
  const metadataStreams = doc.context
    .enumerateIndirectObjects()
    .filter(
      ([, object]) =>
        object instanceof PDFRawStream &&
        object.dict.get(PDFName.of('Type')) === PDFName.of('Metadata'),
    ).length;
  return {
    xmp: new TextDecoder('utf-8', { fatal: true }).decode(decodePDFRawStream(stream).decode()),
    info: {
      title: doc.getTitle(),
      author: doc.getAuthor(),
      subject: doc.getSubject(),
      keywords: doc.getKeywords(),
      creator: doc.getCreator(),
      producer: doc.getProducer(),
      created: doc.getCreationDate(),
      modified: doc.getModificationDate(),
    },
    attachments: doc.getAttachments(),
    metadataStreams,
  };
}
