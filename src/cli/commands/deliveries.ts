/**
 * `ipnhub deliveries list|show|redeliver|replay`: the delivery log, read with the same queries as
 * the admin API. `show` says why an unfinished delivery waits; `redeliver` only queues a manual
 * attempt, which the running worker (`serve` or `worker`) performs; `replay` does that for every
 * finished delivery of a connection that matches (outbox/redeliver.ts).
 */
import type { Command } from 'commander';
import { EVENT_TYPES } from '../../core/events.js';
import type { EventType } from '../../core/events.js';
import { DELIVERY_ORIGINS } from '../../db/schema.js';
import type { DeliveryOrigin, DeliveryStatus } from '../../db/schema.js';
import { BULK_REDELIVER_STATUSES } from '../../outbox/redeliver.js';
import type { BulkRedeliverStatus } from '../../outbox/redeliver.js';
import { getDelivery, listDeliveries } from '../../outbox/delivery-queries.js';
import type { DeliveryDetail, DeliveryListItem } from '../../outbox/delivery-queries.js';
import type { CliIo } from '../cli-io.js';
import type { CommandContext } from '../command-context.js';
import { withDbRuntime } from '../db-runtime.js';
import { collectListOf, collectOneOf, isoInstantOption, oneOf } from '../option-parsers.js';
import { formatTable, printJson, printLines, truncate } from '../output.js';
import type { Column } from '../output.js';
import { withPageOptions } from '../page-options.js';
import { runList, runShow } from '../read-commands.js';
import type { PageOptions } from '../page-options.js';

const STATUSES = [
  'pending',
  'delivering',
  'delivered',
  'skipped',
  'failed',
  'dead',
] as const satisfies readonly DeliveryStatus[];

interface ListOptions extends PageOptions {
  status?: DeliveryStatus;
  connection?: string;
  event?: string;
  origin?: DeliveryOrigin;
}

interface ReplayOptions {
  connection: string;
  status?: BulkRedeliverStatus[];
  from?: string;
  to?: string;
  type?: EventType[];
  dryRun?: boolean;
  json?: boolean;
}

/** How a delivery came about: `live` or `backfill`, and `replay` while its next attempt was queued by hand. */
export function deliveryMarker(d: Pick<DeliveryListItem, 'origin' | 'trigger'>): string {
  return d.trigger === 'manual' ? `${d.origin}, replay` : d.origin;
}

/** The columns of a delivery list; `events show` prints an event's deliveries with them too. */
export const DELIVERY_COLUMNS: readonly Column<DeliveryListItem>[] = [
  { header: 'id', value: (d) => d.id },
  { header: 'status', value: (d) => d.status },
  { header: 'attempts', value: (d) => String(d.attemptCount) },
  { header: 'event', value: (d) => `${d.eventType ?? '?'} ${d.eventId}` },
  { header: 'connection', value: (d) => d.connectionName ?? `${d.connectionId} (removed)` },
  { header: 'origin', value: deliveryMarker },
  { header: 'next attempt', value: (d) => (d.status === 'pending' ? d.nextAttemptAt : '-') },
  { header: 'last error', value: (d) => truncate(d.lastError ?? '', 60) },
];

function printDetail(io: CliIo, d: DeliveryDetail): void {
  const lines = [
    `Delivery ${d.id}: ${d.status}, ${d.attemptCount} attempt(s)`,
    `Event:      ${d.eventType ?? '?'} ${d.eventId}`,
    `Connection: ${d.connectionName ?? '(removed)'} ${d.connectionId}`,
  ];
  if (d.status === 'pending') lines.push(`Next:       ${d.nextAttemptAt} (${d.trigger})`);
  if (d.waiting !== null) lines.push(`Waiting:    ${d.waiting.message}`);
  if (d.lastError !== null) lines.push(`Last error: ${d.lastError}`);
  io.stdout(`${lines.join('\n')}\n\n`);
  io.stdout(
    formatTable(
      [
        { header: '#', value: (a: DeliveryDetail['attempts'][number]) => String(a.attemptNo) },
        { header: 'started', value: (a) => a.startedAt },
        { header: 'trigger', value: (a) => a.trigger },
        { header: 'outcome', value: (a) => a.outcome },
        { header: 'http', value: (a) => (a.statusCode === null ? '-' : String(a.statusCode)) },
        { header: 'ms', value: (a) => String(a.durationMs) },
        { header: 'error / response', value: (a) => truncate(a.error ?? a.response ?? '', 80) },
      ],
      d.attempts,
      'No attempts yet.',
    ),
  );
}

