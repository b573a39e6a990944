/**
 * Documents for the e-invoice tests, next to the four languages' samples: the German B2B case
 * the e-invoice is for, and a German small business. Names and numbers are invented.
 */
import type { DocumentSnapshot } from '../../document-snapshot.js';
import {
  ENGLISH_INVOICE,
  GERMAN_CREDIT_NOTE,
  GERMAN_INVOICE,
  HEBREW_INVOICE,
  ITALIAN_INVOICE,
} from '../../pdf/test-support/sample-snapshots.js';

/** A German seller to a German company (domestic B2B), VAT included at 19 %. */
export const GERMAN_B2B_INVOICE: DocumentSnapshot = {
  ...GERMAN_INVOICE,
  number: 'RE-2026-000130',
  buyer: {
    name: 'Jörg Weiß',
    company: 'Weiß & Partner Steuerberatung GmbH',
    addressLines: ['Hauptstraße 5', 'Rückgebäude', '80331 München'],
    countryCode: 'DE',
    vatId: 'DE 987 654 321',
    email: 'buchhaltung@weiss-partner.example',
  },
};

/** A German small business (§ 19 UStG): no VAT, a tax number and no VAT id. */
export const GERMAN_SMALL_BUSINESS_INVOICE: DocumentSnapshot = {
  ...GERMAN_B2B_INVOICE,
  number: 'RE-2026-000131',
  seller: {
    ...GERMAN_INVOICE.seller,
    name: 'Lena Vogel Webdesign',
    vatId: null,
    taxNumber: '21/815/08150',
  },
  totals: { net: 121380, tax: 0, gross: 121380 },
  taxMode: { kind: 'small_business' },
};

/** Every document the e-invoice is tested with, by a short name. */
export const E_INVOICE_SAMPLES: Readonly<Record<string, DocumentSnapshot>> = {
  'German B2B invoice': GERMAN_B2B_INVOICE,
  'German B2C invoice': GERMAN_INVOICE,
  'German credit note': GERMAN_CREDIT_NOTE,
  'German small business': GERMAN_SMALL_BUSINESS_INVOICE,
  'reverse charge to Ireland': ENGLISH_INVOICE,
  'Italian flat-rate seller': ITALIAN_INVOICE,
  'Israeli VAT in shekels': HEBREW_INVOICE,
};
