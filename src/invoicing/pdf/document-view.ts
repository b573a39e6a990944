/**
 * What a document prints, worked out from its snapshot as plain texts: the template
 * (document-template.tsx) only lays these out. Which fields each country requires is in
 * docs/invoicing.md ("Documents").
 */
import type { DocumentParty, DocumentSeller, DocumentSnapshot } from '../document-snapshot.js';
import { documentFormatter } from './format.js';
import type { DocumentFormatter } from './format.js';
import { DOCUMENT_LABELS } from './labels.js';
import type { DocumentLabels } from './labels.js';
import { legalNotes } from './legal-notes.js';

export interface LabelledValue {
  label: string;
  value: string;
}

export interface LineView {
  description: string;
  quantity: string;
  unitPrice: string;
  amount: string;
}

export interface DocumentView {
  labels: DocumentLabels;
  title: string;
  number: string;
  /** Israeli tax documents only: "original" or "copy". */
  originalMark: string | null;
  /** Number, dates, order: the block beside the addresses. */
  facts: LabelledValue[];
  /** "Corrects invoice … of …" on a credit note. */
  corrects: string | null;
  seller: { name: string; lines: string[] };
  buyer: { heading: string; lines: string[] };
  lines: LineView[];
  totals: LabelledValue[];
  payment: LabelledValue[];
  notes: string[];
  /** Printed at the foot of every page, column by column. */
  footer: { columns: string[][]; text: string | null };
  /** "Page 1 of 2". */
  page: (page: number, pages: number) => string;
  logo: DocumentSeller['logo'];
}

export interface DocumentViewOptions {
  /** Mark an Israeli tax document as a copy instead of the original. */
  copy?: boolean;
}

function documentTitle(snapshot: DocumentSnapshot, labels: DocumentLabels): string {
  const credit = snapshot.kind === 'credit_note';
  if (snapshot.taxMode.kind === 'israel_vat')
    return credit ? labels.titles.taxCreditNote : labels.titles.taxInvoiceReceipt;
  if (snapshot.taxMode.kind === 'small_business' && isCountry(snapshot.seller, 'IL') && !credit)
    return labels.titles.receipt;
  return credit ? labels.titles.creditNote : labels.titles.invoice;
}

function isCountry(party: DocumentParty, code: string): boolean {
  return party.countryCode?.toUpperCase() === code;
}

/** The seller's tax identifiers under the names the seller's country gives them. */
function sellerIdentifiers(snapshot: DocumentSnapshot, labels: DocumentLabels): LabelledValue[] {
  const { seller, taxMode } = snapshot;
  const rows: LabelledValue[] = [];
  if (seller.taxNumber) {
    let label = labels.taxNumber;
    if (isCountry(seller, 'IL'))
      label = taxMode.kind === 'small_business' ? labels.exemptDealer : labels.licensedDealer;
    else if (isCountry(seller, 'IT')) label = labels.fiscalCode;
    rows.push({ label, value: seller.taxNumber });
  }
  if (seller.vatId) rows.push({ label: labels.vatId, value: seller.vatId });
  return rows;
}

function joined(row: LabelledValue): string {
  return `${row.label}: ${row.value}`;
}

function partyLines(party: DocumentParty, labels: DocumentLabels): string[] {
  return [
    ...(party.company ? [party.company] : []),
    party.name,
    ...party.addressLines,
    ...(party.vatId ? [joined({ label: labels.vatId, value: party.vatId })] : []),
    ...(party.email ? [party.email] : []),
  ].filter((line) => line.trim() !== '');
}

function totalsRows(
  snapshot: DocumentSnapshot,
  labels: DocumentLabels,
  format: DocumentFormatter,
  sign: number,
): LabelledValue[] {
  const { totals, taxMode } = snapshot;
  const money = (minor: number): string => format.money(sign * minor);
  switch (taxMode.kind) {
    case 'vat_included':
    case 'israel_vat':
      return [
        { label: labels.totals.net, value: money(totals.net) },
        {
          label: labels.totals.vat(format.percent(taxMode.rateBasisPoints)),
          value: money(totals.tax),
        },
        {
          label:
            snapshot.kind === 'credit_note' ? labels.totals.credited : labels.totals.grossWithVat,
          value: money(totals.gross),
        },
      ];
    case 'small_business':
    case 'reverse_charge':
      return [
        {
          label: snapshot.kind === 'credit_note' ? labels.totals.credited : labels.totals.total,
          value: money(totals.gross),
        },
      ];
  }
}

export function documentView(
  snapshot: DocumentSnapshot,
  options: DocumentViewOptions = {},
): DocumentView {
  const labels = DOCUMENT_LABELS[snapshot.language];
  const format = documentFormatter(labels.locale, snapshot.currency, snapshot.timeZone);
  const credit = snapshot.kind === 'credit_note';
  // A credit note takes the amounts back: they print negative, as on a cancellation invoice.
  const sign = credit ? -1 : 1;
  const identifiers = sellerIdentifiers(snapshot, labels);
  const { seller, buyer, payment } = snapshot;

  const facts: LabelledValue[] = [
    { label: labels.number, value: snapshot.number },
    { label: labels.issueDate, value: format.instantDate(snapshot.issuedAt) },
    {
      label: credit ? labels.refundDate : labels.supplyDate,
      value: format.calendarDate(snapshot.supplyDate),
    },
    ...(snapshot.orderId ? [{ label: labels.orderId, value: snapshot.orderId }] : []),
  ];
  const paymentRows: LabelledValue[] = [
    { label: labels.paymentMethod, value: payment.method },
    ...(credit ? [] : [{ label: labels.paidOn, value: format.instantDate(payment.paidAt) }]),
    ...(payment.transactionId
      ? [{ label: labels.transactionId, value: payment.transactionId }]
      : []),
  ];

  return {
    labels,
    title: documentTitle(snapshot, labels),
    number: snapshot.number,
    originalMark:
      snapshot.taxMode.kind === 'israel_vat'
        ? options.copy
          ? labels.copy
          : labels.original
        : null,
    facts,
    corrects: snapshot.corrects
      ? labels.corrects(snapshot.corrects.number, format.instantDate(snapshot.corrects.issuedAt))
      : null,
    seller: {
      name: seller.name,
      lines: [...seller.addressLines, ...identifiers.map(joined)],
    },
    buyer: { heading: labels.billTo, lines: partyLines(buyer, labels) },
    lines: snapshot.lines.map((line) => ({
      description: line.description,
      quantity: format.quantity(line.quantity),
      unitPrice: format.money(sign * line.unitAmount),
      amount: format.money(sign * line.amount),
    })),
    totals: totalsRows(snapshot, labels, format, sign),
    payment: paymentRows,
    notes: legalNotes(snapshot),
    footer: {
      columns: [
        [seller.name, ...seller.addressLines],
        [
          ...seller.contactLines,
          ...(seller.email ? [joined({ label: labels.email, value: seller.email })] : []),
          ...identifiers.map(joined),
        ],
        seller.bankLines,
      ].filter((column) => column.length > 0),
      text: seller.footer,
    },
    page: labels.page,
    logo: seller.logo,
  };
}
