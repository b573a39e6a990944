/**
 * The texts of invoicing's e-mails: one subject and body per template and language, with
 * `{{placeholder}}`s filled from the document (or, for a Digistore24 sale, from the payment).
 * A seller profile may replace any of them (`templates` in its settings); the defaults below are
 * used for the rest. Plain text only, so nothing a buyer typed (their name) can become markup.
 */
import { didYouMean } from '../lib/closest-name.js';
import type { DocumentLanguage } from './document-snapshot.js';

/**
 * buyer*: to the buyer; seller*: the seller's notice. *Invoice and *CreditNote carry the
 * document as PDF; *PlatformSale is for a Digistore24 sale, where Digistore24 invoices the buyer
 * itself: no document, its invoice and receipt links instead (platform-sale-mails.ts).
 */
export const MAIL_TEMPLATE_KEYS = [
  'buyerInvoice',
  'buyerCreditNote',
  'sellerInvoice',
  'sellerCreditNote',
  'buyerPlatformSale',
  'sellerPlatformSale',
] as const;
export type MailTemplateKey = (typeof MAIL_TEMPLATE_KEYS)[number];

export interface MailTemplate {
  subject: string;
  body: string;
}

/** What a document mail's template may name, each filled from the document (amounts and dates in the document's language). */
export const MAIL_PLACEHOLDERS = [
  'number',
  'issueDate',
  'sellerName',
  'buyerName',
  'buyerEmail',
  'total',
  'orderId',
  'transactionId',
  'corrects',
  'lines',
] as const;
export type MailPlaceholder = (typeof MAIL_PLACEHOLDERS)[number];

/** What a Digistore24 sale's template may name, each filled from the payment and the profile. */
export const PLATFORM_SALE_PLACEHOLDERS = [
  'paymentDate',
  'sellerName',
  'buyerName',
  'buyerEmail',
  'total',
  'orderId',
  'transactionId',
  'lines',
  'invoiceUrl',
  'receiptUrl',
] as const;
export type PlatformSalePlaceholder = (typeof PLATFORM_SALE_PLACEHOLDERS)[number];

/** The placeholders the template `key` may name. */
export function placeholdersOf(key: MailTemplateKey): readonly string[] {
  return key === 'buyerPlatformSale' || key === 'sellerPlatformSale'
    ? PLATFORM_SALE_PLACEHOLDERS
    : MAIL_PLACEHOLDERS;
}

const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;

/** The placeholders of `text` that template `key` may not name, each with a "did you mean". */
export function unknownPlaceholders(text: string, key: MailTemplateKey): string[] {
  const names = placeholdersOf(key);
  const known: ReadonlySet<string> = new Set(names);
  return [...text.matchAll(PLACEHOLDER)]
    .map((match) => match[1] ?? '')
    .filter((name) => !known.has(name))
    .map((name) => `{{${name}}} is not a placeholder of ${key}${didYouMean(name, names)}`);
}

/** `text` with every known placeholder replaced; unknown ones cannot be stored (see unknownPlaceholders). */
export function fillTemplate<Name extends string>(
  text: string,
  values: Readonly<Record<Name, string>>,
): string {
  return text.replace(PLACEHOLDER, (whole, name: string) =>
    Object.hasOwn(values, name) ? values[name as Name] : whole,
  );
}

export const DEFAULT_MAIL_TEMPLATES: Readonly<
  Record<DocumentLanguage, Readonly<Record<MailTemplateKey, MailTemplate>>>
