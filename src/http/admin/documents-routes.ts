/**
 * `/documents`: issued invoice-receipts and credit notes (docs/invoicing.md) — the list with
 * filters, one document with its snapshot, render state and mails, its PDF, mails sent again,
 * credit notes by hand; the period export for the accountant; refunds left for manual handling;
 * the mails of Digistore24 sales (with Digistore24's links instead of a document).
 */
import * as z from 'zod';
import {
  documentPdf,
  getDocument,
  listDocuments,
  listManualRefunds,
} from '../../invoicing/documents-query.js';
import { exportCsv, exportZip } from '../../invoicing/export.js';
import { listSaleMails } from '../../invoicing/sale-mails-query.js';
import { emailFilter, idParams, isoInstant, pageQuery } from './common-schemas.js';
import { defineRoute, fileAnswer } from './define-route.js';
import type { AdminRoute } from './define-route.js';
import { found } from './found.js';
import {
  documentDetail,
  documentPage,
  issuedCreditNote,
  manualRefundPage,
  resendResult,
  saleMailPage,
} from './responses/invoicing.js';

const TAG = 'invoicing';

const periodQuery = z.object({
  profileId: z
    .string()
    .min(1)
    .max(100)
    .optional()
    .meta({ description: 'Documents of this seller profile.' }),
  kind: z
    .enum(['invoice', 'credit_note'])
    .optional()
    .meta({ description: 'The series: invoices or credit notes.' }),
  from: isoInstant.optional().meta({ description: 'Issued at or after this instant (ISO 8601).' }),
  to: isoInstant.optional().meta({ description: 'Issued before this instant (ISO 8601).' }),
});

const buyerEmail = emailFilter.optional().meta({ description: 'The buyer’s e-mail.' });

const documentsQuery = pageQuery.extend(periodQuery.shape).extend({ email: buyerEmail });

const saleMailsQuery = pageQuery.extend({
  profileId: periodQuery.shape.profileId,
  sourceId: z
    .string()
    .min(1)
    .max(100)
    .optional()
    .meta({ description: 'Mails of sales of this source.' }),
  from: isoInstant.optional().meta({ description: 'Queued at or after this instant (ISO 8601).' }),
  to: isoInstant.optional().meta({ description: 'Queued before this instant (ISO 8601).' }),
  email: buyerEmail,
});

const resendBody = z
  .strictObject({
    to: z
      .array(z.enum(['buyer', 'seller']))
      .min(1)
      .default(['buyer', 'seller'])
      .meta({
        description:
          'Whose mail to send again: the buyer’s, the seller’s notice, or both (default).',
      }),
  })
  .default({ to: ['buyer', 'seller'] });

const creditBody = z
  .strictObject({
    amount: z
      .number()
      .int()
      .min(1)
      .optional()
      .meta({ description: 'Minor units to credit; default: all that is left of the invoice.' }),
  })
  .default({});

const stamp = (from: string | undefined, to: string | undefined): string =>
  [from?.slice(0, 10) ?? 'start', to?.slice(0, 10) ?? 'now'].join('_');

