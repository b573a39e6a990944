/**
 * `ipnhub documents list|show|pdf|resend|credit-note|export|manual-refunds|sale-mails`: issued
 * invoices and credit notes, read and acted on with the same queries and services as the admin
 * API, and the mails of Digistore24 sales (which get Digistore24's links instead of a document).
 * `resend` and `credit-note` only add rows; the running worker (`serve` or `worker`) renders
 * and mails them.
 */
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { IpnhubError } from '../../core/errors.js';
import { formatMoney, parseMoney } from '../../core/money.js';
import {
  documentPdf,
  getDocument,
  listDocuments,
  listManualRefunds,
} from '../../invoicing/documents-query.js';
import type {
  DocumentDetail,
  DocumentListItem,
  ManualRefundView,
} from '../../invoicing/documents-query.js';
import { exportCsv, exportZip } from '../../invoicing/export.js';
import { listSaleMails } from '../../invoicing/sale-mails-query.js';
import type { SaleMailView } from '../../invoicing/sale-mails-query.js';
import type { CliIo } from '../cli-io.js';
import type { CommandContext } from '../command-context.js';
import { withDbRuntime } from '../db-runtime.js';
import { isoInstantOption, oneOf } from '../option-parsers.js';
import { formatTable, printJson, printLines, truncate } from '../output.js';
import { withPageOptions } from '../page-options.js';
import type { PageOptions } from '../page-options.js';
import { runList, runShow } from '../read-commands.js';

const KINDS = ['invoice', 'credit_note'] as const;

interface PeriodOptions {
  profile?: string;
  kind?: (typeof KINDS)[number];
  from?: string;
  to?: string;
}

const money = (minor: number, currency: string): string =>
  `${formatMoney(minor, currency)} ${currency}`;

const E_INVOICE_STATUS: Readonly<
  Record<Exclude<DocumentDetail['eInvoice']['status'], 'off'>, string>
> = {
  pending: 'to be embedded when the PDF is rendered',
  embedded: 'embedded in the PDF (factur-x.xml)',
  refused: 'not possible for this document, the PDF is the plain one',
};

/** The list's e-invoice column: the status, and for a refused one why (shortened; `show` prints all of it). */
function eInvoiceCell(eInvoice: DocumentListItem['eInvoice']): string {
  return eInvoice.reason === null
    ? eInvoice.status
    : truncate(`${eInvoice.status}: ${eInvoice.reason}`, 60);
}

function printDetail(io: CliIo, d: DocumentDetail): void {
  const s = d.snapshot;
  const lines = [
    `${d.kind === 'invoice' ? 'Invoice' : 'Credit note'} ${d.number} (${d.id}), issued ${d.issuedAt}`,
    `Seller:  ${s.seller.name}`,
    `Buyer:   ${s.buyer.name}${s.buyer.email ? ` <${s.buyer.email}>` : ''}`,
    `Order:   ${d.orderId ?? '-'}   Transaction: ${d.transactionId ?? '-'}`,
    `Total:   ${money(d.gross, d.currency)} (net ${money(d.net, d.currency)}, tax ${money(d.tax, d.currency)})`,
  ];
  if (s.corrects) lines.push(`Corrects: ${s.corrects.number}`);
  if (d.creditNoteIds.length > 0) lines.push(`Credit notes: ${d.creditNoteIds.join(', ')}`);
  lines.push(
    d.renderState === 'rendered'
      ? `PDF:     rendered ${d.render.renderedAt ?? ''}, ${d.render.bytes ?? 0} bytes, sha256 ${d.render.sha256 ?? ''}`
      : `PDF:     not rendered yet${d.render.lastError ? ` (last try failed: ${d.render.lastError}; next ${d.render.nextAttemptAt ?? '?'})` : ''}`,
  );
  if (d.eInvoice.status !== 'off')
    lines.push(
      `E-invoice: ${E_INVOICE_STATUS[d.eInvoice.status]}${d.eInvoice.reason ? ` — ${d.eInvoice.reason}` : ''}`,
    );
  io.stdout(`${lines.join('\n')}\n\n`);
  io.stdout(
    formatTable(
      [
        { header: 'mail', value: (m: DocumentDetail['mails'][number]) => m.id },
        { header: 'to', value: (m) => `${m.role}: ${m.recipients.join(', ')}` },
        { header: 'trigger', value: (m) => m.trigger },
        { header: 'status', value: (m) => m.status },
        { header: 'sent', value: (m) => m.sentAt ?? '-' },
        { header: 'error', value: (m) => truncate(m.lastError ?? '', 60) },
      ],
      d.mails,
      'No mails (the profile mails nobody).',
    ),
  );
}

/** A decimal amount (`12.50`) in the document's currency, as minor units. */
async function minorAmount(
  load: () => Promise<DocumentDetail | null>,
  id: string,
  amount: string | undefined,
): Promise<number | null> {
  if (amount === undefined) return null;
  const doc = await load();
  if (!doc) throw new IpnhubError('NOT_FOUND', `No document ${id}.`);
  const minor = parseMoney(amount, doc.currency);
  if (minor === null || minor <= 0)
    throw new IpnhubError(
      'VALIDATION_FAILED',
      `--amount: expected a positive decimal amount like 12.50, got "${amount}".`,
    );
  return minor;
}

