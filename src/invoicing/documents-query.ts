/**
 * Reading issued documents, shared by the admin API and the CLI: lists newest first with
 * cursor paging and filters (profile, kind, issue period, buyer e-mail), one document with its
 * snapshot, render state and mails, its PDF, and the refunds left for manual handling.
 */
import type { Kysely } from 'kysely';
import { IpnhubError } from '../core/errors.js';
import type { Database } from '../db/schema.js';
import { normalizeEmail } from '../ledger/queries/normalize-email.js';
import { decodeCursor, pageLimit, toPage } from '../db/page.js';
import type { Page, PageRequest } from '../db/page.js';
import { pdfFileName } from './document-mails.js';
import type { DocumentKind, DocumentSnapshot } from './document-snapshot.js';
import { mailView } from './mail-rows.js';
import type { MailView } from './mail-rows.js';

export interface DocumentFilters extends PageRequest {
  profileId?: string | undefined;
  /** The series: invoices or credit notes. */
  kind?: DocumentKind | undefined;
  /** ISO 8601 UTC; issued at or after. */
  from?: string | undefined;
  /** ISO 8601 UTC; issued before. */
  to?: string | undefined;
  email?: string | undefined;
}

export interface DocumentListItem {
  id: string;
  profileId: string;
  sourceId: string | null;
  eventId: string | null;
  kind: DocumentKind;
  number: string;
  issuedAt: string;
  buyerName: string | null;
  buyerEmail: string | null;
  orderId: string | null;
  transactionId: string | null;
  currency: string;
  net: number;
  tax: number;
  gross: number;
  /** A credit note's invoice. */
  correctsDocumentId: string | null;
  /** `pending` until the PDF exists. */
  renderState: 'pending' | 'rendered';
  eInvoice: DocumentEInvoice;
}

export interface DocumentMailView extends MailView {
  trigger: 'issue' | 'resend';
}

/**
 * The document's EN 16931 e-invoice: `off` when the profile did not ask for one at issue,
 * `pending` until the PDF is rendered, `embedded` in the PDF, or `refused` with the reason when
 * the document cannot be a valid one (its PDF is the plain one).
 */
export interface DocumentEInvoice {
  status: 'off' | 'pending' | 'embedded' | 'refused';
  reason: string | null;
}

export interface DocumentDetail extends DocumentListItem {
  snapshot: DocumentSnapshot;
  render: {
    attempts: number;
    nextAttemptAt: string | null;
    lastError: string | null;
    renderedAt: string | null;
    sha256: string | null;
    bytes: number | null;
  };
  /** Credit notes issued for this invoice, oldest first. */
  creditNoteIds: string[];
  mails: DocumentMailView[];
}

const LIST_COLUMNS = [
  'id',
  'profile_id',
  'source_id',
  'event_id',
  'kind',
  'number',
  'issued_at',
  'buyer_name',
  'buyer_email',
  'order_ref',
  'transaction_ref',
  'currency',
  'net',
  'tax',
  'gross',
  'corrects_document_id',
  'render_state',
  'e_invoice',
  'e_invoice_refused',
] as const;

type ListRow = Pick<Database['documents'], (typeof LIST_COLUMNS)[number]>;

function eInvoiceOf(row: {
  e_invoice: number;
  e_invoice_refused: string | null;
  render_state: string;
}): DocumentEInvoice {
  if (Number(row.e_invoice) !== 1) return { status: 'off', reason: null };
  if (row.e_invoice_refused !== null) return { status: 'refused', reason: row.e_invoice_refused };
  return { status: row.render_state === 'rendered' ? 'embedded' : 'pending', reason: null };
}

function listItem(row: ListRow): DocumentListItem {
  return {
    id: row.id,
    profileId: row.profile_id,
    sourceId: row.source_id,
    eventId: row.event_id,
    kind: row.kind as DocumentKind,
    number: row.number,
    issuedAt: row.issued_at,
    buyerName: row.buyer_name,
    buyerEmail: row.buyer_email,
    orderId: row.order_ref,
    transactionId: row.transaction_ref,
    currency: row.currency,
    net: Number(row.net),
    tax: Number(row.tax),
    gross: Number(row.gross),
    correctsDocumentId: row.corrects_document_id,
    renderState: row.render_state === 'rendered' ? 'rendered' : 'pending',
    eInvoice: eInvoiceOf(row),
  };
}

function filtered(db: Kysely<Database>, filters: Omit<DocumentFilters, 'cursor' | 'limit'>) {
  let query = db.selectFrom('documents').select(LIST_COLUMNS);
  if (filters.profileId !== undefined) query = query.where('profile_id', '=', filters.profileId);
  if (filters.kind !== undefined) query = query.where('kind', '=', filters.kind);
  if (filters.from !== undefined) query = query.where('issued_at', '>=', filters.from);
  if (filters.to !== undefined) query = query.where('issued_at', '<', filters.to);
  if (filters.email !== undefined)
    query = query.where('buyer_email', '=', normalizeEmail(filters.email));
  return query;
}

