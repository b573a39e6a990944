/**
 * Sample documents in the four languages: the tests render them and `npm run docs:samples`
 * turns them into the pictures in docs/invoices/. Names, numbers and addresses are invented.
 */
import type {
  DocumentLanguage,
  DocumentSeller,
  DocumentSnapshot,
} from '../../document-snapshot.js';

/** A 96×96 PNG logo (a ring around a bar), so the samples show where a logo goes. */
export const SAMPLE_LOGO_PNG_BASE64 =
  'iVBORw0KGgoAAAANSUhEUgAAAGAAAABgCAYAAADimHc4AAABqElEQVR42u3dwVEDMQwFUFfBkdoog5qojC7CnRNDHOtLfprJGem/2SRsbO9aSimllFK/6+3j67HrJc3DgQMJDR5EQOhXYyQGfwVEh+DHQnQMfwRC5+DbQ0wKvx3CxPBbIEwOPh7ipvDjEG4MPwYhIYBrEToMOBqh20CjALoP0br/KZdwyzkmfpVrNdPk/yjjZzvd4Pfn+2PXqz1CRWMVALEIFQ1VAVTNG9dMJUAUQlUT1QCVs0c0kABQjgCgMcCzV18KQFkO1e9/UwD+nUX1p38SwPE8Er7/pgEczQUAAADV9z8SAY5kk3IDahrAn/MB0BRg9y3wVICXZwQAAAAAAAAAAACgci1MMsBLc3IFeAsCAAAAAAAAAABoBOD3AAAzAPwmHJCNVRHFuQAAcDdAAsLVa0Of/YNWRwcsUQdgh4wtSgAab9SzS3JTE/YJN0WwU35zQ86KaIbgtJSODU6fzYlZA48tc2bchQiOrnRuaPZATs4NG9DZ0cEIjrBfnh8AwaNM7oBYXUr4EDzQbQLEmlLCB+GxtukQ69YS+oUQ0j4MIk2llFJp9QOX96HjKTsEUAAAAABJRU5ErkJggg==';

const germanSeller: DocumentSeller = {
  name: 'Anna Schmidt Digitalverlag',
  company: null,
  addressLines: ['Lindenstraße 12', '10969 Berlin', 'Deutschland'],
  countryCode: 'DE',
  vatId: 'DE123456789',
  email: 'rechnung@schmidt-verlag.example',
  taxNumber: '29/123/45678',
  contactLines: ['Tel. +49 30 1234567', 'www.schmidt-verlag.example'],
  bankLines: ['GLS Bank', 'IBAN DE02 4306 0967 0000 0000 00', 'BIC GENODEM1GLS'],
  footer: 'Vielen Dank für Ihren Einkauf!',
  logo: { mediaType: 'image/png', base64: SAMPLE_LOGO_PNG_BASE64 },
};

/** German seller, VAT included at 19 %, a buyer with umlauts. */
export const GERMAN_INVOICE: DocumentSnapshot = {
  kind: 'invoice',
  number: 'RE-2026-000123',
  issuedAt: '2026-01-02T23:30:00Z',
  supplyDate: '2026-01-03',
  language: 'de',
  timeZone: 'Europe/Berlin',
  currency: 'EUR',
  seller: germanSeller,
  buyer: {
    name: 'Jörg Weiß',
    company: null,
    addressLines: ['Hauptstraße 5', '80331 München'],
    countryCode: 'DE',
    vatId: null,
    email: 'joerg.weiss@example.de',
  },
  lines: [
    {
      description: 'Online-Kurs „Buchhaltung für Selbständige“',
      quantity: 1,
      unitAmount: 119000,
      amount: 119000,
    },
    { description: 'Arbeitsbuch (PDF)', quantity: 2, unitAmount: 1190, amount: 2380 },
  ],
  totals: { net: 102000, tax: 19380, gross: 121380 },
  taxMode: { kind: 'vat_included', rateBasisPoints: 1900 },
  payment: { method: 'PayPal', transactionId: '8MC585209K746392H', paidAt: '2026-01-02T23:29:41Z' },
  orderId: 'ORD-2026-0042',
  corrects: null,
};

/** A partial refund of the German invoice. */
export const GERMAN_CREDIT_NOTE: DocumentSnapshot = {
  ...GERMAN_INVOICE,
  kind: 'credit_note',
  number: 'GS-2026-000007',
  issuedAt: '2026-02-10T09:15:00Z',
  supplyDate: '2026-02-10',
  lines: [{ description: 'Arbeitsbuch (PDF)', quantity: 2, unitAmount: 1190, amount: 2380 }],
  totals: { net: 2000, tax: 380, gross: 2380 },
  payment: { method: 'PayPal', transactionId: '5TY05013RG002845M', paidAt: '2026-02-10T09:14:12Z' },
  corrects: { number: 'RE-2026-000123', issuedAt: '2026-01-02T23:30:00Z' },
};

