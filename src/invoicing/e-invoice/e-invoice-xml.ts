/**
 * The EN 16931 e-invoice of a document as UN/CEFACT CII XML, the syntax Factur-X / ZUGFeRD
 * embeds. `@e-invoice-eu/core` writes it from the data `en16931Invoice` derives; ipnhub adds
 * the two parts that library leaves out (cii-additions.ts).
 */
import { InvoiceService } from '@e-invoice-eu/core';
import type { Invoice, Logger } from '@e-invoice-eu/core';
import { calendarDay } from '../../lib/calendar-day.js';
import type { DocumentSnapshot } from '../document-snapshot.js';
import { assertEInvoiceable } from './e-invoice-problems.js';
import { withPrecedingInvoice, withSellerIdentifier } from './cii-additions.js';
import { en16931Invoice, sellerIdentifier } from './en16931-invoice.js';

/** The library reports invalid input by throwing; its log would repeat that (with the data's paths), so it stays quiet. */
const QUIET: Logger = { log: () => undefined, warn: () => undefined, error: () => undefined };

const invoiceService = new InvoiceService(QUIET);

interface AjvLikeError {
  errors?: readonly { instancePath?: string; message?: string }[];
}

/** Runs the library, turning its schema-validation error (a bug in `en16931Invoice`) into a plain error that says where. */
export async function generateWithLibrary(
  invoice: Invoice,
  options: Parameters<InvoiceService['generate']>[1],
): Promise<string | Uint8Array> {
  try {
    return await invoiceService.generate(invoice, options);
  } catch (err) {
    const errors = (err as AjvLikeError).errors;
    if (!Array.isArray(errors)) throw err;
    const where = errors.map((e) => `${e.instancePath ?? ''} ${e.message ?? ''}`.trim()).join('; ');
    throw new Error(`@e-invoice-eu/core rejected the e-invoice data: ${where}`, { cause: err });
  }
}

/**
 * The document's e-invoice as CII XML (EN 16931, the Factur-X EN 16931 / ZUGFeRD COMFORT
 * content). Throws `EINVOICE_INCOMPLETE` or `EINVOICE_AMOUNTS_INVALID` when the snapshot
 * cannot make a valid one.
 */
export async function eInvoiceXml(snapshot: DocumentSnapshot): Promise<string> {
  assertEInvoiceable(snapshot);
  const xml = await generateWithLibrary(en16931Invoice(snapshot), {
    format: 'CII',
    lang: snapshot.language,
    noWarnings: true,
  });
  if (typeof xml !== 'string')
    throw new Error('@e-invoice-eu/core returned no XML for the CII format');
  const identifier = sellerIdentifier(snapshot.seller);
  const identified = identifier === null ? xml : withSellerIdentifier(xml, identifier);
  const { corrects } = snapshot;
  return corrects === null
    ? identified
    : withPrecedingInvoice(
        identified,
        corrects.number.trim(),
        calendarDay(corrects.issuedAt, snapshot.timeZone),
      );
}
