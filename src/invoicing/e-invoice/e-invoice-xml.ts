/**
 * The EN 16931 e-invoice of a document as UN/CEFACT CII XML, the syntax Factur-X / ZUGFeRD
 * embeds. `@e-invoice-eu/core` writes it from the data `en16931Invoice` derives; ipnhub adds
 * the one part that library leaves out (below).
 */
import { InvoiceService } from '@e-invoice-eu/core';
import type { Invoice, Logger } from '@e-invoice-eu/core';
import { escapeUTF8 } from 'entities';
import type { DocumentSnapshot } from '../document-snapshot.js';
import { assertEInvoiceable } from './e-invoice-problems.js';
import { dayIn, en16931Invoice } from './en16931-invoice.js';

/** The library reports invalid input by throwing; its log would repeat that (with the data's paths), so it stays quiet. */
const QUIET: Logger = { log: () => undefined, warn: () => undefined, error: () => undefined };

export const invoiceService = new InvoiceService(QUIET);

/** Library options common to the XML and the Factur-X PDF. */
export function libraryLanguage(snapshot: DocumentSnapshot): string {
  return snapshot.language;
}

interface AjvLikeError {
  errors?: readonly { instancePath?: string; message?: string }[];
}

/** Runs the library, turning its schema-validation error (a bug in `en16931Invoice`) into a plain error that says where. */
export async function generateWithLibrary(invoice: Invoice, options: Parameters<InvoiceService['generate']>[1]): Promise<string | Uint8Array> {
  try {
    return await invoiceService.generate(invoice, options);
  } catch (err) {
    const errors = (err as AjvLikeError).errors;
    if (!Array.isArray(errors)) throw err;
    const where = errors.map((e) => `${e.instancePath ?? ''} ${e.message ?? ''}`.trim()).join('; ');
    throw new Error(`@e-invoice-eu/core rejected the e-invoice data: ${where}`, { cause: err });
  }
}

const SUMMATION_END = '</ram:SpecifiedTradeSettlementHeaderMonetarySummation>';

/**
 * BG-3, the preceding invoice a credit note corrects (BT-25 number, BT-26 date). Version 2.3.4
 * of `@e-invoice-eu/core` drops it from CII output (its mapping reads the number from
 * `cac:BillingReference/cbc:ID`, where its own schema puts it under
 * `cac:InvoiceDocumentReference`; gflohr/e-invoice-eu issue #455), so it is added here, where
 * the CII schema (D16B) places `ram:InvoiceReferencedDocument`: right after the header
 * monetary summation. The date is a `qdt:` (qualified) date-time string there.
 */
export function withPrecedingInvoice(xml: string, number: string, issueDay: string): string {
  const at = xml.indexOf(SUMMATION_END);
  if (at < 0 || xml.includes(SUMMATION_END, at + 1) || xml.includes('<ram:InvoiceReferencedDocument>')) {
    throw new Error('unexpected CII from @e-invoice-eu/core: cannot place the preceding invoice reference');
  }
  const indent = xml.slice(xml.lastIndexOf('\n', at) + 1, at);
  const block = [
    '<ram:InvoiceReferencedDocument>',
    `\t<ram:IssuerAssignedID>${escapeUTF8(number)}</ram:IssuerAssignedID>`,
    '\t<ram:FormattedIssueDateTime>',
    `\t\t<qdt:DateTimeString format="102">${issueDay.replaceAll('-', '')}</qdt:DateTimeString>`,
    '\t</ram:FormattedIssueDateTime>',
    '</ram:InvoiceReferencedDocument>',
  ];
  const end = at + SUMMATION_END.length;
  return `${xml.slice(0, end)}${block.map((line) => `\n${indent}${line}`).join('')}${xml.slice(end)}`;
}

/**
 * The document's e-invoice as CII XML (EN 16931, the Factur-X EN 16931 / ZUGFeRD COMFORT
 * content). Throws `EINVOICE_INCOMPLETE` or `EINVOICE_AMOUNTS_INVALID` when the snapshot
 * cannot make a valid one.
 */
export async function eInvoiceXml(snapshot: DocumentSnapshot): Promise<string> {
  assertEInvoiceable(snapshot);
  const xml = await generateWithLibrary(en16931Invoice(snapshot), { format: 'CII', lang: libraryLanguage(snapshot), noWarnings: true });
  if (typeof xml !== 'string') throw new Error('@e-invoice-eu/core returned no XML for the CII format');
  const { corrects } = snapshot;
  return corrects === null ? xml : withPrecedingInvoice(xml, corrects.number.trim(), dayIn(corrects.issuedAt, snapshot.timeZone));
}
