import { InvoiceService } from '@e-invoice-eu/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { DocumentSnapshot } from '../document-snapshot.js';
import { renderDocumentPdf } from '../pdf/render-document-pdf.js';
import { pdfLines } from '../pdf/test-support/pdf-text.js';
import { GERMAN_CREDIT_NOTE, HEBREW_INVOICE } from '../pdf/test-support/sample-snapshots.js';
import { eInvoiceXml } from './e-invoice-xml.js';
import { embedEInvoice } from './embed-e-invoice.js';
import { en16931Invoice } from './en16931-invoice.js';
import { ciiFacts, en16931Violations } from './test-support/cii-facts.js';
import { GERMAN_B2B_INVOICE } from './test-support/e-invoice-samples.js';
import { pdfAttachments, pdfMetadata } from './test-support/pdf-container.js';
import { nodesAt, parseXml, text } from './test-support/xml-tree.js';

const utf8 = (bytes: Uint8Array | undefined): string =>
  new TextDecoder('utf-8', { fatal: true }).decode(bytes);

async function facturX(
  snapshot: DocumentSnapshot,
): Promise<{ pdf: Uint8Array; embedded: Uint8Array }> {
  const pdf = await renderDocumentPdf(snapshot);
  return { pdf, embedded: await embedEInvoice(pdf, snapshot) };
}