/** Adds `deliveries list|show|redeliver|replay`. */
export function registerDeliveriesCommand(program: Command, ctx: CommandContext): void {
  const deliveries = program
    .command('deliveries')
    .description('Inspect the delivery log and redeliver by hand.');

  withPageOptions(
    deliveries
      .command('list')
      .description('List deliveries, newest first.')
      .option('--status <status>', `only this status: ${STATUSES.join(', ')}`, oneOf(STATUSES))
      .option('--connection <id>', 'only deliveries to this connection id')
      .option('--event <id>', 'only deliveries of this event id')
      .option(
        '--origin <origin>',
        `only deliveries of this origin: ${DELIVERY_ORIGINS.join(', ')} (past events sent later)`,
        oneOf(DELIVERY_ORIGINS),
      ),
  ).action(async (options: ListOptions) => {
    await runList(
      ctx,
      options.json,
      (runtime) =>
        listDeliveries(runtime.dbHandle.db, {
          status: options.status,
          connectionId: options.connection,
          eventId: options.event,
          origin: options.origin,
          limit: options.limit,
          cursor: options.cursor,
        }),
      { columns: DELIVERY_COLUMNS, emptyText: 'No deliveries match.' },
    );
  });

  deliveries
    .command('show')
    .description(
      'Show one delivery with all its attempts and, while it has not gone out, why it waits (its next attempt, or the earlier delivery of the same order that holds it back).',
    )
    .argument('<id>', 'delivery id (dlv_…)')
    .option('--json', 'print the delivery as JSON')
    .action(async (id: string, options: { json?: boolean }) => {
      await runShow(
        ctx,
        options.json,
        {
          what: 'delivery',
          id,
          load: (runtime) => getDelivery(runtime.dbHandle.db, id, runtime.clock.now()),
        },
        printDetail,
      );
    });

  deliveries
    .command('redeliver')
    .description(
      'Queue one more (manual) attempt of a delivery, whatever its status (dead, failed, even delivered). A running `ipnhub serve` or `ipnhub worker` performs it.',
    )
    .argument('<id>', 'delivery id (dlv_…)')
    .option('--json', 'print the result as JSON')
    .action(async (id: string, options: { json?: boolean }) => {
      await withDbRuntime(ctx.io, async (runtime) => {
        await runtime.admin.redeliver(id);
        if (options.json === true) printJson(ctx.io, { id, status: 'pending', trigger: 'manual' });
        else
          printLines(
            ctx.io,
            `Delivery ${id} is queued for a manual attempt; the running worker (ipnhub serve or ipnhub worker) picks it up.`,
          );
      });
    });

  deliveries
    .command('replay')
    .description(
      'Queue every finished delivery of a connection that matches again, each for one more (manual) attempt, in batches: by default the dead and failed ones, optionally only those created in a time range or of some event types. Repeating it queues nothing twice. --dry-run only counts. A running `ipnhub serve` or `ipnhub worker` sends them, in event order per order.',
    )
    .requiredOption('--connection <id>', 'the connection (con_…)')
    .option(
      '--status <statuses>',
      `statuses to queue again, comma-separated or repeated: ${BULK_REDELIVER_STATUSES.join(', ')} (default dead,failed)`,
      collectListOf(BULK_REDELIVER_STATUSES),
    )
    .option('--from <instant>', 'only deliveries created at or after (ISO 8601)', isoInstantOption)
    .option('--to <instant>', 'only deliveries created before (ISO 8601)', isoInstantOption)
    .option(
      '--type <type>',
      `only deliveries of events of this type (repeatable): ${EVENT_TYPES.join(', ')}`,
      collectOneOf(EVENT_TYPES),
    )
    .option('--dry-run', 'only count what would be queued')
    .option('--json', 'print the result as JSON')
    .action(async (options: ReplayOptions) => {
      await withDbRuntime(ctx.io, async (runtime) => {
        const statuses = options.status ?? ['dead', 'failed'];
        const result = await runtime.admin.redeliverConnection(
          options.connection,
          { statuses, from: options.from, to: options.to, eventTypes: options.type },
          { dryRun: options.dryRun },
        );
        if (options.json === true) printJson(ctx.io, result);
        else if (result.dryRun)
          printLines(
            ctx.io,
            `${result.matched} ${statuses.join('/')} deliveries of connection ${options.connection} match; nothing was queued (--dry-run).`,
          );
        else if (result.redelivered === 0)
          printLines(ctx.io, `Nothing to replay: no ${statuses.join('/')} delivery matches.`);
        else
          printLines(
            ctx.io,
            `${result.redelivered} deliveries of connection ${options.connection} are queued for a manual attempt; the running worker (ipnhub serve or ipnhub worker) sends them.`,
          );
      });
    });
}
