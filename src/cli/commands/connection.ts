/**
 * `ipnhub connection add|list|test|remove`: the outbound targets (DESIGN.md §3), each with its
 * connector, config, filters and error e-mail addresses. A secret the connector generates
 * (the webhook signing secret) is printed once by `add` and never again; `list` shows secrets
 * only as set/unset.
 */
import type { Command } from 'commander';
import type { ConnectionView } from '../../connections/connections-service.js';
import type { ConnectionFilters } from '../../connections/filters.js';
import { CONNECTOR_IDS } from '../../connectors/registry.js';
import { IpnhubError } from '../../core/errors.js';
import { EVENT_TYPES } from '../../core/events.js';
import type { EventType } from '../../core/events.js';
import type { CliIo } from '../cli-io.js';
import type { CommandContext } from '../command-context.js';
import { buildConfigInput } from '../config-input.js';
import { withDbRuntime } from '../db-runtime.js';
import { runtimeDatabase } from '../describe-database.js';
import { namingFlags } from '../flag-names.js';
import type { FlagNames } from '../flag-names.js';
import { collect, collectOneOf, oneOf } from '../option-parsers.js';
import { formatTable, printJson, printLines, truncate } from '../output.js';

const FILTERABLE_EVENTS = EVENT_TYPES.filter((type) => type !== 'connection_test');
const ADDON_RULES = ['include', 'exclude', 'only'] as const;
const PAYMENT_RULES = ['all', 'first', 'rebills'] as const;

interface AddOptions {
  connector: string;
  name: string;
  config?: string;
  set?: string[];
  url?: string;
  to?: string[];
  event?: EventType[];
  product?: string[];
  language?: string[];
  addons?: (typeof ADDON_RULES)[number];
  payments?: (typeof PAYMENT_RULES)[number];
  includeTest?: boolean;
  source?: string[];
  errorEmail?: string[];
  inactive?: boolean;
  json?: boolean;
}

/** Friendlier names for secrets connectors are known to generate. */
const SECRET_LABELS: Readonly<Record<string, string>> = {
  'webhook.secret': 'Webhook signing secret (verify the webhook-signature header with it)',
};

/** The flags that set connection fields, for validation messages; other config fields come from `--set`. */
export const CONNECTION_FLAGS: FlagNames = {
  name: '--name',
  url: '--url',
  to: '--to',
  'filters.sources': '--source',
  'filters.eventTypes': '--event',
  'filters.productIds': '--product',
  'filters.languages': '--language',
  'filters.addons': '--addons',
  'filters.payments': '--payments',
  errorEmails: '--error-email',
};

function filtersFrom(options: AddOptions): Partial<ConnectionFilters> {
  const filters: Partial<ConnectionFilters> = {};
  if (options.source !== undefined) filters.sources = options.source;
  if (options.event !== undefined) filters.eventTypes = options.event;
  if (options.product !== undefined) filters.productIds = options.product;
  if (options.language !== undefined) filters.languages = options.language.map((l) => l.toLowerCase());
  if (options.addons !== undefined) filters.addons = options.addons;
  if (options.payments !== undefined) filters.payments = options.payments;
  if (options.includeTest === true) filters.includeTest = true;
  return filters;
}

function configFrom(options: AddOptions): Record<string, unknown> {
  const config = buildConfigInput({ json: options.config, sets: options.set });
  if (options.url !== undefined) config.url = options.url;
  if (options.to !== undefined) config.to = options.to;
  return config;
}

/** One line summing up what a connection receives, e.g. `payment, refund · products 12345 · add-ons excluded`. */
export function describeFilters(filters: ConnectionFilters): string {
  const parts = [filters.eventTypes.length === 0 ? 'all events' : filters.eventTypes.join(', ')];
  if (filters.productIds.length > 0) parts.push(`products ${filters.productIds.join(', ')}`);
  if (filters.addons !== 'include') parts.push(filters.addons === 'exclude' ? 'add-ons excluded' : 'add-ons only');
  if (filters.languages.length > 0) parts.push(`languages ${filters.languages.join(', ')}`);
  if (filters.payments !== 'all') parts.push(filters.payments === 'first' ? 'first payments only' : 'rebills only');
  if (filters.sources.length > 0) parts.push(`sources ${filters.sources.join(', ')}`);
  if (filters.includeTest) parts.push('incl. test events');
  return parts.join(' · ');
}

function targetOf(view: ConnectionView): string {
  const { url, to } = view.config;
  if (typeof url === 'string') return url;
  if (Array.isArray(to)) return to.filter((v): v is string => typeof v === 'string').join(', ');
  return '';
}

function printAdded(io: CliIo, view: ConnectionView, generatedSecrets: Record<string, string>): void {
  const lines = [`Created connection ${view.id} (${view.connector}, "${view.name}"${view.active ? '' : ', inactive'}).`, `Receives: ${describeFilters(view.filters)}`];
  const secrets = Object.entries(generatedSecrets);
  if (secrets.length > 0) {
    lines.push('Generated secrets — shown once, store them now:');
    for (const [name, value] of secrets) lines.push(`  ${SECRET_LABELS[`${view.connector}.${name}`] ?? name}: ${value}`);
  }
  lines.push(`Check it with: ipnhub connection test ${view.id}`);
  printLines(io, ...lines);
}

