/**
 * What an issued document (invoice-receipt or credit note) says, frozen at the moment it was
 * issued. A document is immutable once it has its number: this snapshot is stored with it, and
 * the PDF is rendered from the snapshot alone — never from the profile, the ledger or the event
 * as they are later — so rendering the same document again gives the same content.
 *
 * Money is integer minor units of `currency` (src/core/money.ts). Amounts are positive on a
 * credit note too: the kind says that they are credited.
 */

/** The languages documents are written in (the UI's four). */
export const DOCUMENT_LANGUAGES = ['de', 'en', 'it', 'he'] as const;
export type DocumentLanguage = (typeof DOCUMENT_LANGUAGES)[number];

export type DocumentKind = 'invoice' | 'credit_note';

/**
 * How tax is shown on the document, chosen per seller profile:
 * - `vat_included`: prices include VAT at `rateBasisPoints` (1900 = 19 %); the document shows
 *   net, VAT and gross per rate.
 * - `small_business`: no VAT charged (e.g. German small-business rule); the legal note says so.
 * - `reverse_charge`: no VAT charged to a business buyer with a VAT id in another EU country;
 *   the legal note says the buyer owes the tax, and both VAT ids are shown.
 * - `israel_vat`: prices include Israeli VAT at `rateBasisPoints` (1800 = 18 %).
 */
export type DocumentTaxMode =
  | { kind: 'vat_included'; rateBasisPoints: number }
  | { kind: 'small_business' }
  | { kind: 'reverse_charge' }
  | { kind: 'israel_vat'; rateBasisPoints: number };

export interface DocumentParty {
  /** Legal name of the seller; the buyer's full name. */
  name: string;
  /** The buyer's company, when given. */
  company: string | null;
  /** Street, postal code and city, … as lines, in the order they are printed. */
  addressLines: string[];
  /** ISO 3166-1 alpha-2, when known. */
  countryCode: string | null;
  vatId: string | null;
  email: string | null;
}

export interface DocumentSeller extends DocumentParty {
  /** The seller's tax number (e.g. German Steuernummer, Israeli עוסק number), when not only a VAT id. */
  taxNumber: string | null;
  /** Phone, web site, … as printed. */
  contactLines: string[];
  /** Bank details as printed. */
  bankLines: string[];
  /** Free text printed at the foot of every page. */
  footer: string | null;
  /** The logo as uploaded (PNG or JPEG), base64, or null. */
  logo: { mediaType: 'image/png' | 'image/jpeg'; base64: string } | null;
}

export interface DocumentLine {
  description: string;
  quantity: number;
  /** Gross price of one unit. */
  unitAmount: number;
  /** Gross amount of the line (quantity × unit, as the payment said). */
  amount: number;
}

export interface DocumentTotals {
  /** Sum of the lines without tax. */
  net: number;
  /** Tax included in `gross` (0 when none is charged). */
  tax: number;
  gross: number;
}

export interface DocumentSnapshot {
  kind: DocumentKind;
  /** The full printed number, e.g. `RE-2026-000123`. */
  number: string;
  /** When it was issued (ISO 8601, UTC). */
  issuedAt: string;
  /** The day of the payment or refund it documents (`YYYY-MM-DD`, seller's time zone). */
  supplyDate: string;
  language: DocumentLanguage;
  /** IANA zone in which dates are printed (the seller profile's). */
  timeZone: string;
  currency: string;
  seller: DocumentSeller;
  buyer: DocumentParty;
  lines: DocumentLine[];
  totals: DocumentTotals;
  taxMode: DocumentTaxMode;
  /** How it was paid or refunded, e.g. `PayPal`, with the provider's transaction id. */
  payment: { method: string; transactionId: string | null; paidAt: string };
  /** The order at the provider. */
  orderId: string | null;
  /** For a credit note: the invoice it corrects. */
  corrects: { number: string; issuedAt: string } | null;
}
