/**
 * Turns a document's PDF (PDF/A-3b from src/invoicing/pdf/) into a Factur-X / ZUGFeRD invoice
 * of the EN 16931 (COMFORT) profile: the PDF with the e-invoice's CII XML attached as
 * `factur-x.xml` (relationship Alternative) and Factur-X metadata. `@e-invoice-eu/core` builds
 * the container (attachment, output intent, mark info, XMP); ipnhub then makes it repeatable
 * and correct where version 2.3.4 is not:
 * - it dates the attachment and the metadata with the clock and the machine's time zone: they
 *   get the document's issue time, so the same document gives the same bytes, as its PDF does;
 * - it writes the XMP packet byte by byte as Latin-1 (a name like "נועה" or "Jörg" would be
 *   broken): it is written again, as UTF-8, with the PDF's own title, author and subject;
 * - its CII lacks a credit note's reference to the corrected invoice: the attached XML is the
 *   one `eInvoiceXml` writes, with it.
 */
import { AFRelationship, PDFDocument, PDFName, PDFRef } from '@cantoo/pdf-lib';
import type { DocumentSnapshot } from '../document-snapshot.js';
import { eInvoiceXml, generateWithLibrary } from './e-invoice-xml.js';
import { en16931Invoice } from './en16931-invoice.js';
import { facturXXmp } from './factur-x-metadata.js';
import type { FacturXDescription, PdfInfo } from './factur-x-metadata.js';

/** The library's name for the Factur-X 1.0 EN 16931 profile, which ZUGFeRD 2 calls COMFORT. */
const FORMAT = 'Factur-X-EN16931';
const FACTUR_X: FacturXDescription = {
  fileName: 'factur-x.xml',
  conformanceLevel: 'EN 16931',
  version: '1.0',
};

function metadataRef(doc: PDFDocument): PDFRef | null {
  const ref = doc.catalog.get(PDFName.of('Metadata'));
  return ref instanceof PDFRef ? ref : null;
}

/** The renderer's title, author and subject, which the library overwrites with its own English ones. */
function rendererInfo(doc: PDFDocument): Omit<PdfInfo, 'keywords'> {
  return {
    title: doc.getTitle() ?? '',
    author: doc.getAuthor() ?? '',
    subject: doc.getSubject() ?? '',
    creator: doc.getCreator() ?? 'ipnhub',
    producer: doc.getProducer() ?? 'ipnhub',
  };
}

async function finish(
  container: Uint8Array,
  xml: string,
  info: Omit<PdfInfo, 'keywords'>,
  originalMetadata: PDFRef | null,
  issuedAt: Date,
): Promise<Uint8Array> {
  const doc = await PDFDocument.load(container, { updateMetadata: false });
  doc.detach(FACTUR_X.fileName);
  await doc.attach(new TextEncoder().encode(xml), FACTUR_X.fileName, {
    mimeType: 'text/xml',
    description: 'Factur-X',
    creationDate: issuedAt,
    modificationDate: issuedAt,
    afRelationship: AFRelationship.Alternative,
  });

  const full: PdfInfo = { ...info, keywords: doc.getKeywords() ?? '' };
  doc.setTitle(full.title);
  doc.setAuthor(full.author);
  doc.setSubject(full.subject);
  doc.setCreator(full.creator);
  doc.setProducer(full.producer);
  doc.setCreationDate(issuedAt);
  doc.setModificationDate(issuedAt);

  const xmp = doc.context.stream(new TextEncoder().encode(facturXXmp(full, FACTUR_X, issuedAt)), {
    Type: 'Metadata',
    Subtype: 'XML',
  });
  const current = metadataRef(doc);
  if (current === null) doc.catalog.set(PDFName.of('Metadata'), doc.context.register(xmp));
  else doc.context.assign(current, xmp);
  // The renderer's own XMP packet, which the library unhooked from the catalog, would stay in the file.
  if (
    originalMetadata !== null &&
    (current === null || originalMetadata.objectNumber !== current.objectNumber)
  )
    doc.context.delete(originalMetadata);

  return doc.save({ useObjectStreams: false });
}

/**
 * The document's PDF with its EN 16931 e-invoice embedded (Factur-X / ZUGFeRD, EN 16931 =
 * COMFORT profile). `pdf` is what `renderDocumentPdf(snapshot)` rendered for this snapshot.
 * Throws `EINVOICE_INCOMPLETE` or `EINVOICE_AMOUNTS_INVALID` (IpnhubError) when the snapshot
 * cannot make a valid e-invoice; the same snapshot and PDF give the same bytes.
 */
export async function embedEInvoice(
  pdf: Uint8Array,
  snapshot: DocumentSnapshot,
): Promise<Uint8Array> {
  const xml = await eInvoiceXml(snapshot);
  const original = await PDFDocument.load(pdf, { updateMetadata: false });
  const container = await generateWithLibrary(en16931Invoice(snapshot), {
    format: FORMAT,
    lang: snapshot.language,
    pdf: { buffer: pdf, filename: `${snapshot.number}.pdf`, mimetype: 'application/pdf' },
    noWarnings: true,
  });
  if (typeof container === 'string')
    throw new Error(`@e-invoice-eu/core returned no PDF for ${FORMAT}`);
  return finish(
    container,
    xml,
    rendererInfo(original),
    metadataRef(original),
    new Date(snapshot.issuedAt),
  );
}
