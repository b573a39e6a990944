/**
 * The accountant's export of a period: a CSV with one row per document (numbers in series
 * order, amounts as decimals, the PDF's SHA-256, whether the PDF carries the e-invoice), and a ZIP with that CSV and every rendered
 * PDF as `<number>.pdf` (fflate: small, dependency-free, in memory — a period's PDFs are a
 * few megabytes).
 */
import { zipSync } from 'fflate';
import type { Kysely } from 'kysely';
import { formatMoney } from '../core/money.js';
import type { Database } from '../db/schema.js';
import { pdfFileName } from './document-mails.js';
import type { DocumentFilters } from './documents-query.js';
import { documentsOfPeriod } from './documents-query.js';

export type PeriodFilters = Omit<DocumentFilters, 'cursor' | 'limit'>;

const COLUMNS = [
  'number',
  'kind',
  'issued_at',
  'supply_date',
  'corrects',
  'buyer_name',
  'buyer_company',
  'buyer_email',
  'buyer_country',
  'order_id',
  'transaction_id',
  'payment_method',
  'currency',
  'net',
  'tax',
  'gross',
  'tax_mode',
  'tax_rate_percent',
  'pdf_file',
  'pdf_sha256',
  'e_invoice',
  'e_invoice_refused_reason',
] as const;

/**
 * One CSV field: quoted when it holds a separator, quote or line break; a text that a
 * spreadsheet would run as a formula (starting with =, +, -, @) gets a leading apostrophe.
 */
function field(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

async function pdfHashes(
  db: Kysely<Database>,
  ids: readonly string[],
): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .selectFrom('document_pdfs')
    .select(['document_id', 'sha256'])
    .where('document_id', 'in', ids)
    .execute();
  return new Map(rows.map((row) => [row.document_id, row.sha256]));
}

export async function exportCsv(db: Kysely<Database>, filters: PeriodFilters): Promise<string> {
  const documents = await documentsOfPeriod(db, filters);
  const hashes = await pdfHashes(
    db,
    documents.map((d) => d.id),
  );
  const lines = [COLUMNS.join(',')];
  for (const doc of documents) {
    const s = doc.snapshot;
    const rate =
      s.taxMode.kind === 'vat_included' || s.taxMode.kind === 'israel_vat'
        ? formatMoney(s.taxMode.rateBasisPoints, 'EUR')
        : '0.00';
    const sha = hashes.get(doc.id);
    const values: Record<(typeof COLUMNS)[number], string> = {
      number: s.number,
      kind: s.kind,
      issued_at: s.issuedAt,
      supply_date: s.supplyDate,
      corrects: s.corrects?.number ?? '',
      buyer_name: s.buyer.name,
      buyer_company: s.buyer.company ?? '',
      buyer_email: s.buyer.email ?? '',
      buyer_country: s.buyer.countryCode ?? '',
      order_id: s.orderId ?? '',
      transaction_id: s.payment.transactionId ?? '',
      payment_method: s.payment.method,
      currency: s.currency,
      net: formatMoney(s.totals.net, s.currency),
      tax: formatMoney(s.totals.tax, s.currency),
      gross: formatMoney(s.totals.gross, s.currency),
      tax_mode: s.taxMode.kind,
      tax_rate_percent: rate,
      pdf_file: sha === undefined ? '' : pdfFileName(s),
      pdf_sha256: sha ?? '',
      e_invoice: doc.eInvoice.status,
      e_invoice_refused_reason: doc.eInvoice.reason ?? '',
    };
    lines.push(COLUMNS.map((column) => field(values[column])).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}

/** The ZIP: `documents.csv` and the PDFs of the period that are rendered (the CSV names those that are not, without a file). */
export async function exportZip(db: Kysely<Database>, filters: PeriodFilters): Promise<Uint8Array> {
  const csv = await exportCsv(db, filters);
  const documents = await documentsOfPeriod(db, filters);
  const files: Record<string, Uint8Array> = { 'documents.csv': new TextEncoder().encode(csv) };
  const ids = documents.map((d) => d.id);
  for (let i = 0; i < ids.length; i += 200) {
    const pdfs = await db
      .selectFrom('document_pdfs')
      .select(['document_id', 'pdf'])
      .where('document_id', 'in', ids.slice(i, i + 200))
      .execute();
    const byId = new Map(pdfs.map((row) => [row.document_id, row.pdf]));
    for (const doc of documents.slice(i, i + 200)) {
      const pdf = byId.get(doc.id);
      if (pdf !== undefined) files[pdfFileName(doc.snapshot)] = new Uint8Array(pdf);
    }
  }
  // PDFs are compressed already; storing them keeps the export fast.
  return zipSync(files, { level: 0 });
}
