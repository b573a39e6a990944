/**
 * Two business terms `@e-invoice-eu/core` 2.3.4 does not write into CII although its input
 * format has them, added to its XML where the CII schema (D16B, as used by Factur-X 1.0)
 * places them:
 * - BG-3, the invoice a credit note corrects: its mapping reads `cac:BillingReference/cbc:ID`,
 *   where its own schema puts `cac:InvoiceDocumentReference/cbc:ID`, so nothing comes out
 *   (gflohr/e-invoice-eu issue #455);
 * - BT-29, the seller identifier: its mapping loops over the party instead of its
 *   `cac:PartyIdentification` list, so nothing comes out.
 * Each addition refuses XML that already has the element, so a library that starts writing it
 * is noticed (by the tests) rather than producing it twice.
 */
import { escapeUTF8 } from 'entities';

/** The whitespace that starts the line `at` is on. */
function indentAt(xml: string, at: number): string {
  const start = xml.lastIndexOf('\n', at - 1) + 1;
  return /^[ \t]*/.exec(xml.slice(start, at))?.[0] ?? '';
}

/** `lines` as elements that follow, at the same depth, the element ending at `end`. */
function insertAfter(xml: string, end: number, lines: readonly string[]): string {
  const indent = indentAt(xml, end);
  return `${xml.slice(0, end)}${lines.map((line) => `\n${indent}${line}`).join('')}${xml.slice(end)}`;
}

function unique(xml: string, tag: string): number {
  const at = xml.indexOf(tag);
  if (at < 0 || xml.includes(tag, at + 1))
    throw new Error(`unexpected CII from @e-invoice-eu/core: expected one ${tag}`);
  return at;
}

const SUMMATION_END = '</ram:SpecifiedTradeSettlementHeaderMonetarySummation>';

/** BG-3 (BT-25 number, BT-26 date as `YYYY-MM-DD`), right after the header monetary summation; the date is a `qdt:` string there. */
export function withPrecedingInvoice(xml: string, number: string, issueDay: string): string {
  if (xml.includes('<ram:InvoiceReferencedDocument>'))
    throw new Error('the CII already names a preceding invoice');
  return insertAfter(xml, unique(xml, SUMMATION_END) + SUMMATION_END.length, [
    '<ram:InvoiceReferencedDocument>',
    `\t<ram:IssuerAssignedID>${escapeUTF8(number)}</ram:IssuerAssignedID>`,
    '\t<ram:FormattedIssueDateTime>',
    `\t\t<qdt:DateTimeString format="102">${issueDay.replaceAll('-', '')}</qdt:DateTimeString>`,
    '\t</ram:FormattedIssueDateTime>',
    '</ram:InvoiceReferencedDocument>',
  ]);
}

const SELLER = '<ram:SellerTradeParty>';

/** BT-29 as the seller party's first element (`ram:ID`, before `ram:Name`). */
export function withSellerIdentifier(xml: string, identifier: string): string {
  const open = unique(xml, SELLER);
  const first = xml.indexOf('<', open + SELLER.length);
  if (xml.startsWith('<ram:ID>', first) || xml.startsWith('<ram:GlobalID', first))
    throw new Error('the CII already identifies the seller');
  const indent = indentAt(xml, first);
  return `${xml.slice(0, first)}<ram:ID>${escapeUTF8(identifier)}</ram:ID>\n${indent}${xml.slice(first)}`;
}