export const documentsRoutes: readonly AdminRoute[] = [
  defineRoute({
    method: 'GET',
    path: '/documents',
    operationId: 'listDocuments',
    tag: TAG,
    summary: 'List issued documents',
    description:
      'Newest first, paged. Filters: seller profile, series (kind), issue period, buyer e-mail.',
    query: documentsQuery,
    response: {
      status: 200,
      description: '`{ data: DocumentListItem[], nextCursor }`',
      schema: documentPage,
    },
    handler: async ({ query, deps }) => listDocuments(deps.db, query),
  }),
  defineRoute({
    method: 'GET',
    path: '/documents/:id',
    operationId: 'getDocument',
    tag: TAG,
    summary: 'Get a document',
    description:
      'With the snapshot it was issued with (what the PDF shows), its render state and every mail sent or queued.',
    params: idParams,
    response: { status: 200, description: 'The document.', schema: documentDetail },
    handler: async ({ params, deps }) =>
      found(await getDocument(deps.db, params.id), 'document', params.id),
  }),
  defineRoute({
    method: 'GET',
    path: '/documents/:id/pdf',
    operationId: 'getDocumentPdf',
    tag: TAG,
    summary: 'Download the PDF',
    params: idParams,
    errors: ['DOCUMENT_NOT_RENDERED'],
    response: {
      status: 200,
      description: 'The PDF as stored when it was rendered.',
      schema: fileAnswer,
      file: 'application/pdf',
    },
    handler: async ({ params, deps }) => {
      const pdf = await documentPdf(deps.db, params.id);
      return { contentType: 'application/pdf', fileName: pdf.fileName, bytes: pdf.bytes };
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/documents/:id/resend',
    operationId: 'resendDocument',
    tag: TAG,
    summary: 'Send the mails again',
    description:
      'Queues the buyer’s mail, the seller’s notice or both again, to the addresses the profile names now. The document itself does not change.',
    params: idParams,
    body: resendBody,
    response: { status: 200, description: '`{ queued }`', schema: resendResult },
    handler: async ({ params, body, deps }) => ({
      queued: await deps.documents.resend(params.id, body.to),
    }),
  }),
  defineRoute({
    method: 'POST',
    path: '/documents/:id/credit-note',
    operationId: 'issueCreditNote',
    tag: TAG,
    summary: 'Issue a credit note by hand',
    description:
      'For an invoice: all that is left of it, or `amount`. Voiding is done this way, never by deleting.',
    params: idParams,
    body: creditBody,
    errors: ['CREDIT_NOT_POSSIBLE'],
    response: { status: 201, description: 'The new credit note.', schema: issuedCreditNote },
    handler: async ({ params, body, deps }) =>
      deps.documents.creditNote(params.id, body.amount ?? null),
  }),
  defineRoute({
    method: 'GET',
    path: '/exports/documents.csv',
    operationId: 'exportDocumentsCsv',
    tag: TAG,
    summary: 'Export a period as CSV',
    description:
      'One row per document, in number order per series, amounts as decimals, with the PDF’s SHA-256.',
    query: periodQuery,
    response: {
      status: 200,
      description: 'The CSV (UTF-8, comma-separated).',
      schema: fileAnswer,
      file: 'text/csv',
    },
    handler: async ({ query, deps }) => ({
      contentType: 'text/csv; charset=utf-8',
      fileName: `documents_${stamp(query.from, query.to)}.csv`,
      bytes: new TextEncoder().encode(await exportCsv(deps.db, query)),
    }),
  }),
  defineRoute({
    method: 'GET',
    path: '/exports/documents.zip',
    operationId: 'exportDocumentsZip',
    tag: TAG,
    summary: 'Export a period as ZIP of PDFs',
    description: '`documents.csv` and every rendered PDF of the period as `<number>.pdf`.',
    query: periodQuery,
    response: { status: 200, description: 'The ZIP.', schema: fileAnswer, file: 'application/zip' },
    handler: async ({ query, deps }) => ({
      contentType: 'application/zip',
      fileName: `documents_${stamp(query.from, query.to)}.zip`,
      bytes: await exportZip(deps.db, query),
    }),
  }),
  defineRoute({
    method: 'GET',
    path: '/sale-mails',
    operationId: 'listSaleMails',
    tag: TAG,
    summary: 'Mails of Digistore24 sales',
    description:
      'Digistore24 invoices its buyers itself, so a sale of a Digistore24 source whose seller profile has invoicing on gets no document; the seller’s “new order” mail and the buyer’s mail carry Digistore24’s invoice and receipt links instead. Newest first, paged. Filters: seller profile, source, the day they were queued, buyer e-mail.',
    query: saleMailsQuery,
    response: {
      status: 200,
      description: '`{ data: SaleMail[], nextCursor }`',
      schema: saleMailPage,
    },
    handler: async ({ query, deps }) => listSaleMails(deps.db, query),
  }),
  defineRoute({
    method: 'GET',
    path: '/manual-refunds',
    operationId: 'listManualRefunds',
    tag: TAG,
    summary: 'Refunds needing manual handling',
    description:
      'Refunds and chargebacks that got no credit note: ipnhub has no document of the refunded payment (a sale before ipnhub), the refund names no amount or more than is left. Newest first.',
    query: pageQuery.extend({ profileId: z.string().min(1).max(100).optional() }),
    response: {
      status: 200,
      description: '`{ data: ManualRefund[], nextCursor }`',
      schema: manualRefundPage,
    },
    handler: async ({ query, deps }) => listManualRefunds(deps.db, query),
  }),
];
