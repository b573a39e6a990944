/**
 * `ipnhub events list|show`: the canonical events, read with the same queries as the admin
 * API's `/events` (same filters, same JSON). `show` prints one event with the request it came
 * from and its deliveries.
 */
import type { Command } from 'commander';
import { emailFilter } from '../../http/admin/common-schemas.js';
import { EVENT_TYPES } from '../../core/events.js';
import type { EventItem, EventOrder, EventType } from '../../core/events.js';
import { formatMoney } from '../../core/money.js';
import { listEvents } from '../../ledger/queries/events-query.js';
import type { EventListItem } from '../../ledger/queries/events-query.js';
import { getEvent } from '../../views/event-detail.js';
import type { EventDetail } from '../../views/event-detail.js';
import type { CliIo } from '../cli-io.js';
import type { CommandContext } from '../command-context.js';
import { bySchema, isoInstantOption, oneOf } from '../option-parsers.js';
import { formatTable } from '../output.js';
import { withPageOptions } from '../page-options.js';
import { runList, runShow } from '../read-commands.js';
import type { PageOptions } from '../page-options.js';
import { DELIVERY_COLUMNS } from './deliveries.js';

interface ListOptions extends PageOptions {
  type?: EventType;
  source?: string;
  order?: string;
  email?: string;
  from?: string;
  to?: string;
}

function money(amount: number | null, currency: string | null): string | null {
  return amount === null
    ? null
    : `${formatMoney(amount, currency)}${currency === null ? '' : ` ${currency}`}`;
}

function describeOrder(order: EventOrder): string {
  const parts = [order.id];
  const amount = money(order.amount, order.currency);
  if (amount !== null) parts.push(amount);
  if (order.billingType !== null)
    parts.push(
      order.paySequenceNo === null
        ? order.billingType
        : `${order.billingType}, pay sequence ${order.paySequenceNo}`,
    );
  if (order.transactionId !== null) parts.push(`transaction ${order.transactionId}`);
  return parts.join(' · ');
}

function describeItem(item: EventItem, currency: string | null): string {
  const amount = money(item.amount, currency);
  return `${item.productId}${item.name === null ? '' : ` "${item.name}"`} ×${item.quantity}${item.isAddon ? ' (add-on)' : ''}${amount === null ? '' : ` ${amount}`}`;
}

function printDetail(io: CliIo, e: EventDetail): void {
  const lines = [
    `Event ${e.id}: ${e.type}${e.source.test ? ' (test)' : ''}`,
    `Occurred:   ${e.occurredAt} (received ${e.receivedAt})`,
    `Source:     ${e.source.id} (${e.source.provider})`,
  ];
  if (e.order !== null) {
    lines.push(`Order:      ${describeOrder(e.order)}`);
    const currency = e.order.currency;
    for (const [i, item] of e.order.items.entries())
      lines.push(`${i === 0 ? 'Items:     ' : '           '} ${describeItem(item, currency)}`);
  }
  if (e.buyer !== null) {
    const name = [e.buyer.firstName, e.buyer.lastName].filter((part) => part !== null).join(' ');
    lines.push(`Buyer:      ${e.buyer.email ?? '(no e-mail)'}${name === '' ? '' : ` (${name})`}`);
  }
  if (e.subscription !== null)
    lines.push(
      `Subscription: ${e.subscription.id ?? '-'} ${e.subscription.status ?? ''}`.trimEnd(),
    );
  lines.push(
    `Dedup key:  ${e.dedupKey}`,
    `Request:    ${e.inboundRequestId} (ipnhub inbound-requests show ${e.inboundRequestId})`,
    '',
    'Deliveries:',
  );
  io.stdout(`${lines.join('\n')}\n`);
  io.stdout(
    formatTable(DELIVERY_COLUMNS, e.deliveries, 'None: no active connection matched this event.'),
  );
}

/** Adds `events list|show`. */
export function registerEventsCommand(program: Command, ctx: CommandContext): void {
  const events = program
    .command('events')
    .description('Inspect the canonical events ipnhub recorded (what connections receive).');

  withPageOptions(
    events
      .command('list')
      .description('List events, newest first (by receive order).')
      .option(
        '--type <type>',
        `only this event type: ${EVENT_TYPES.join(', ')}`,
        oneOf(EVENT_TYPES),
      )
      .option('--source <id>', 'only events of this source id')
      .option('--order <id>', "only events of this order (the provider's order id)")
      .option(
        '--email <email>',
        "only events of this buyer's e-mail (case-insensitive)",
        bySchema(emailFilter, 'an e-mail address'),
      )
      .option(
        '--from <instant>',
        'only events that occurred at or after this ISO 8601 instant, e.g. 2026-05-01T00:00:00Z',
        isoInstantOption,
      )
      .option(
        '--to <instant>',
        'only events that occurred before this ISO 8601 instant',
        isoInstantOption,
      ),
  ).action(async (options: ListOptions) => {
    await runList(
      ctx,
      options.json,
      (runtime) =>
        listEvents(runtime.dbHandle.db, {
          type: options.type,
          sourceId: options.source,
          orderId: options.order,
          email: options.email,
          from: options.from,
          to: options.to,
          limit: options.limit,
          cursor: options.cursor,
        }),
      {
        columns: [
          { header: 'id', value: (e: EventListItem) => e.id },
          { header: 'type', value: (e) => `${e.type}${e.test ? ' (test)' : ''}` },
          { header: 'occurred', value: (e) => e.occurredAt },
          { header: 'order', value: (e) => e.orderId ?? '-' },
          { header: 'email', value: (e) => e.email ?? '-' },
          { header: 'source', value: (e) => e.sourceId },
        ],
        emptyText: 'No events match.',
      },
    );
  });

  events
    .command('show')
    .description(
      'Show one event: the canonical fields, the inbound request it came from and its deliveries.',
    )
    .argument('<id>', 'event id (evt_…)')
    .option(
      '--json',
      'print the event as JSON (the full canonical event, as the admin API answers)',
    )
    .action(async (id: string, options: { json?: boolean }) => {
      await runShow(
        ctx,
        options.json,
        { what: 'event', id, load: (runtime) => getEvent(runtime.dbHandle.db, id) },
        printDetail,
      );
    });
}
