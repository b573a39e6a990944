import { describe, expect, it } from 'vitest';
import type { DocumentSnapshot } from '../document-snapshot.js';
import { renderDocumentPdf } from './render-document-pdf.js';
import { pdfFonts, pdfLines } from './test-support/pdf-text.js';
import {
  ENGLISH_INVOICE,
  GERMAN_CREDIT_NOTE,
  GERMAN_INVOICE,
  HEBREW_INVOICE,
  ITALIAN_INVOICE,
  manyLines,
} from './test-support/sample-snapshots.js';

async function linesOf(snapshot: DocumentSnapshot, options = {}): Promise<string[][]> {
  return pdfLines(
    await renderDocumentPdf(snapshot, options),
    snapshot.language === 'he' ? 'rtl' : 'ltr',
  );
}

function latin1(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('latin1');
}

/** Expects each text on some line of the page (a line may also hold a neighbouring column). */
function expectOnPage(lines: string[] | undefined, texts: string[]): void {
  for (const text of texts)
    expect(
      lines?.some((line) => line.includes(text)),
      `${JSON.stringify(text)} in\n${lines?.join('\n')}`,
    ).toBe(true);
}

describe('renderDocumentPdf', () => {
  it('German invoice: parties, number, dates in Berlin time, amounts and VAT as German writes them', async () => {
    const [page, ...more] = await linesOf(GERMAN_INVOICE);
    expect(more).toEqual([]);
    expectOnPage(page, [
      'Anna Schmidt Digitalverlag',
      'Lindenstraße 12',
      'Steuernummer: 29/123/45678',
      'USt-IdNr.: DE123456789',
      'Rechnung',
      'Jörg Weiß',
      'Nummer RE-2026-000123',
      // Issued 23:30 UTC on 2 January: 3 January in Berlin.
      'Rechnungsdatum 03.01.2026',
      'Leistungsdatum 03.01.2026',
      'Online-Kurs „Buchhaltung für Selbständige“ 1 1.190,00 € 1.190,00 €',
      'Arbeitsbuch (PDF) 2 11,90 € 23,80 €',
      'Nettobetrag 1.020,00 €',
      'Umsatzsteuer 19 % 193,80 €',
      'Gesamtbetrag inkl. USt. 1.213,80 €',
      'Zahlungsart PayPal',
      'Bezahlt am 03.01.2026',
      'Transaktions-ID 8MC585209K746392H',
      'Vielen Dank für Ihren Einkauf!',
      'Seite 1 von 1',
    ]);
    expect(page?.join('\n')).not.toMatch(/Umsatzsteuer berechnet|Reverse Charge/);
  });

  it('English reverse-charge invoice: both VAT ids, no VAT line, the legal note', async () => {
    const [page] = await linesOf(ENGLISH_INVOICE);
    expectOnPage(page, [
      'Invoice',
      'Brightwater Learning Ltd',
      'Siobhán O’Brien',
      'VAT ID: IE1234567TA',
      'VAT ID: DE123456789',
      'Number RE-2026-000124',
      'Date of issue 15 March 2026',
      'Team licence, 10 seats, 12 months 10 €49.00 €490.00',
      'Total €490.00',
      'Reverse charge: the recipient of the service is liable for the VAT',
    ]);
    expect(page?.join('\n')).not.toMatch(/VAT 19|Net amount/);
  });

  it('Italian flat-rate invoice: codice fiscale, partita IVA, the Law 190/2014 note', async () => {
    const [page] = await linesOf(ITALIAN_INVOICE);
    expectOnPage(page, [
      'Fattura',
      'Giulia Ferri',
      'Codice fiscale: FRRGLI85M41A944K',
      'Partita IVA: IT01234567890',
      'Niccolò Bianchi',
      'Numero FT-2026-000031',
      'Data di emissione 20 aprile 2026',
      'Totale 149,00 €',
      'Operazione effettuata ai sensi dell’art. 1, commi da 54 a 89, della Legge n. 190/2014',
    ]);
  });

  it('Hebrew tax invoice/receipt reads back in logical order, with the Latin name, numbers and amounts intact', async () => {
    const [page] = await linesOf(HEBREW_INVOICE);
    expectOnPage(page, [
      'נועה לוי הדרכות בע״מ',
      'עוסק מורשה מס׳: 514567890',
      'חשבונית מס/קבלה',
      'מקור',
      'לכבוד',
      'David Miller',
      'רחוב יפו 97',
      'מספר INV-2026-000123',
      'תאריך הפקה 6 במאי 2026',
      'קורס Python למתחילים 1 1,180.00 ₪ 1,180.00 ₪',
      'מפגש ייעוץ (60 דקות) 2 354.00 ₪ 708.00 ₪',
      'סה״כ לפני מע״מ 1,600.00 ₪',
      'מע״מ 18% 288.00 ₪',
      'סה״כ כולל מע״מ 1,888.00 ₪',
      'אמצעי תשלום PayPal',
      'מזהה עסקה 7XK43210AB9876543',
      'תודה על הרכישה!',
      'עמוד 1 מתוך 1',
    ]);
  });

  it('an Israeli document printed as a copy says so instead of "original"', async () => {
    const [page] = await linesOf(HEBREW_INVOICE, { copy: true });
    expectOnPage(page, ['העתק']);
    expect(page).not.toContain('מקור');
  });

  it('a credit note names the invoice it corrects and takes the amounts back', async () => {
    const [page] = await linesOf(GERMAN_CREDIT_NOTE);
    expectOnPage(page, [
      'Rechnungskorrektur',
      'Korrektur der Rechnung RE-2026-000123 vom 03.01.2026',
      'Nummer GS-2026-000007',
      'Datum der Erstattung 10.02.2026',
      'Arbeitsbuch (PDF) 2 -11,90 € -23,80 €',
      'Umsatzsteuer 19 % -3,80 €',
      'Erstatteter Betrag -23,80 €',
    ]);
    const [hebrew] = await linesOf({
      ...HEBREW_INVOICE,
      kind: 'credit_note',
      number: 'CR-2026-000004',
      corrects: { number: 'INV-2026-000123', issuedAt: HEBREW_INVOICE.issuedAt },
    });
    expectOnPage(hebrew, [
      'חשבונית מס זיכוי',
      'זיכוי לחשבונית מס׳ INV-2026-000123 מיום 6 במאי 2026',
      'סכום הזיכוי -1,888.00 ₪',
    ]);
  });

  it('many lines flow onto further pages, each with the column heads, the title, the page number and the footer', async () => {
    const count = 80;
    const pages = await linesOf(manyLines(GERMAN_INVOICE, count));
    expect(pages.length).toBeGreaterThan(2);
    const lineNumbers = (page: string[]): number[] =>
      page.flatMap((line) => [...line.matchAll(/Selbständige“ #(\d+) /g)].map((m) => Number(m[1])));
    pages.forEach((page, i) => {
      expectOnPage(page, [
        `Seite ${i + 1} von ${pages.length}`,
        'Vielen Dank für Ihren Einkauf!',
        'IBAN DE02 4306 0967 0000 0000 00',
      ]);
      if (i > 0)
        expectOnPage(page, [`Rechnung RE-2026-000123 · Seite ${i + 1} von ${pages.length}`]);
      if (lineNumbers(page).length > 0)
        expectOnPage(page, ['Beschreibung Menge Einzelpreis Betrag']);
    });
    expect(lineNumbers(pages[1] ?? []).length).toBeGreaterThan(0);
    expect(pages.flatMap(lineNumbers)).toEqual(Array.from({ length: count }, (_, i) => i + 1));
    expectOnPage(pages.at(-1), ['Gesamtbetrag inkl. USt. 800,00 €']);
  });

  it('the same snapshot gives the same bytes; the PDF is dated by the issue time', async () => {
    const first = await renderDocumentPdf(HEBREW_INVOICE);
    await renderDocumentPdf(GERMAN_INVOICE);
    const again = await renderDocumentPdf(HEBREW_INVOICE);
    expect(Buffer.from(again).equals(Buffer.from(first))).toBe(true);
    expect(latin1(first)).toContain('<xmp:CreateDate>2026-05-06T07:20:00Z</xmp:CreateDate>');
    const later = await renderDocumentPdf({ ...HEBREW_INVOICE, issuedAt: '2026-05-06T07:21:00Z' });
    expect(Buffer.from(later).equals(Buffer.from(first))).toBe(false);
  });

  it('embeds every font it uses (Noto subsets), none of the PDF standard fonts', async () => {
    for (const snapshot of [GERMAN_INVOICE, HEBREW_INVOICE]) {
      const { fonts, descriptors, embeddedPrograms } = pdfFonts(await renderDocumentPdf(snapshot));
      expect(fonts.length).toBeGreaterThan(0);
      for (const font of fonts)
        expect(font.baseFont).toMatch(/^[A-Z]{6}\+NotoSans(Hebrew)?(-Regular|-Bold)?$/);
      expect(descriptors).toBeGreaterThan(0);
      expect(embeddedPrograms).toBe(descriptors);
    }
    const hebrew = pdfFonts(await renderDocumentPdf(HEBREW_INVOICE)).fonts.map((f) => f.baseFont);
    expect(hebrew.some((name) => name.includes('NotoSansHebrew'))).toBe(true);
  });

  it('is PDF/A-3b and carries the logo only when the profile has one', async () => {
    const withLogo = latin1(await renderDocumentPdf(GERMAN_INVOICE));
    expect(withLogo).toContain('<pdfaid:part>3</pdfaid:part>');
    expect(withLogo).toContain('/Subtype /Image');
    const withoutLogo = latin1(
      await renderDocumentPdf({
        ...GERMAN_INVOICE,
        seller: { ...GERMAN_INVOICE.seller, logo: null },
      }),
    );
    expect(withoutLogo).not.toContain('/Subtype /Image');
  });

  it('refuses a snapshot whose issue time it cannot read', async () => {
    await expect(renderDocumentPdf({ ...GERMAN_INVOICE, issuedAt: 'soon' })).rejects.toThrow(
      /not an ISO 8601 instant/,
    );
  });
});