/** Adds `connection add|list|test|remove`; `test` sets exit code 1 unless the outcome is `delivered`. */
export function registerConnectionCommand(program: Command, ctx: CommandContext): void {
  const connection = program
    .command('connection')
    .description('Manage connections: the targets (webhooks, e-mail, CRMs) events are delivered to, with their filters.');

  connection
    .command('add')
    .description('Create a connection. Filters are all optional; without them the connection receives every event of every source.')
    .requiredOption('--connector <id>', `connector id (required): ${CONNECTOR_IDS.join(', ')}`)
    .requiredOption('--name <name>', 'a name for this connection (required), e.g. "CRM webhook"')
    .option('--url <url>', 'target URL (webhook connector; same as --set url=…)')
    .option('--to <email>', 'recipient address (email connector; repeatable)', collect)
    .option('--config <json>', 'the connector config as a JSON object (fields per connector)')
    .option('--set <key=value>', 'set one config field; key:=json for a typed value, dotted keys for nested fields (repeatable)', collect)
    .option('--event <type>', `only these event types (repeatable): ${FILTERABLE_EVENTS.join(', ')}`, collectOneOf(FILTERABLE_EVENTS))
    .option('--product <id>', 'only orders containing this product id (repeatable)', collect)
    .option('--language <code>', 'only orders in this language, ISO 639-1 (repeatable)', collect)
    .option('--addons <rule>', 'add-on products: include (default), exclude, only', oneOf(ADDON_RULES))
    .option('--payments <rule>', 'payment events: all (default), first (first payment only), rebills (follow-up payments only)', oneOf(PAYMENT_RULES))
    .option('--include-test', 'also deliver test events (Digistore24 api_mode=test, PayPal test_ipn=1 or a sandbox source)')
    .option('--source <id>', 'only events from this source id (repeatable)', collect)
    .option('--error-email <email>', 'address that gets an e-mail when deliveries fail (repeatable)', collect)
    .option('--inactive', 'create the connection switched off')
    .option('--json', 'print the created connection (and generated secrets) as JSON')
    .action(async (options: AddOptions) => {
      const config = configFrom(options);
      await withDbRuntime(ctx.io, async (runtime) => {
        const { connection: view, generatedSecrets } = await namingFlags(CONNECTION_FLAGS, () =>
          runtime.connections.create({
            connector: options.connector,
            name: options.name,
            active: options.inactive !== true,
            filters: filtersFrom(options),
            config,
            errorEmails: options.errorEmail ?? [],
          }),
        );
        if (options.json === true) printJson(ctx.io, { ...view, generatedSecrets });
        else printAdded(ctx.io, view, generatedSecrets);
      });
    });

  connection
    .command('list')
    .description('List connections with their filters (secrets are shown only as set/unset).')
    .option('--json', 'print the connections as JSON')
    .action(async (options: { json?: boolean }) => {
      await withDbRuntime(ctx.io, async (runtime) => {
        const views = await runtime.connections.list();
        if (options.json === true) {
          printJson(ctx.io, views);
          return;
        }
        ctx.io.stdout(
          formatTable(
            [
              { header: 'id', value: (v: ConnectionView) => v.id },
              { header: 'connector', value: (v) => v.connector },
              { header: 'name', value: (v) => v.name },
              { header: 'active', value: (v) => (v.active ? 'yes' : 'no') },
              { header: 'target', value: (v) => truncate(targetOf(v), 60) },
              { header: 'receives', value: (v) => describeFilters(v.filters) },
            ],
            views,
            `No connections yet in ${runtimeDatabase(runtime)}. Add one with: ipnhub connection add --connector webhook --name <name> --url <url>`,
          ),
        );
      });
    });

  connection
    .command('test')
    .description("Run the connection's test right now and print the result (exit code 1 unless it passed): a webhook gets a signed connection_test event, e-mail checks the SMTP login, CRM connectors make an authenticated read.")
    .argument('<id>', 'connection id (con_…)')
    .option('--json', 'print the outcome as JSON')
    .action(async (id: string, options: { json?: boolean }) => {
      await withDbRuntime(ctx.io, async (runtime) => {
        const result = await runtime.admin.testConnection(id);
        if (options.json === true) printJson(ctx.io, result);
        else printLines(ctx.io, `${result.ok ? 'ok' : 'not ok'}: ${result.message}`);
        ctx.setExitCode(result.ok ? 0 : 1);
      });
    });

  connection
    .command('remove')
    .description('Delete a connection. Its delivery log stays; deliveries still pending for it are skipped.')
    .argument('<id>', 'connection id (con_…)')
    .option('--json', 'print the result as JSON')
    .action(async (id: string, options: { json?: boolean }) => {
      await withDbRuntime(ctx.io, async (runtime) => {
        if (!(await runtime.connections.remove(id))) throw new IpnhubError('NOT_FOUND', `No connection ${id}.`);
        if (options.json === true) printJson(ctx.io, { id, removed: true });
        else printLines(ctx.io, `Removed connection ${id}.`);
      });
    });
}