describe('embedEInvoice', () => {
  const originalTimeZone = process.env.TZ;
  afterEach(() => {
    vi.useRealTimers();
    if (originalTimeZone === undefined) delete process.env.TZ;
    else process.env.TZ = originalTimeZone;
  });

  it('attaches the e-invoice as factur-x.xml, and the PDF still reads as before', async () => {
    const { pdf, embedded } = await facturX(GERMAN_B2B_INVOICE);

    const attachments = await pdfAttachments(embedded);
    expect([...attachments.keys()]).toEqual(['factur-x.xml']);
    const xml = utf8(attachments.get('factur-x.xml'));
    expect(xml).toBe(await eInvoiceXml(GERMAN_B2B_INVOICE));
    expect(en16931Violations(ciiFacts(xml))).toEqual([]);

    const lines = await pdfLines(embedded);
    expect(lines).toEqual(await pdfLines(pdf));
    const all = lines.flat().join('\n');
    for (const expected of [
      'RE-2026-000130',
      'Anna Schmidt Digitalverlag',
      'Weiß & Partner Steuerberatung GmbH',
      '1.213,80 €',
      '193,80 €',
    ])
      expect(all).toContain(expected);
  });

  it('attaches what the library itself writes for the EN 16931 profile, plus the parts ipnhub adds', async () => {
    // eInvoiceXml asks the library for plain CII; this shows that its Factur-X EN 16931 profile writes the same for these documents.
    for (const snapshot of [GERMAN_B2B_INVOICE, GERMAN_CREDIT_NOTE]) {
      const pdf = await renderDocumentPdf(snapshot);
      const raw = await new InvoiceService(console).generate(en16931Invoice(snapshot), {
        format: 'Factur-X-EN16931',
        lang: snapshot.language,
        pdf: { buffer: pdf, filename: 'x.pdf', mimetype: 'application/pdf' },
      });
      const libraryXml = (await pdfAttachments(raw as Uint8Array)).get('factur-x.xml');
      const ours = (await eInvoiceXml(snapshot)).replace(
        /\n\t*<ram:InvoiceReferencedDocument>[\s\S]*<\/ram:InvoiceReferencedDocument>/,
        '',
      );
      expect(utf8(libraryXml)).toBe(ours);
    }
  });

  it('marks the attachment as the PDF’s alternative (PDF/A-3), dated with the issue time', async () => {
    const { embedded } = await facturX(GERMAN_B2B_INVOICE);
    const { attachments } = await pdfMetadata(embedded);
    expect(attachments).toEqual([
      expect.objectContaining({
        name: 'factur-x.xml',
        mimeType: 'text/xml',
        afRelationship: 'Alternative',
        description: 'Factur-X',
        creationDate: new Date('2026-01-02T23:30:00Z'),
        modificationDate: new Date('2026-01-02T23:30:00Z'),
      }),
    ]);
    // The catalog's /AF list (PDF/A-3 associated files) names the one file specification.
    const raw = Buffer.from(embedded).toString('latin1');
    const spec = attachments[0];
    expect(raw.match(/\/AF \[ ?(\d+ \d+ R) ?\]/)?.[1]).toBe(
      spec && 'specRef' in spec ? spec.specRef.toString() : 'no file specification',
    );
  });

  it('writes Factur-X metadata (EN 16931 profile) in UTF-8 that agrees with the document information', async () => {
    const { pdf, embedded } = await facturX(HEBREW_INVOICE);
    const before = await pdfMetadata(pdf);
    const { xmp, info, metadataStreams } = await pdfMetadata(embedded);
    expect(metadataStreams).toBe(1);
    const rdf = parseXml(
      xmp.replace(/^<\?xpacket[^>]*\?>/, '').replace(/<\?xpacket[^>]*\?>$/, ''),
      'x:xmpmeta',
    );
    const value = (name: string): string | undefined =>
      nodesAt(rdf, 'rdf:RDF/rdf:Description')
        .map((d) => text(d, name))
        .find((v) => v !== undefined);
    expect({
      part: value('pdfaid:part'),
      conformance: value('pdfaid:conformance'),
      documentType: value('fx:DocumentType'),
      fileName: value('fx:DocumentFileName'),
      version: value('fx:Version'),
      level: value('fx:ConformanceLevel'),
      created: value('xmp:CreateDate'),
      modified: value('xmp:ModifyDate'),
    }).toEqual({
      part: '3',
      conformance: 'B',
      documentType: 'INVOICE',
      fileName: 'factur-x.xml',
      version: '1.0',
      level: 'EN 16931',
      created: '2026-05-06T07:20:00Z',
      modified: '2026-05-06T07:20:00Z',
    });
    // The Hebrew seller name intact in XMP and information dictionary, both as the renderer set them.
    expect(value('dc:creator/rdf:Seq/rdf:li')).toBe('נועה לוי הדרכות בע״מ');
    expect(info).toMatchObject({
      author: 'נועה לוי הדרכות בע״מ',
      title: before.info.title,
      subject: before.info.subject,
      created: new Date('2026-05-06T07:20:00Z'),
      modified: new Date('2026-05-06T07:20:00Z'),
    });
    expect(value('dc:title/rdf:Alt/rdf:li')).toBe(info.title);
    expect(value('dc:description/rdf:Alt/rdf:li')).toBe(info.subject);
    expect(value('pdf:Producer')).toBe(info.producer);
    expect(value('pdf:Keywords')).toBe(info.keywords);
    expect(value('xmp:CreatorTool')).toBe(info.creator);
  });

  it('gives the same bytes for the same document, whatever the clock and the time zone', async () => {
    const pdf = await renderDocumentPdf(GERMAN_CREDIT_NOTE);
    const first = await embedEInvoice(pdf, GERMAN_CREDIT_NOTE);
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2031-07-01T12:34:56Z'));
    process.env.TZ = 'America/Los_Angeles';
    const second = await embedEInvoice(pdf, GERMAN_CREDIT_NOTE);
    expect(Buffer.from(second).equals(Buffer.from(first))).toBe(true);
  });

  it('embeds a credit note’s e-invoice with the invoice it corrects', async () => {
    const { embedded } = await facturX(GERMAN_CREDIT_NOTE);
    const facts = ciiFacts(utf8((await pdfAttachments(embedded)).get('factur-x.xml')));
    expect(facts).toMatchObject({
      typeCode: '381',
      number: 'GS-2026-000007',
      precedingInvoices: [{ number: 'RE-2026-000123', date: '20260103' }],
    });
    expect(en16931Violations(facts)).toEqual([]);
  });

  it('refuses a document that cannot make a valid e-invoice, naming what is missing', async () => {
    const snapshot = {
      ...GERMAN_B2B_INVOICE,
      seller: { ...GERMAN_B2B_INVOICE.seller, vatId: null, taxNumber: null },
      buyer: { ...GERMAN_B2B_INVOICE.buyer, countryCode: null },
    };
    const pdf = await renderDocumentPdf(snapshot);
    await expect(embedEInvoice(pdf, snapshot)).rejects.toMatchObject({
      code: 'EINVOICE_INCOMPLETE',
      fields: [
        expect.objectContaining({ path: 'seller.vatId' }),
        expect.objectContaining({ path: 'buyer.countryCode' }),
      ],
    });
  });
});