/** German seller to an Irish business: reverse charge, both VAT ids. */
export const ENGLISH_INVOICE: DocumentSnapshot = {
  kind: 'invoice',
  number: 'RE-2026-000124',
  issuedAt: '2026-03-15T10:00:00Z',
  supplyDate: '2026-03-15',
  language: 'en',
  timeZone: 'Europe/Berlin',
  currency: 'EUR',
  seller: { ...germanSeller, footer: 'Thank you for your order.' },
  buyer: {
    name: 'Siobhán O’Brien',
    company: 'Brightwater Learning Ltd',
    addressLines: ['14 Harbour Road', 'Dún Laoghaire, Co. Dublin A96 X2Y3', 'Ireland'],
    countryCode: 'IE',
    vatId: 'IE1234567TA',
    email: 'accounts@brightwater.example',
  },
  lines: [
    {
      description: 'Team licence, 10 seats, 12 months',
      quantity: 10,
      unitAmount: 4900,
      amount: 49000,
    },
  ],
  totals: { net: 49000, tax: 0, gross: 49000 },
  taxMode: { kind: 'reverse_charge' },
  payment: { method: 'PayPal', transactionId: '3GG27491LM184925A', paidAt: '2026-03-15T09:58:02Z' },
  orderId: null,
  corrects: null,
};

/** Italian flat-rate (forfettario) seller: no VAT, the legal note. */
export const ITALIAN_INVOICE: DocumentSnapshot = {
  kind: 'invoice',
  number: 'FT-2026-000031',
  issuedAt: '2026-04-20T16:45:00Z',
  supplyDate: '2026-04-20',
  language: 'it',
  timeZone: 'Europe/Rome',
  currency: 'EUR',
  seller: {
    name: 'Giulia Ferri',
    company: null,
    addressLines: ['Via dei Mille 8', '40121 Bologna (BO)', 'Italia'],
    countryCode: 'IT',
    vatId: 'IT01234567890',
    email: 'fatture@giuliaferri.example',
    taxNumber: 'FRRGLI85M41A944K',
    contactLines: ['www.giuliaferri.example'],
    bankLines: ['IBAN IT60 X054 2811 1010 0000 0123 456'],
    footer: null,
    logo: null,
  },
  buyer: {
    name: 'Niccolò Bianchi',
    company: null,
    addressLines: ['Corso Vittorio Emanuele 101', '10128 Torino (TO)'],
    countryCode: 'IT',
    vatId: null,
    email: 'niccolo.bianchi@example.it',
  },
  lines: [
    {
      description: 'Corso online «Fotografia di ritratto» – accesso a vita',
      quantity: 1,
      unitAmount: 14900,
      amount: 14900,
    },
  ],
  totals: { net: 14900, tax: 0, gross: 14900 },
  taxMode: { kind: 'small_business' },
  payment: { method: 'PayPal', transactionId: '9KD2941057305683L', paidAt: '2026-04-20T16:44:20Z' },
  orderId: null,
  corrects: null,
};

/** Israeli licensed dealer, VAT 18 %, in shekels; a Latin buyer name and product name in Hebrew text. */
export const HEBREW_INVOICE: DocumentSnapshot = {
  kind: 'invoice',
  number: 'INV-2026-000123',
  issuedAt: '2026-05-06T07:20:00Z',
  supplyDate: '2026-05-06',
  language: 'he',
  timeZone: 'Asia/Jerusalem',
  currency: 'ILS',
  seller: {
    name: 'נועה לוי הדרכות בע״מ',
    company: null,
    addressLines: ['רחוב הרצל 25', 'תל אביב-יפו 6578901', 'ישראל'],
    countryCode: 'IL',
    vatId: null,
    email: 'office@noa-levi.example',
    taxNumber: '514567890',
    contactLines: ['טל׳ 03-1234567'],
    bankLines: ['בנק הפועלים, סניף 600, חשבון 123456'],
    footer: 'תודה על הרכישה!',
    logo: { mediaType: 'image/png', base64: SAMPLE_LOGO_PNG_BASE64 },
  },
  buyer: {
    name: 'David Miller',
    company: null,
    addressLines: ['רחוב יפו 97', 'ירושלים'],
    countryCode: 'IL',
    vatId: null,
    email: 'david.miller@example.com',
  },
  lines: [
    { description: 'קורס Python למתחילים', quantity: 1, unitAmount: 118000, amount: 118000 },
    { description: 'מפגש ייעוץ (60 דקות)', quantity: 2, unitAmount: 35400, amount: 70800 },
  ],
  totals: { net: 160000, tax: 28800, gross: 188800 },
  taxMode: { kind: 'israel_vat', rateBasisPoints: 1800 },
  payment: { method: 'PayPal', transactionId: '7XK43210AB9876543', paidAt: '2026-05-06T07:19:03Z' },
  orderId: 'ORD-7781',
  corrects: null,
};

export const SAMPLE_DOCUMENTS: Record<DocumentLanguage, DocumentSnapshot> = {
  de: GERMAN_INVOICE,
  en: ENGLISH_INVOICE,
  it: ITALIAN_INVOICE,
  he: HEBREW_INVOICE,
};

/** A document with so many lines that they flow onto further pages. */
export function manyLines(snapshot: DocumentSnapshot, count: number): DocumentSnapshot {
  const lines = Array.from({ length: count }, (_, i) => ({
    description: `${snapshot.lines[0]?.description ?? 'Item'} #${i + 1}`,
    quantity: 1,
    unitAmount: 1000,
    amount: 1000,
  }));
  const gross = 1000 * count;
  const rate =
    snapshot.taxMode.kind === 'vat_included' || snapshot.taxMode.kind === 'israel_vat'
      ? snapshot.taxMode.rateBasisPoints
      : 0;
  const net = Math.round((gross * 10_000) / (10_000 + rate));
  return { ...snapshot, lines, totals: { net, tax: gross - net, gross } };
}