function withPeriodOptions(command: Command): Command {
  return command
    .option('--profile <id>', 'only documents of this seller profile')
    .option('--kind <kind>', `only this series: ${KINDS.join(', ')}`, oneOf(KINDS))
    .option(
      '--from <instant>',
      'issued at or after (ISO 8601, e.g. 2026-01-01T00:00:00Z)',
      isoInstantOption,
    )
    .option('--to <instant>', 'issued before (ISO 8601)', isoInstantOption);
}

/** Which of Digistore24's links a sale's mail carries. */
function linksOf(mail: SaleMailView): string {
  const links = [
    mail.invoiceUrl === null ? null : 'invoice',
    mail.receiptUrl === null ? null : 'receipt',
  ].filter((link) => link !== null);
  return links.length === 0 ? 'none' : links.join('+');
}

/** Adds `documents list|show|pdf|resend|credit-note|export|manual-refunds|sale-mails`. */
export function registerDocumentsCommand(program: Command, ctx: CommandContext): void {
  const documents = program
    .command('documents')
    .description('Issued invoices and credit notes: list, show, PDF, send again, credit, export.');

  withPageOptions(
    withPeriodOptions(
      documents.command('list').description('List issued documents, newest first.'),
    ).option('--email <address>', 'only documents of this buyer'),
  ).action(async (options: PeriodOptions & PageOptions & { email?: string }) => {
    await runList(
      ctx,
      options.json,
      (runtime) =>
        listDocuments(runtime.dbHandle.db, {
          profileId: options.profile,
          kind: options.kind,
          from: options.from,
          to: options.to,
          email: options.email,
          limit: options.limit,
          cursor: options.cursor,
        }),
      {
        columns: [
          { header: 'id', value: (d: DocumentListItem) => d.id },
          { header: 'number', value: (d) => d.number },
          { header: 'kind', value: (d) => d.kind },
          { header: 'issued', value: (d) => d.issuedAt },
          {
            header: 'buyer',
            value: (d) => truncate(`${d.buyerName ?? ''} ${d.buyerEmail ?? ''}`.trim(), 50),
          },
          { header: 'total', value: (d) => money(d.gross, d.currency) },
          { header: 'pdf', value: (d) => d.renderState },
          { header: 'e-invoice', value: (d) => eInvoiceCell(d.eInvoice) },
        ],
        emptyText: 'No documents match.',
      },
    );
  });

  documents
    .command('show')
    .description('Show a document with what it says, its PDF state and its mails.')
    .argument('<id>', 'document id (doc_…)')
    .option('--json', 'print the document as JSON')
    .action(async (id: string, options: { json?: boolean }) => {
      await runShow(
        ctx,
        options.json,
        { what: 'document', id, load: (runtime) => getDocument(runtime.dbHandle.db, id) },
        printDetail,
      );
    });

  documents
    .command('pdf')
    .description('Write the document’s PDF to a file.')
    .argument('<id>', 'document id (doc_…)')
    .option('--out <file>', 'where to write it (default: <number>.pdf in the current directory)')
    .option('--json', 'print the file written and its size as JSON')
    .action(async (id: string, options: { out?: string; json?: boolean }) => {
      await withDbRuntime(ctx.io, async (runtime) => {
        const pdf = await documentPdf(runtime.dbHandle.db, id);
        const file = options.out ?? pdf.fileName;
        writeFileSync(file, pdf.bytes);
        if (options.json === true) printJson(ctx.io, { file, bytes: pdf.bytes.length });
        else printLines(ctx.io, `Wrote ${file} (${pdf.bytes.length} bytes).`);
      });
    });

  documents
    .command('resend')
    .description(
      'Send the document’s mails again (to the addresses the profile names now). A running worker sends them.',
    )
    .argument('<id>', 'document id (doc_…)')
    .option(
      '--to <who>',
      'buyer, seller or both (default)',
      oneOf(['buyer', 'seller', 'both'] as const),
    )
    .option('--json', 'print the result as JSON')
    .action(async (id: string, options: { to?: 'buyer' | 'seller' | 'both'; json?: boolean }) => {
      await withDbRuntime(ctx.io, async (runtime) => {
        const roles =
          options.to === undefined || options.to === 'both'
            ? (['buyer', 'seller'] as const)
            : ([options.to] as const);
        const queued = await runtime.admin.documents.resend(id, roles);
        if (options.json === true) printJson(ctx.io, { queued });
        else
          printLines(
            ctx.io,
            queued > 0
              ? `Queued ${queued} mail(s) of ${id}; the running worker (ipnhub serve or ipnhub worker) sends them.`
              : `Nobody gets a mail of ${id} under the profile's mail settings.`,
          );
      });
    });

  documents
    .command('credit-note')
    .description(
      'Issue a credit note for an invoice by hand: all that is left of it, or --amount. Voiding is done this way, never by deleting.',
    )
    .argument('<id>', 'invoice id (doc_…)')
    .option('--amount <decimal>', 'the amount to credit in the invoice’s currency, e.g. 12.50')
    .option('--json', 'print the result as JSON')
    .action(async (id: string, options: { amount?: string; json?: boolean }) => {
      await withDbRuntime(ctx.io, async (runtime) => {
        const amount = await minorAmount(
          () => getDocument(runtime.dbHandle.db, id),
          id,
          options.amount,
        );
        const issued = await runtime.admin.documents.creditNote(id, amount);
        if (options.json === true) printJson(ctx.io, issued);
        else
          printLines(
            ctx.io,
            `Issued credit note ${issued.number} (${issued.documentId}); the running worker renders and mails it.`,
          );
      });
    });

  withPeriodOptions(
    documents
      .command('export')
      .description(
        'Export a period for the accountant: a CSV (one row per document) and/or a ZIP with that CSV and every PDF.',
      )
      .option('--csv <file>', 'write the CSV here')
      .option('--zip <file>', 'write the ZIP here')
      .option('--json', 'print the files written as JSON'),
  ).action(async (options: PeriodOptions & { csv?: string; zip?: string; json?: boolean }) => {
    if (options.csv === undefined && options.zip === undefined)
      throw new IpnhubError('VALIDATION_FAILED', 'Name a file: --csv <file> and/or --zip <file>.');
    await withDbRuntime(ctx.io, async (runtime) => {
      const filters = {
        profileId: options.profile,
        kind: options.kind,
        from: options.from,
        to: options.to,
      };
      const written: string[] = [];
      if (options.csv !== undefined) {
        writeFileSync(options.csv, await exportCsv(runtime.dbHandle.db, filters));
        written.push(options.csv);
      }
      if (options.zip !== undefined) {
        writeFileSync(options.zip, await exportZip(runtime.dbHandle.db, filters));
        written.push(options.zip);
      }
      if (options.json === true) printJson(ctx.io, { files: written });
      else printLines(ctx.io, ...written.map((file) => `Wrote ${file}.`));
    });
  });

  withPageOptions(
    documents
      .command('manual-refunds')
      .description(
        'Refunds and chargebacks that got no credit note and need a person (no document of the payment, no amount, more than is left).',
      )
      .option('--profile <id>', 'only this seller profile'),
  ).action(async (options: PageOptions & { profile?: string }) => {
    await runList(
      ctx,
      options.json,
      (runtime) =>
        listManualRefunds(runtime.dbHandle.db, {
          profileId: options.profile,
          limit: options.limit,
          cursor: options.cursor,
        }),
      {
        columns: [
          { header: 'id', value: (r: ManualRefundView) => r.id },
          { header: 'kind', value: (r) => r.kind },
          { header: 'received', value: (r) => r.createdAt },
          { header: 'payment', value: (r) => r.paymentTransactionId ?? '-' },
          {
            header: 'amount',
            value: (r) => (r.amount === null ? '?' : money(r.amount, r.currency ?? '')),
          },
          { header: 'buyer', value: (r) => r.buyerEmail ?? '-' },
          { header: 'reason', value: (r) => truncate(r.reason, 70) },
        ],
        emptyText: 'No refunds need manual handling.',
      },
    );
  });

  withPageOptions(
    documents
      .command('sale-mails')
      .description(
        'Mails of Digistore24 sales: Digistore24 invoices the buyer itself, so they carry its invoice and receipt links instead of a document. Newest first; --json for the links.',
      )
      .option('--profile <id>', 'only this seller profile')
      .option('--source <id>', 'only sales of this source')
      .option('--from <instant>', 'queued at or after (ISO 8601)', isoInstantOption)
      .option('--to <instant>', 'queued before (ISO 8601)', isoInstantOption)
      .option('--email <address>', 'only sales of this buyer'),
  ).action(
    async (
      options: PageOptions & {
        profile?: string;
        source?: string;
        from?: string;
        to?: string;
        email?: string;
      },
    ) => {
      await runList(
        ctx,
        options.json,
        (runtime) =>
          listSaleMails(runtime.dbHandle.db, {
            profileId: options.profile,
            sourceId: options.source,
            from: options.from,
            to: options.to,
            email: options.email,
            limit: options.limit,
            cursor: options.cursor,
          }),
        {
          columns: [
            { header: 'id', value: (m: SaleMailView) => m.id },
            { header: 'queued', value: (m) => m.createdAt },
            { header: 'order', value: (m) => m.orderId ?? '-' },
            { header: 'to', value: (m) => truncate(`${m.role}: ${m.recipients.join(', ')}`, 50) },
            { header: 'links', value: linksOf },
            { header: 'status', value: (m) => m.status },
            { header: 'tries', value: (m) => String(m.attempts) },
            { header: 'error', value: (m) => truncate(m.lastError ?? '', 50) },
          ],
          emptyText: 'No mails of Digistore24 sales match.',
        },
      );
    },
  );
}
