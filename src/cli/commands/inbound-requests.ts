/**
 * `ipnhub inbound-requests list|show`: the audit trail of every POST to `/ipn/<sourceId>`,
 * with its verdict, read with the same queries as the admin API's `/inbound-requests` (same
 * filters, same JSON). `show` prints the body's fields as the source's provider decodes them
 * (form encoding, the message's own charset), so a rejected notification can be read as sent.
 */
import type { Command } from 'commander';
import { INBOUND_VERDICTS } from '../../db/schema.js';
import type { InboundVerdict } from '../../db/schema.js';
import {
  getInboundRequest,
  listInboundRequests,
} from '../../ledger/queries/inbound-requests-query.js';
import type {
  InboundRequestDetail,
  InboundRequestListItem,
} from '../../ledger/queries/inbound-requests-query.js';
import type { BodyCharset } from '../../providers/provider.js';
import type { CliIo } from '../cli-io.js';
import type { CommandContext } from '../command-context.js';
import { oneOf } from '../option-parsers.js';
import { formatTable, truncate } from '../output.js';
import { withPageOptions } from '../page-options.js';
import { runList, runShow } from '../read-commands.js';
import type { PageOptions } from '../page-options.js';

interface ListOptions extends PageOptions {
  verdict?: InboundVerdict;
  source?: string;
}

/** `rejected SIGNATURE_INVALID`, `accepted`, … */
function verdictOf(r: InboundRequestListItem): string {
  return r.verdictCode === null ? r.verdict : `${r.verdict} ${r.verdictCode}`;
}

/** How the character set was known, for people. */
const CHARSET_BASIS: Readonly<Record<BodyCharset['basis'], string>> = {
  message: ' as the message says',
  provider: '',
  assumed: ', assumed: the message names none',
};

function printDetail(io: CliIo, r: InboundRequestDetail): void {
  const lines = [
    `Inbound request ${r.id}: ${verdictOf(r)}`,
    `Received:   ${r.receivedAt} from ${r.remoteAddress}`,
    `Request:    ${r.method} ${r.url} (${r.bodyBytes} bytes)`,
    `Source:     ${r.sourceId ?? '-'} (${r.provider ?? 'unknown provider'})`,
  ];
  if (r.verdictReason !== null) lines.push(`Reason:     ${r.verdictReason}`);
  if (r.verification !== null) lines.push(`Verified:   ${r.verification}`);
  if (r.pendingVerification !== null) {
    const p = r.pendingVerification;
    lines.push(
      `Pending:    verification attempt ${p.attempts + 1} at ${p.nextAttemptAt}${p.lastError === null ? '' : ` (last: ${p.lastError})`}`,
    );
  }
  if (r.eventIds.length > 0)
    lines.push(`Events:     ${r.eventIds.join(', ')} (ipnhub events show <id>)`);
  lines.push('', 'Headers:');
  io.stdout(`${lines.join('\n')}\n`);
  io.stdout(
    formatTable(
      [
        { header: 'name', value: ([name]: [string, string]) => name },
        { header: 'value', value: ([, value]) => value },
      ],
      Object.entries(r.headers),
      '(none)',
    ),
  );
  if (r.fields === null) {
    io.stdout(
      `\nFields: the body cannot be decoded (${r.fieldsError ?? 'unknown reason'}). Body as UTF-8 text:\n${truncate(r.body, 4000)}\n`,
    );
    return;
  }
  const charset =
    r.charset === null ? '' : `, in ${r.charset.name}${CHARSET_BASIS[r.charset.basis]}`;
  io.stdout(`\nFields (decoded as the provider reads them${charset}):\n`);
  io.stdout(
    formatTable(
      [
        { header: 'name', value: (f: { name: string; value: string }) => f.name },
        { header: 'value', value: (f) => f.value },
      ],
      r.fields,
      '(none)',
    ),
  );
}

/** Adds `inbound-requests list|show`. */
export function registerInboundRequestsCommand(program: Command, ctx: CommandContext): void {
  const requests = program
    .command('inbound-requests')
    .alias('requests')
    .description(
      'Inspect the notifications providers sent (every request, also rejected ones) with their verdicts.',
    );

  withPageOptions(
    requests
      .command('list')
      .description('List inbound requests, newest first, without bodies.')
      .option(
        '--verdict <verdict>',
        `only this verdict: ${INBOUND_VERDICTS.join(', ')} (pending: waiting for the PayPal IPN postback; held: about money, but no event could be made of it, held for review)`,
        oneOf(INBOUND_VERDICTS),
      )
      .option('--source <id>', 'only requests to this source id'),
  ).action(async (options: ListOptions) => {
    await runList(
      ctx,
      options.json,
      (runtime) =>
        listInboundRequests(runtime.dbHandle.db, {
          verdict: options.verdict,
          sourceId: options.source,
          limit: options.limit,
          cursor: options.cursor,
        }),
      {
        columns: [
          { header: 'id', value: (r: InboundRequestListItem) => r.id },
          { header: 'received', value: (r) => r.receivedAt },
          { header: 'source', value: (r) => r.sourceId ?? '-' },
          { header: 'verdict', value: verdictOf },
          { header: 'events', value: (r) => String(r.eventIds.length) },
          { header: 'bytes', value: (r) => String(r.bodyBytes) },
          { header: 'reason', value: (r) => truncate(r.verdictReason ?? '', 60) },
        ],
        emptyText: 'No inbound requests match.',
      },
    );
  });

  requests
    .command('show')
    .description(
      "Show one inbound request: verdict, headers and the body's fields, decoded as its provider reads them.",
    )
    .argument('<id>', 'inbound request id (req_…)')
    .option(
      '--json',
      'print the request as JSON (with body, bodyBase64 and fields, as the admin API answers)',
    )
    .action(async (id: string, options: { json?: boolean }) => {
      await runShow(
        ctx,
        options.json,
        {
          what: 'inbound request',
          id,
          load: (runtime) => getInboundRequest(runtime.dbHandle.db, id),
        },
        printDetail,
      );
    });
}