export async function listDocuments(
  db: Kysely<Database>,
  filters: DocumentFilters = {},
): Promise<Page<DocumentListItem>> {
  const limit = pageLimit(filters.limit);
  let query = filtered(db, filters)
    .orderBy('id', 'desc')
    .limit(limit + 1);
  if (filters.cursor !== undefined)
    query = query.where('id', '<', decodeCursor(filters.cursor, 'document'));
  return toPage(await query.execute(), limit, listItem);
}

/** Every document of a period, in number order per series (for the accountant's export). */
export async function documentsOfPeriod(
  db: Kysely<Database>,
  filters: Omit<DocumentFilters, 'cursor' | 'limit'>,
): Promise<Array<DocumentListItem & { snapshot: DocumentSnapshot }>> {
  const rows = await filtered(db, filters)
    .select('snapshot')
    .orderBy('kind', 'desc')
    .orderBy('series_key')
    .orderBy('sequence_no')
    .execute();
  return rows.map((row) => ({
    ...listItem(row),
    snapshot: JSON.parse(row.snapshot) as DocumentSnapshot,
  }));
}

export async function getDocument(
  db: Kysely<Database>,
  id: string,
): Promise<DocumentDetail | null> {
  const row = await db
    .selectFrom('documents')
    .leftJoin('document_pdfs', 'document_pdfs.document_id', 'documents.id')
    .select(LIST_COLUMNS.map((column) => `documents.${column}` as const))
    .select([
      'documents.snapshot',
      'documents.render_attempts',
      'documents.render_next_at',
      'documents.render_error',
    ])
    .select(['document_pdfs.rendered_at', 'document_pdfs.sha256'])
    .select((eb) => eb.fn<number | null>('length', ['document_pdfs.pdf']).as('pdf_bytes'))
    .where('documents.id', '=', id)
    .executeTakeFirst();
  if (!row) return null;
  const [credits, mails] = await Promise.all([
    db
      .selectFrom('documents')
      .select('id')
      .where('corrects_document_id', '=', id)
      .orderBy('id')
      .execute(),
    db
      .selectFrom('document_mails')
      .selectAll()
      .where('document_id', '=', id)
      .orderBy('id')
      .execute(),
  ]);
  return {
    ...listItem(row),
    snapshot: JSON.parse(row.snapshot) as DocumentSnapshot,
    render: {
      attempts: Number(row.render_attempts),
      nextAttemptAt: row.render_next_at,
      lastError: row.render_error,
      renderedAt: row.rendered_at,
      sha256: row.sha256,
      bytes: row.pdf_bytes === null ? null : Number(row.pdf_bytes),
    },
    creditNoteIds: credits.map((credit) => credit.id),
    mails: mails.map((mail) => ({
      ...mailView(mail),
      trigger: mail.trigger === 'resend' ? 'resend' : 'issue',
    })),
  };
}

/** The stored PDF: `NOT_FOUND`, or `DOCUMENT_NOT_RENDERED` while it is being rendered. */
export async function documentPdf(
  db: Kysely<Database>,
  id: string,
): Promise<{ bytes: Buffer; fileName: string }> {
  const row = await db
    .selectFrom('documents')
    .leftJoin('document_pdfs', 'document_pdfs.document_id', 'documents.id')
    .select(['documents.snapshot', 'documents.render_error', 'document_pdfs.pdf'])
    .where('documents.id', '=', id)
    .executeTakeFirst();
  if (!row) throw new IpnhubError('NOT_FOUND', `No document ${id}.`);
  if (row.pdf === null)
    throw new IpnhubError(
      'DOCUMENT_NOT_RENDERED',
      row.render_error === null
        ? 'Try again in a moment.'
        : `The last try failed: ${row.render_error}`,
    );
  return {
    bytes: Buffer.from(row.pdf),
    fileName: pdfFileName(JSON.parse(row.snapshot) as DocumentSnapshot),
  };
}

export interface ManualRefundView {
  id: string;
  eventId: string;
  profileId: string;
  sourceId: string;
  kind: 'refund' | 'chargeback';
  orderId: string | null;
  transactionId: string | null;
  paymentTransactionId: string | null;
  amount: number | null;
  currency: string | null;
  buyerEmail: string | null;
  reason: string;
  createdAt: string;
}

export async function listManualRefunds(
  db: Kysely<Database>,
  filters: PageRequest & { profileId?: string | undefined } = {},
): Promise<Page<ManualRefundView>> {
  const limit = pageLimit(filters.limit);
  let query = db
    .selectFrom('manual_refunds')
    .selectAll()
    .orderBy('id', 'desc')
    .limit(limit + 1);
  if (filters.cursor !== undefined)
    query = query.where('id', '<', decodeCursor(filters.cursor, 'manualRefund'));
  if (filters.profileId !== undefined) query = query.where('profile_id', '=', filters.profileId);
  return toPage(await query.execute(), limit, (row) => ({
    id: row.id,
    eventId: row.event_id,
    profileId: row.profile_id,
    sourceId: row.source_id,
    kind: row.kind === 'chargeback' ? 'chargeback' : 'refund',
    orderId: row.order_ref,
    transactionId: row.transaction_ref,
    paymentTransactionId: row.parent_transaction_ref,
    amount: row.amount === null ? null : Number(row.amount),
    currency: row.currency,
    buyerEmail: row.buyer_email,
    reason: row.reason,
    createdAt: row.created_at,
  }));
}
