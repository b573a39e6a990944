import { describe, expect, it } from 'vitest';
import type { DocumentSnapshot } from '../document-snapshot.js';
import { legalNotes } from './legal-notes.js';
import {
  ENGLISH_INVOICE,
  GERMAN_INVOICE,
  HEBREW_INVOICE,
  ITALIAN_INVOICE,
} from './test-support/sample-snapshots.js';

function smallBusiness(snapshot: DocumentSnapshot, countryCode: string | null): DocumentSnapshot {
  return {
    ...snapshot,
    taxMode: { kind: 'small_business' },
    seller: { ...snapshot.seller, countryCode },
  };
}

describe('legalNotes', () => {
  it('a German small business cites § 19 UStG, in the document’s language', () => {
    expect(legalNotes(smallBusiness(GERMAN_INVOICE, 'DE'))).toEqual([
      'Gemäß § 19 UStG wird keine Umsatzsteuer berechnet (Kleinunternehmerregelung).',
    ]);
    expect(legalNotes(smallBusiness(ENGLISH_INVOICE, 'de'))[0]).toContain('§ 19 UStG');
  });

  it('an Italian flat-rate seller cites Law 190/2014', () => {
    expect(legalNotes(ITALIAN_INVOICE)[0]).toContain('commi da 54 a 89, della Legge n. 190/2014');
  });

  it('an Israeli exempt dealer says so', () => {
    expect(legalNotes(smallBusiness(HEBREW_INVOICE, 'IL'))).toEqual(['עוסק פטור: לא נגבה מע״מ.']);
  });

  it('another country’s small business gets the plain note, never a German or Italian law', () => {
    const [note] = legalNotes(smallBusiness(ENGLISH_INVOICE, 'AT'));
    expect(note).toBe('No VAT charged: small-business exemption.');
    expect(legalNotes(smallBusiness(ENGLISH_INVOICE, null))).toEqual([note]);
  });

  it('reverse charge names the recipient as liable, with the statutory German words', () => {
    expect(legalNotes(ENGLISH_INVOICE)[0]).toContain('Reverse charge');
    expect(legalNotes({ ...ENGLISH_INVOICE, language: 'de' })[0]).toContain(
      'Steuerschuldnerschaft des Leistungsempfängers',
    );
    expect(legalNotes({ ...ENGLISH_INVOICE, language: 'it' })[0]).toContain('Inversione contabile');
  });

  it('a document that charges VAT needs no note', () => {
    expect(legalNotes(GERMAN_INVOICE)).toEqual([]);
    expect(legalNotes(HEBREW_INVOICE)).toEqual([]);
  });
});
