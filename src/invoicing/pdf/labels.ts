/**
 * Every word printed on a document, per language. The table is typed so that a language that
 * lacks a key does not compile, and labels.test.ts also fails on an empty text. The legal notes
 * are in legal-notes.ts; what each country requires is in docs/invoicing.md ("Documents").
 */
import type { DocumentLanguage } from '../document-snapshot.js';

export interface DocumentLabels {
  /** BCP 47 locale for `Intl` (numbers, amounts, dates). */
  locale: string;
  direction: 'ltr' | 'rtl';
  titles: {
    invoice: string;
    creditNote: string;
    /** Israeli VAT: the combined tax invoice and receipt. */
    taxInvoiceReceipt: string;
    /** Israeli VAT: the credit tax invoice that corrects one. */
    taxCreditNote: string;
    /** An Israeli exempt dealer, who may not issue a tax invoice, issues a receipt. */
    receipt: string;
  };
  number: string;
  issueDate: string;
  supplyDate: string;
  refundDate: string;
  billTo: string;
  orderId: string;
  paymentMethod: string;
  paidOn: string;
  transactionId: string;
  /** "Corrects invoice RE-2026-000123 of 2 January 2026". */
  corrects: (number: string, date: string) => string;
  columns: { description: string; quantity: string; unitPrice: string; amount: string };
  totals: {
    net: string;
    vat: (rate: string) => string;
    grossWithVat: string;
    total: string;
    credited: string;
  };
  vatId: string;
  taxNumber: string;
  /** The Italian codice fiscale (an Italian seller's `taxNumber`). */
  fiscalCode: string;
  /** The Israeli licensed dealer (עוסק מורשה) number, for Israeli VAT. */
  licensedDealer: string;
  /** The Israeli exempt dealer (עוסק פטור) number, for an Israeli small business. */
  exemptDealer: string;
  email: string;
  /** Israeli tax documents are marked as the original or as a copy. */
  original: string;
  copy: string;
  page: (page: number, pages: number) => string;
}

