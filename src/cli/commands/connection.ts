/**
 * `ipnhub connection add|list|update|enable|disable|test|backfill|remove`: the outbound targets, each
 * with its connector, config, filters and error e-mail addresses. A secret the connector
 * generates (the webhook signing secret) is printed once by the command that generated it and
 * never again; `list` shows secrets only as set/unset. `update` changes only what it is given:
 * secrets not given keep their value, so a new URL keeps the signing secret.
 */
import type { Command } from 'commander';
import { connectionWriteView } from '../../connections/connection-write-view.js';
import type {
  ConnectionView,
  ConnectionWriteResult,
} from '../../connections/connections-service.js';
import type { ConnectionFilters } from '../../routing/filters.js';
import { CONNECTOR_IDS } from '../../connectors/registry.js';
import { flatSample } from '../../connectors/webhook/flat-body.js';
import { IpnhubError } from '../../core/errors.js';
import { EVENT_TYPES } from '../../core/events.js';
import type { EventType } from '../../core/events.js';
import { found } from '../../http/admin/found.js';
import type { CliIo } from '../cli-io.js';
import type { CommandContext } from '../command-context.js';
import { buildConfigInput } from '../config-input.js';
import { withDbRuntime } from '../db-runtime.js';
import { runtimeDatabase } from '../describe-database.js';
import { namingFlags } from '../flag-names.js';
import type { FlagNames } from '../flag-names.js';
import { collect, collectOneOf, isoInstantOption, oneOf } from '../option-parsers.js';
import type { BackfillResult } from '../../outbox/backfill.js';
import { formatTable, printJson, printLines, truncate } from '../output.js';

const FILTERABLE_EVENTS = EVENT_TYPES.filter((type) => type !== 'connection_test');
const ADDON_RULES = ['include', 'exclude', 'only'] as const;
const PAYMENT_RULES = ['all', 'first', 'rebills'] as const;

/** Lists `connection update --clear` empties (an empty filter list means "all"). */
const CLEARABLE = ['events', 'products', 'languages', 'sources', 'error-emails'] as const;
type Clearable = (typeof CLEARABLE)[number];

/** The options `add` and `update` share: config, filters and error e-mails. */
interface ConnectionOptions {
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
  json?: boolean;
}

interface AddOptions extends ConnectionOptions {
  connector: string;
  name: string;
  inactive?: boolean;
}