> = {
  de: {
    buyerInvoice: {
      subject: 'Ihre Rechnung {{number}} von {{sellerName}}',
      body: 'Guten Tag {{buyerName}},\n\nvielen Dank für Ihre Zahlung. Im Anhang finden Sie Ihre Rechnung {{number}} vom {{issueDate}} über {{total}}.\n\nMit freundlichen Grüßen\n{{sellerName}}\n',
    },
    buyerCreditNote: {
      subject: 'Ihre Gutschrift {{number}} von {{sellerName}}',
      body: 'Guten Tag {{buyerName}},\n\nim Anhang finden Sie die Gutschrift {{number}} vom {{issueDate}} über {{total}} zur Rechnung {{corrects}}.\n\nMit freundlichen Grüßen\n{{sellerName}}\n',
    },
    sellerInvoice: {
      subject: 'Neue Bestellung: {{total}} von {{buyerName}} ({{number}})',
      body: 'Neue Bestellung {{orderId}}\n\nKunde: {{buyerName}} <{{buyerEmail}}>\nBetrag: {{total}}\nRechnung: {{number}} vom {{issueDate}}\nTransaktion: {{transactionId}}\n\nPositionen:\n{{lines}}\n\nDie Rechnung liegt bei.\n',
    },
    sellerCreditNote: {
      subject: 'Erstattung: {{total}} an {{buyerName}} ({{number}})',
      body: 'Erstattung zur Bestellung {{orderId}}\n\nKunde: {{buyerName}} <{{buyerEmail}}>\nBetrag: {{total}}\nGutschrift: {{number}} vom {{issueDate}} zur Rechnung {{corrects}}\nTransaktion: {{transactionId}}\n\nDie Gutschrift liegt bei.\n',
    },
    buyerPlatformSale: {
      subject: 'Ihre Bestellung {{orderId}} bei {{sellerName}}',
      body: 'Guten Tag {{buyerName}},\n\nvielen Dank für Ihre Bestellung über {{total}}. Ihre Rechnung stellt unser Vertriebspartner Digistore24 aus:\n\nRechnung: {{invoiceUrl}}\nZahlungsbeleg: {{receiptUrl}}\n\nMit freundlichen Grüßen\n{{sellerName}}\n',
    },
    sellerPlatformSale: {
      subject: 'Neue Bestellung: {{total}} von {{buyerName}} ({{orderId}})',
      body: 'Neue Bestellung {{orderId}} über Digistore24\n\nKunde: {{buyerName}} <{{buyerEmail}}>\nBetrag: {{total}}\nDatum: {{paymentDate}}\nTransaktion: {{transactionId}}\n\nPositionen:\n{{lines}}\n\nRechnung von Digistore24: {{invoiceUrl}}\nZahlungsbeleg: {{receiptUrl}}\n',
    },
  },
  en: {
    buyerInvoice: {
      subject: 'Your invoice {{number}} from {{sellerName}}',
      body: 'Hello {{buyerName}},\n\nthank you for your payment. Attached is your invoice {{number}} of {{issueDate}} for {{total}}.\n\nKind regards\n{{sellerName}}\n',
    },
    buyerCreditNote: {
      subject: 'Your credit note {{number}} from {{sellerName}}',
      body: 'Hello {{buyerName}},\n\nattached is credit note {{number}} of {{issueDate}} for {{total}}, correcting invoice {{corrects}}.\n\nKind regards\n{{sellerName}}\n',
    },
    sellerInvoice: {
      subject: 'New order: {{total}} from {{buyerName}} ({{number}})',
      body: 'New order {{orderId}}\n\nBuyer: {{buyerName}} <{{buyerEmail}}>\nAmount: {{total}}\nInvoice: {{number}} of {{issueDate}}\nTransaction: {{transactionId}}\n\nItems:\n{{lines}}\n\nThe invoice is attached.\n',
    },
    sellerCreditNote: {
      subject: 'Refund: {{total}} to {{buyerName}} ({{number}})',
      body: 'Refund for order {{orderId}}\n\nBuyer: {{buyerName}} <{{buyerEmail}}>\nAmount: {{total}}\nCredit note: {{number}} of {{issueDate}}, correcting invoice {{corrects}}\nTransaction: {{transactionId}}\n\nThe credit note is attached.\n',
    },
    buyerPlatformSale: {
      subject: 'Your order {{orderId}} from {{sellerName}}',
      body: 'Hello {{buyerName}},\n\nthank you for your order of {{total}}. Your invoice is issued by our reseller Digistore24:\n\nInvoice: {{invoiceUrl}}\nReceipt: {{receiptUrl}}\n\nKind regards\n{{sellerName}}\n',
    },
    sellerPlatformSale: {
      subject: 'New order: {{total}} from {{buyerName}} ({{orderId}})',
      body: 'New order {{orderId}} through Digistore24\n\nBuyer: {{buyerName}} <{{buyerEmail}}>\nAmount: {{total}}\nDate: {{paymentDate}}\nTransaction: {{transactionId}}\n\nItems:\n{{lines}}\n\nDigistore24 invoice: {{invoiceUrl}}\nReceipt: {{receiptUrl}}\n',
    },
  },
  it: {
    buyerInvoice: {
      subject: 'La sua fattura {{number}} da {{sellerName}}',
      body: 'Gentile {{buyerName}},\n\ngrazie per il pagamento. In allegato trova la fattura {{number}} del {{issueDate}} di {{total}}.\n\nCordiali saluti\n{{sellerName}}\n',
    },
    buyerCreditNote: {
      subject: 'La sua nota di credito {{number}} da {{sellerName}}',
      body: 'Gentile {{buyerName}},\n\nin allegato trova la nota di credito {{number}} del {{issueDate}} di {{total}}, relativa alla fattura {{corrects}}.\n\nCordiali saluti\n{{sellerName}}\n',
    },
    sellerInvoice: {
      subject: 'Nuovo ordine: {{total}} da {{buyerName}} ({{number}})',
      body: 'Nuovo ordine {{orderId}}\n\nCliente: {{buyerName}} <{{buyerEmail}}>\nImporto: {{total}}\nFattura: {{number}} del {{issueDate}}\nTransazione: {{transactionId}}\n\nArticoli:\n{{lines}}\n\nLa fattura è in allegato.\n',
    },
    sellerCreditNote: {
      subject: 'Rimborso: {{total}} a {{buyerName}} ({{number}})',
      body: "Rimborso per l'ordine {{orderId}}\n\nCliente: {{buyerName}} <{{buyerEmail}}>\nImporto: {{total}}\nNota di credito: {{number}} del {{issueDate}}, relativa alla fattura {{corrects}}\nTransazione: {{transactionId}}\n\nLa nota di credito è in allegato.\n",
    },
    buyerPlatformSale: {
      subject: 'Il suo ordine {{orderId}} da {{sellerName}}',
      body: 'Gentile {{buyerName}},\n\ngrazie per il suo ordine di {{total}}. La fattura è emessa dal nostro rivenditore Digistore24:\n\nFattura: {{invoiceUrl}}\nRicevuta: {{receiptUrl}}\n\nCordiali saluti\n{{sellerName}}\n',
    },
    sellerPlatformSale: {
      subject: 'Nuovo ordine: {{total}} da {{buyerName}} ({{orderId}})',
      body: 'Nuovo ordine {{orderId}} tramite Digistore24\n\nCliente: {{buyerName}} <{{buyerEmail}}>\nImporto: {{total}}\nData: {{paymentDate}}\nTransazione: {{transactionId}}\n\nArticoli:\n{{lines}}\n\nFattura di Digistore24: {{invoiceUrl}}\nRicevuta: {{receiptUrl}}\n',
    },
  },
  he: {
    buyerInvoice: {
      subject: 'חשבונית מס/קבלה {{number}} מאת {{sellerName}}',
      body: 'שלום {{buyerName}},\n\nתודה על התשלום. מצורפת חשבונית מס/קבלה {{number}} מתאריך {{issueDate}} על סך {{total}}.\n\nבברכה,\n{{sellerName}}\n',
    },
    buyerCreditNote: {
      subject: 'חשבונית זיכוי {{number}} מאת {{sellerName}}',
      body: 'שלום {{buyerName}},\n\nמצורפת חשבונית זיכוי {{number}} מתאריך {{issueDate}} על סך {{total}}, לחשבונית {{corrects}}.\n\nבברכה,\n{{sellerName}}\n',
    },
    sellerInvoice: {
      subject: 'הזמנה חדשה: {{total}} מאת {{buyerName}} ({{number}})',
      body: 'הזמנה חדשה {{orderId}}\n\nלקוח: {{buyerName}} <{{buyerEmail}}>\nסכום: {{total}}\nחשבונית: {{number}} מתאריך {{issueDate}}\nעסקה: {{transactionId}}\n\nפריטים:\n{{lines}}\n\nהחשבונית מצורפת.\n',
    },
    sellerCreditNote: {
      subject: 'החזר: {{total}} ל{{buyerName}} ({{number}})',
      body: 'החזר להזמנה {{orderId}}\n\nלקוח: {{buyerName}} <{{buyerEmail}}>\nסכום: {{total}}\nחשבונית זיכוי: {{number}} מתאריך {{issueDate}}, לחשבונית {{corrects}}\nעסקה: {{transactionId}}\n\nחשבונית הזיכוי מצורפת.\n',
    },
    buyerPlatformSale: {
      subject: 'ההזמנה שלך {{orderId}} מאת {{sellerName}}',
      body: 'שלום {{buyerName}},\n\nתודה על הזמנתך על סך {{total}}. את החשבונית מנפיקה Digistore24, המשווקת שלנו:\n\nחשבונית: {{invoiceUrl}}\nקבלה: {{receiptUrl}}\n\nבברכה,\n{{sellerName}}\n',
    },
    sellerPlatformSale: {
      subject: 'הזמנה חדשה: {{total}} מאת {{buyerName}} ({{orderId}})',
      body: 'הזמנה חדשה {{orderId}} דרך Digistore24\n\nלקוח: {{buyerName}} <{{buyerEmail}}>\nסכום: {{total}}\nתאריך: {{paymentDate}}\nעסקה: {{transactionId}}\n\nפריטים:\n{{lines}}\n\nחשבונית של Digistore24: {{invoiceUrl}}\nקבלה: {{receiptUrl}}\n',
    },
  },
};