export const DOCUMENT_LABELS: Record<DocumentLanguage, DocumentLabels> = {
  de: {
    locale: 'de-DE',
    direction: 'ltr',
    titles: {
      invoice: 'Rechnung',
      creditNote: 'Rechnungskorrektur',
      taxInvoiceReceipt: 'Steuerrechnung / Quittung',
      taxCreditNote: 'Steuerliche Rechnungskorrektur',
      receipt: 'Quittung',
    },
    number: 'Nummer',
    issueDate: 'Rechnungsdatum',
    supplyDate: 'Leistungsdatum',
    refundDate: 'Datum der Erstattung',
    billTo: 'Rechnungsempfänger',
    orderId: 'Bestellnummer',
    paymentMethod: 'Zahlungsart',
    paidOn: 'Bezahlt am',
    transactionId: 'Transaktions-ID',
    corrects: (number, date) => `Korrektur der Rechnung ${number} vom ${date}`,
    columns: {
      description: 'Beschreibung',
      quantity: 'Menge',
      unitPrice: 'Einzelpreis',
      amount: 'Betrag',
    },
    totals: {
      net: 'Nettobetrag',
      vat: (rate) => `Umsatzsteuer ${rate}`,
      grossWithVat: 'Gesamtbetrag inkl. USt.',
      total: 'Gesamtbetrag',
      credited: 'Erstatteter Betrag',
    },
    vatId: 'USt-IdNr.',
    taxNumber: 'Steuernummer',
    fiscalCode: 'Codice fiscale',
    licensedDealer: 'Zugelassener Unternehmer (Osek Murshe) Nr.',
    exemptDealer: 'Befreiter Unternehmer (Osek Patur) Nr.',
    email: 'E-Mail',
    original: 'Original',
    copy: 'Kopie',
    page: (page, pages) => `Seite ${page} von ${pages}`,
  },
  en: {
    locale: 'en-GB',
    direction: 'ltr',
    titles: {
      invoice: 'Invoice',
      creditNote: 'Credit note',
      taxInvoiceReceipt: 'Tax invoice / receipt',
      taxCreditNote: 'Credit tax invoice',
      receipt: 'Receipt',
    },
    number: 'Number',
    issueDate: 'Date of issue',
    supplyDate: 'Date of supply',
    refundDate: 'Date of refund',
    billTo: 'Bill to',
    orderId: 'Order number',
    paymentMethod: 'Payment method',
    paidOn: 'Paid on',
    transactionId: 'Transaction ID',
    corrects: (number, date) => `Corrects invoice ${number} of ${date}`,
    columns: {
      description: 'Description',
      quantity: 'Qty',
      unitPrice: 'Unit price',
      amount: 'Amount',
    },
    totals: {
      net: 'Net amount',
      vat: (rate) => `VAT ${rate}`,
      grossWithVat: 'Total incl. VAT',
      total: 'Total',
      credited: 'Amount credited',
    },
    vatId: 'VAT ID',
    taxNumber: 'Tax number',
    fiscalCode: 'Tax code (codice fiscale)',
    licensedDealer: 'Licensed dealer (Osek Murshe) no.',
    exemptDealer: 'Exempt dealer (Osek Patur) no.',
    email: 'E-mail',
    original: 'Original',
    copy: 'Copy',
    page: (page, pages) => `Page ${page} of ${pages}`,
  },
  it: {
    locale: 'it-IT',
    direction: 'ltr',
    titles: {
      invoice: 'Fattura',
      creditNote: 'Nota di credito',
      taxInvoiceReceipt: 'Fattura fiscale / ricevuta',
      taxCreditNote: 'Nota di credito fiscale',
      receipt: 'Ricevuta',
    },
    number: 'Numero',
    issueDate: 'Data di emissione',
    supplyDate: "Data dell'operazione",
    refundDate: 'Data del rimborso',
    billTo: 'Destinatario',
    orderId: 'Numero ordine',
    paymentMethod: 'Metodo di pagamento',
    paidOn: 'Pagato il',
    transactionId: 'ID transazione',
    corrects: (number, date) => `Rettifica della fattura n. ${number} del ${date}`,
    columns: {
      description: 'Descrizione',
      quantity: 'Q.tà',
      unitPrice: 'Prezzo unitario',
      amount: 'Importo',
    },
    totals: {
      net: 'Imponibile',
      vat: (rate) => `IVA ${rate}`,
      grossWithVat: 'Totale IVA inclusa',
      total: 'Totale',
      credited: 'Importo accreditato',
    },
    vatId: 'Partita IVA',
    taxNumber: 'Numero fiscale',
    fiscalCode: 'Codice fiscale',
    licensedDealer: 'Operatore autorizzato (Osek Murshe) n.',
    exemptDealer: 'Operatore esente (Osek Patur) n.',
    email: 'E-mail',
    original: 'Originale',
    copy: 'Copia',
    page: (page, pages) => `Pagina ${page} di ${pages}`,
  },
  he: {
    locale: 'he-IL',
    direction: 'rtl',
    titles: {
      invoice: 'חשבונית',
      creditNote: 'חשבונית זיכוי',
      taxInvoiceReceipt: 'חשבונית מס/קבלה',
      taxCreditNote: 'חשבונית מס זיכוי',
      receipt: 'קבלה',
    },
    number: 'מספר',
    issueDate: 'תאריך הפקה',
    supplyDate: 'תאריך העסקה',
    refundDate: 'תאריך ההחזר',
    billTo: 'לכבוד',
    orderId: 'מספר הזמנה',
    paymentMethod: 'אמצעי תשלום',
    paidOn: 'תאריך התשלום',
    transactionId: 'מזהה עסקה',
    corrects: (number, date) => `זיכוי לחשבונית מס׳ ${number} מיום ${date}`,
    columns: { description: 'תיאור', quantity: 'כמות', unitPrice: 'מחיר ליחידה', amount: 'סכום' },
    totals: {
      net: 'סה״כ לפני מע״מ',
      vat: (rate) => `מע״מ ${rate}`,
      grossWithVat: 'סה״כ כולל מע״מ',
      total: 'סה״כ',
      credited: 'סכום הזיכוי',
    },
    vatId: 'מספר מע״מ',
    taxNumber: 'מספר מזהה לצורכי מס',
    fiscalCode: 'Codice fiscale',
    licensedDealer: 'עוסק מורשה מס׳',
    exemptDealer: 'עוסק פטור מס׳',
    email: 'דוא״ל',
    original: 'מקור',
    copy: 'העתק',
    page: (page, pages) => `עמוד ${page} מתוך ${pages}`,
  },
};