interface UpdateOptions extends ConnectionOptions {
  name?: string;
  clear?: Clearable[];
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

/** The filter fields the options name; the others are left out (defaults on add, kept on update). */
function filtersFrom(options: ConnectionOptions): Partial<ConnectionFilters> {
  const filters: Partial<ConnectionFilters> = {};
  if (options.source !== undefined) filters.sources = options.source;
  if (options.event !== undefined) filters.eventTypes = options.event;
  if (options.product !== undefined) filters.productIds = options.product;
  if (options.language !== undefined)
    filters.languages = options.language.map((l) => l.toLowerCase());
  if (options.addons !== undefined) filters.addons = options.addons;
  if (options.payments !== undefined) filters.payments = options.payments;
  if (options.includeTest !== undefined) filters.includeTest = options.includeTest;
  return filters;
}

function configFrom(options: ConnectionOptions): Record<string, unknown> {
  const config = buildConfigInput({ json: options.config, sets: options.set });
  if (options.url !== undefined) config.url = options.url;
  if (options.to !== undefined) config.to = options.to;
  return config;
}

/** One line summing up what a connection receives, e.g. `payment, refund · products 12345 · add-ons excluded`. */
export function describeFilters(filters: ConnectionFilters): string {
  const parts = [filters.eventTypes.length === 0 ? 'all events' : filters.eventTypes.join(', ')];
  if (filters.productIds.length > 0) parts.push(`products ${filters.productIds.join(', ')}`);
  if (filters.addons !== 'include')
    parts.push(filters.addons === 'exclude' ? 'add-ons excluded' : 'add-ons only');
  if (filters.languages.length > 0) parts.push(`languages ${filters.languages.join(', ')}`);
  if (filters.payments !== 'all')
    parts.push(filters.payments === 'first' ? 'first payments only' : 'rebills only');
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

function generatedSecretLines(
  view: ConnectionView,
  generatedSecrets: Record<string, string>,
): string[] {
  const secrets = Object.entries(generatedSecrets);
  if (secrets.length === 0) return [];
  return [
    'Generated secrets — shown once, store them now:',
    ...secrets.map(
      ([name, value]) => `  ${SECRET_LABELS[`${view.connector}.${name}`] ?? name}: ${value}`,
    ),
  ];
}

function printAdded(
  io: CliIo,
  view: ConnectionView,
  generatedSecrets: Record<string, string>,
): void {
  printLines(
    io,
    `Created connection ${view.id} (${view.connector}, "${view.name}"${view.active ? '' : ', inactive'}).`,
    `Receives: ${describeFilters(view.filters)}`,
    ...generatedSecretLines(view, generatedSecrets),
    `Check it with: ipnhub connection test ${view.id}`,
  );
}

/** The secret fields that hold a value and that `patch` did not touch (a top-level key of the patch covers its nested fields). */
function keptSecrets(view: ConnectionView, patch: Record<string, unknown> | undefined): string[] {
  const touched = new Set(Object.keys(patch ?? {}));
  return Object.entries(view.secretFields)
    .filter(([field, status]) => status === 'set' && !touched.has(field.split('.')[0] ?? field))
    .map(([field]) => field);
}

function printUpdated(
  io: CliIo,
  result: ConnectionWriteResult,
  configPatch: Record<string, unknown> | undefined,
): void {
  const view = result.connection;
  const kept = keptSecrets(view, configPatch);
  const target = targetOf(view);
  printLines(
    io,
    `Updated connection ${view.id} (${view.connector}, "${view.name}"${view.active ? '' : ', inactive'}).`,
    ...(target === '' ? [] : [`Target:   ${target}`]),
    `Receives: ${describeFilters(view.filters)}`,
    ...(kept.length === 0 ? [] : [`Secrets kept: ${kept.join(', ')}`]),
    ...generatedSecretLines(view, result.generatedSecrets),
  );
}

/** What each `--clear` list empties, and the option that sets the same list (both at once contradict). */
const CLEAR_TARGETS: Readonly<
  Record<
    Clearable,
    {
      flag: string;
      option: 'event' | 'product' | 'language' | 'source' | 'errorEmail';
      filter: 'eventTypes' | 'productIds' | 'languages' | 'sources' | null;
    }
  >
> = {
  events: { flag: '--event', option: 'event', filter: 'eventTypes' },
  products: { flag: '--product', option: 'product', filter: 'productIds' },
  languages: { flag: '--language', option: 'language', filter: 'languages' },
  sources: { flag: '--source', option: 'source', filter: 'sources' },
  'error-emails': { flag: '--error-email', option: 'errorEmail', filter: null },
};

/** The connections-service patch for `update`'s options; throws VALIDATION_FAILED when nothing would change or options contradict. */
function patchFrom(options: UpdateOptions): {
  name?: string;
  config?: Record<string, unknown>;
  filterChanges?: Partial<ConnectionFilters>;
  errorEmails?: string[];
} {
  const config = configFrom(options);
  const filterChanges = filtersFrom(options);
  let errorEmails = options.errorEmail;
  for (const list of options.clear ?? []) {
    const target = CLEAR_TARGETS[list];
    if (options[target.option] !== undefined)
      throw new IpnhubError(
        'VALIDATION_FAILED',
        `--clear ${list} and ${target.flag} contradict each other; give one of them.`,
      );
    if (target.filter === null) errorEmails = [];
    else filterChanges[target.filter] = [];
  }
  const patch = {
    ...(options.name !== undefined ? { name: options.name } : {}),
    ...(Object.keys(config).length > 0 ? { config } : {}),
    ...(Object.keys(filterChanges).length > 0 ? { filterChanges } : {}),
    ...(errorEmails !== undefined ? { errorEmails } : {}),
  };
  if (Object.keys(patch).length === 0) {
    throw new IpnhubError(
      'VALIDATION_FAILED',
      'Nothing to change: give at least one option (see ipnhub connection update --help); enable or disable a connection with ipnhub connection enable|disable.',
    );
  }
  return patch;
}

/** The config, filter and error e-mail options of `add` and `update` (whose list options replace the current list). */
function withConnectionOptions(command: Command, update: boolean): Command {
  const lists = update ? ' (repeatable; replaces the current list)' : ' (repeatable)';
  return command
    .option('--url <url>', 'target URL (webhook, paypal-ipn-forward; same as --set url=…)')
    .option('--to <email>', `recipient address (email connector)${lists}`, collect)
    .option(
      '--config <json>',
      update
        ? 'config fields to change, as a JSON object (null removes a field)'
        : 'the connector config as a JSON object (fields per connector)',
    )
    .option(
      '--set <key=value>',
      update
        ? 'set one config field; key:=json for a typed value, key:=null removes it; a dotted key replaces its whole top-level field (repeatable)'
        : 'set one config field; key:=json for a typed value, dotted keys for nested fields (repeatable)',
      collect,
    )
    .option(
      '--event <type>',
      `only these event types${lists}: ${FILTERABLE_EVENTS.join(', ')}`,
      collectOneOf(FILTERABLE_EVENTS),
    )
    .option('--product <id>', `only orders containing this product id${lists}`, collect)
    .option('--language <code>', `only orders in this language, ISO 639-1${lists}`, collect)
    .option(
      '--addons <rule>',
      'add-on products: include (default), exclude, only',
      oneOf(ADDON_RULES),
    )
    .option(
      '--payments <rule>',
      'payment events: all (default), first (first payment only), rebills (follow-up payments only)',
      oneOf(PAYMENT_RULES),
    )
    .option(
      '--include-test',
      'also deliver test events (Digistore24 api_mode=test, PayPal test_ipn=1 or a sandbox source)',
    )
    .option('--source <id>', `only events from this source id${lists}`, collect)
    .option(
      '--error-email <email>',
      `address that gets an e-mail when deliveries fail${lists}`,
      collect,
    );
}

interface BackfillOptions {
  from: string;
  to?: string;
  source?: string[];
  type?: EventType[];
  dryRun?: boolean;
  json?: boolean;
}

function backfillSummary(id: string, r: BackfillResult): string {
  const range = `received ${r.from} to ${r.to}`;
  if (r.matched === 0) return `No past events ${range} match connection ${id}'s filters.`;
  const had = r.existing > 0 ? ` (${r.existing} already had a delivery to it)` : '';
  if (r.dryRun)
    return `${r.matched} event(s) ${range} match connection ${id}'s filters${had}: ${r.created} delivery(ies) would be created (--dry-run, nothing created).`;
  if (r.created === 0) return `${r.matched} event(s) ${range} match${had}: nothing to create.`;
  return `${r.matched} event(s) ${range} match${had}: created ${r.created} backfill delivery(ies), due until ${r.lastDueAt}; the running worker (ipnhub serve or ipnhub worker) sends them.`;
}

/** Adds `connection add|list|update|enable|disable|test|sample|backfill|remove`; `test` sets exit code 1 unless it passed. */
export function registerConnectionCommand(program: Command, ctx: CommandContext): void {
  const connection = program
    .command('connection')
    .description(
      'Manage connections: the targets (webhooks, e-mail, CRMs) events are delivered to, with their filters.',
    );

  withConnectionOptions(
    connection
      .command('add')
      .description(
        'Create a connection. Filters are all optional; without them the connection receives every event of every source.',
      )
      .requiredOption('--connector <id>', `connector id (required): ${CONNECTOR_IDS.join(', ')}`)
      .requiredOption('--name <name>', 'a name for this connection (required), e.g. "CRM webhook"'),
    false,
  )
    .option(
      '--inactive',
      'create the connection switched off (switch it on with ipnhub connection enable)',
    )
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
              {
                header: 'active',
                value: (v) =>
                  v.active
                    ? 'yes'
                    : v.disabledAt
                      ? `no, switched off by ipnhub ${v.disabledAt}`
                      : 'no',
              },
              { header: 'target', value: (v) => truncate(targetOf(v), 60) },
              { header: 'receives', value: (v) => describeFilters(v.filters) },
            ],
            views,
            `No connections yet in ${runtimeDatabase(runtime)}. Add one with: ipnhub connection add --connector webhook --name <name> --url <url>`,
          ),
        );
        for (const v of views) {
          if (!v.active && v.disabledAt)
            ctx.io.stdout(
              `\n${v.id} ("${v.name}") was switched off by ipnhub at ${v.disabledAt}: ${v.disabledReason ?? 'it kept failing'}.\nIts pending deliveries are kept; after fixing the cause switch it on with: ipnhub connection enable ${v.id}\n`,
            );
        }
      });
    });

  withConnectionOptions(
    connection
      .command('update')
      .description(
        'Change a connection: only what is given changes. Secrets keep their value unless set (--set secret=… replaces the webhook signing secret, --set secret:=null has a new one generated and printed once), so a new --url keeps the signing secret. Filter options replace that one filter; --clear empties a list.',
      )
      .argument('<id>', 'connection id (con_…)')
      .option('--name <name>', 'a new name'),
    true,
  )
    .option('--no-include-test', 'stop delivering test events')
    .option(
      '--clear <list>',
      `empty a list, i.e. no longer filter by it (repeatable): ${CLEARABLE.join(', ')}`,
      collectOneOf(CLEARABLE),
    )
    .option(
      '--json',
      'print the updated connection as JSON (with generatedSecrets when a secret was generated)',
    )
    .action(async (id: string, options: UpdateOptions) => {
      const patch = patchFrom(options);
      await withDbRuntime(ctx.io, async (runtime) => {
        const result = found(
          await namingFlags(CONNECTION_FLAGS, () => runtime.connections.update(id, patch)),
          'connection',
          id,
        );
        if (options.json === true) printJson(ctx.io, connectionWriteView(result, false));
        else printUpdated(ctx.io, result, patch.config);
      });
    });

  for (const [verb, active] of [
    ['enable', true],
    ['disable', false],
  ] as const) {
    connection
      .command(verb)
      .description(
        active
          ? 'Switch a connection on: events received from now on are delivered to it; deliveries kept while ipnhub had switched it off (it kept failing) go out now, in order.'
          : 'Switch a connection off: events received from now on are not delivered to it, and its pending deliveries are skipped when they come up (ipnhub deliveries redeliver still sends one).',
      )
      .argument('<id>', 'connection id (con_…)')
      .option('--json', 'print the connection as JSON')
      .action(async (id: string, options: { json?: boolean }) => {
        await withDbRuntime(ctx.io, async (runtime) => {
          const result = found(await runtime.connections.update(id, { active }), 'connection', id);
          const view = result.connection;
          if (options.json === true) printJson(ctx.io, connectionWriteView(result, false));
          else if (active)
            printLines(
              ctx.io,
              `Enabled connection ${view.id} (${view.connector}, "${view.name}"): events received from now on are delivered to it.`,
            );
          else
            printLines(
              ctx.io,
              `Disabled connection ${view.id} (${view.connector}, "${view.name}"): events received from now on are not delivered to it; its pending deliveries are skipped.`,
            );
        });
      });
  }

  connection
    .command('test')
    .description(
      "Run the connection's test right now and print the result (exit code 1 unless it passed): a webhook gets a signed connection_test event, e-mail checks the SMTP login, CRM connectors make an authenticated read.",
    )
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
    .command('backfill')
    .description(
      "Send past events to a connection: the events received in a time range (of some sources and event types, when given) that the connection's filters take get a delivery each, marked backfill; an event that already has one to this connection keeps it. --dry-run only counts. They go out in event order per order, at most backfillPerSecond per second, after live deliveries that are due.",
    )
    .argument('<id>', 'connection id (con_…)')
    .requiredOption(
      '--from <instant>',
      'events received at or after (ISO 8601), e.g. 2026-05-01T00:00:00Z',
      isoInstantOption,
    )
    .option('--to <instant>', 'events received before (ISO 8601); default now', isoInstantOption)
    .option('--source <id>', 'only events of this source id (repeatable)', collect)
    .option(
      '--type <type>',
      `only events of this type (repeatable): ${FILTERABLE_EVENTS.join(', ')}`,
      collectOneOf(FILTERABLE_EVENTS),
    )
    .option('--dry-run', "only count the events the connection's filters take")
    .option('--json', 'print the result as JSON')
    .action(async (id: string, options: BackfillOptions) => {
      await withDbRuntime(ctx.io, async (runtime) => {
        const result = await runtime.admin.backfill({
          connectionId: id,
          from: options.from,
          to: options.to,
          sources: options.source,
          eventTypes: options.type,
          dryRun: options.dryRun,
        });
        if (options.json === true) printJson(ctx.io, result);
        else printLines(ctx.io, backfillSummary(id, result));
      });
    });

  connection
    .command('sample')
    .description(
      'Print the body a webhook connection with the Zapier or Make body format sends, for a sample payment: paste it where Zapier or Make asks for a sample, or compare it with what your scenario expects. Field names: docs/protocols/webhooks.md.',
    )
    .option('--preset <preset>', 'zapier or make (both send the same flat body)', 'zapier')
    .option('--json', 'the body is JSON in any case; accepted like on every other command')
    .action((options: { preset: string; json?: boolean }) => {
      if (options.preset !== 'zapier' && options.preset !== 'make')
        throw new IpnhubError(
          'VALIDATION_FAILED',
          `--preset: "${options.preset}" is not a preset with a flat body (zapier, make)`,
        );
      printJson(ctx.io, flatSample());
    });

  connection
    .command('remove')
    .description(
      'Delete a connection. Its delivery log stays; deliveries still pending for it are skipped.',
    )
    .argument('<id>', 'connection id (con_…)')
    .option('--json', 'print the result as JSON')
    .action(async (id: string, options: { json?: boolean }) => {
      await withDbRuntime(ctx.io, async (runtime) => {
        if (!(await runtime.connections.remove(id)))
          throw new IpnhubError('NOT_FOUND', `No connection ${id}.`);
        if (options.json === true) printJson(ctx.io, { id, removed: true });
        else printLines(ctx.io, `Removed connection ${id}.`);
      });
    });
}
