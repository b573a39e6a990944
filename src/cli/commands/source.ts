/**
 * `ipnhub source add|list|remove`: the inbound accounts (docs/domain-model.md). `add` prints the URL
 * to paste into the provider's IPN settings. Secrets (the Digistore24 passphrase) go into the
 * encrypted store and are never printed, also not by `--json`.
 */
import type { Command } from 'commander';
import type { SourceView } from '../../connections/sources-service.js';
import { IpnhubError } from '../../core/errors.js';
import { PROVIDER_IDS } from '../../providers/registry.js';
import type { Runtime } from '../../runtime.js';
import type { CliIo } from '../cli-io.js';
import type { CommandContext } from '../command-context.js';
import { buildConfigInput } from '../config-input.js';
import { withDbRuntime } from '../db-runtime.js';
import { runtimeDatabase } from '../describe-database.js';
import { namingFlags } from '../flag-names.js';
import type { FlagNames } from '../flag-names.js';
import { collect } from '../option-parsers.js';
import { formatTable, printJson, printLines } from '../output.js';

interface AddOptions {
  provider: string;
  name: string;
  passphrase?: string;
  config?: string;
  set?: string[];
  json?: boolean;
}

/** A source as the CLI shows it: with its inbound URL. */
type ShownSource = SourceView & { inboundUrl: string };

function withFullUrl(runtime: Runtime, view: SourceView): ShownSource {
  return { ...view, inboundUrl: runtime.inboundUrl(view.id) };
}

function secretSummary(view: SourceView): string {
  const entries = Object.entries(view.secretFields);
  return entries.length === 0
    ? '-'
    : entries.map(([name, status]) => `${name}: ${status}`).join(', ');
}

/** The flags `source add` and `source update` set config fields with; others come from `--set`. */
const SOURCE_FLAGS: FlagNames = {
  passphrase: '--passphrase',
  name: '--name',
  provider: '--provider',
};

/** Setup advice per provider, shown once after `source add`. */
const SETUP_ADVICE: Readonly<Record<string, string>> = {
  digistore24:
    'Digistore24: paste this URL in Settings → Integrations (IPN) → Generic, enter the same passphrase, and enable the events, including last_paid_day, on_rebill_cancelled and on_rebill_resumed.',
  'paypal-ipn':
    'PayPal: paste this URL in Account Settings → Notifications → Instant payment notifications, and enable message delivery. Each IPN is answered with an empty 200 once stored and verified with PayPal afterwards; keep existing listeners working with a paypal-ipn-forward connection.',
  'paypal-webhooks':
    'PayPal: in the developer dashboard (Apps & Credentials → your app → Webhooks), add this URL, subscribe to the payment, checkout, billing subscription and dispute events, then store the webhook id PayPal shows: ipnhub source update <id> --set webhookId=<id from PayPal>.',
};

function printAdded(io: CliIo, runtime: Runtime, view: ShownSource): void {
  const lines = [
    `Created source ${view.id} (${view.provider}, "${view.name}").`,
    `Inbound URL: ${view.inboundUrl}`,
  ];
  const advice = SETUP_ADVICE[view.provider];
  if (advice !== undefined) lines.push(advice);
  if (runtime.config.publicBaseUrl === undefined) {
    lines.push(
      'Note: IPNHUB_PUBLIC_BASE_URL is not set, so this URL uses the local listen address; set it to the public address the provider can reach.',
    );
  }
  printLines(io, ...lines);
}

/** Adds `source add|list|remove`. */
export function registerSourceCommand(program: Command, ctx: CommandContext): void {
  const source = program
    .command('source')
    .description('Manage sources: the provider accounts that send notifications to ipnhub.');

  source
    .command('add')
    .description(
      'Register a provider account and print the inbound URL to paste into its IPN settings.',
    )
    .requiredOption('--provider <id>', `provider id (required): ${PROVIDER_IDS.join(', ')}`)
    .requiredOption(
      '--name <name>',
      'a name for this account (required), e.g. "Digistore24 main shop"',
    )
    .option(
      '--passphrase <passphrase>',
      'the IPN passphrase (Digistore24); stored encrypted, never shown again',
    )
    .option('--config <json>', 'the provider config as a JSON object (fields per provider)')
    .option(
      '--set <key=value>',
      'set one config field; key:=json for a typed value (repeatable)',
      collect,
    )
    .option('--json', 'print the created source as JSON')
    .action(async (options: AddOptions) => {
      const config = buildConfigInput({ json: options.config, sets: options.set });
      if (options.passphrase !== undefined) config.passphrase = options.passphrase;
      await withDbRuntime(ctx.io, async (runtime) => {
        const view = withFullUrl(
          runtime,
          await namingFlags(SOURCE_FLAGS, () =>
            runtime.sources.create({ provider: options.provider, name: options.name, config }),
          ),
        );
        if (options.json === true) printJson(ctx.io, view);
        else printAdded(ctx.io, runtime, view);
      });
    });

  source
    .command('list')
    .description('List sources with their inbound URLs (secrets are shown only as set/unset).')
    .option('--json', 'print the sources as JSON')
    .action(async (options: { json?: boolean }) => {
      await withDbRuntime(ctx.io, async (runtime) => {
        const views = (await runtime.sources.list()).map((view) => withFullUrl(runtime, view));
        if (options.json === true) {
          printJson(ctx.io, views);
          return;
        }
        ctx.io.stdout(
          formatTable(
            [
              { header: 'id', value: (v: ShownSource) => v.id },
              { header: 'provider', value: (v) => v.provider },
              { header: 'name', value: (v) => v.name },
              { header: 'secrets', value: secretSummary },
              { header: 'inbound url', value: (v) => v.inboundUrl },
            ],
            views,
            `No sources yet in ${runtimeDatabase(runtime)}. Add one with: ipnhub source add --provider digistore24 --name <name> --passphrase <passphrase>`,
          ),
        );
      });
    });

  source
    .command('update')
    .description(
      'Change a source: rename it, or set config fields (fields not given keep their value, secrets included), e.g. the webhook id PayPal shows once the URL is registered.',
    )
    .argument('<id>', 'source id (src_…)')
    .option('--name <name>', 'a new name')
    .option(
      '--passphrase <passphrase>',
      'a new IPN passphrase (Digistore24); stored encrypted, never shown again',
    )
    .option('--config <json>', 'config fields to change, as a JSON object (null removes a field)')
    .option(
      '--set <key=value>',
      'set one config field; key:=json for a typed value (repeatable)',
      collect,
    )
    .option('--json', 'print the updated source as JSON')
    .action(
      async (id: string, options: Omit<AddOptions, 'provider' | 'name'> & { name?: string }) => {
        const config = buildConfigInput({ json: options.config, sets: options.set });
        if (options.passphrase !== undefined) config.passphrase = options.passphrase;
        await withDbRuntime(ctx.io, async (runtime) => {
          const patch = {
            ...(options.name !== undefined ? { name: options.name } : {}),
            ...(Object.keys(config).length > 0 ? { config } : {}),
          };
          const updated = await namingFlags(SOURCE_FLAGS, () => runtime.sources.update(id, patch));
          if (!updated) throw new IpnhubError('NOT_FOUND', `No source ${id}.`);
          const view = withFullUrl(runtime, updated);
          if (options.json === true) printJson(ctx.io, view);
          else
            printLines(
              ctx.io,
              `Updated source ${view.id} (${view.provider}, "${view.name}").`,
              `Inbound URL: ${view.inboundUrl}`,
            );
        });
      },
    );

  source
    .command('remove')
    .description(
      'Delete a source. Notifications sent to its URL are rejected from then on; recorded events stay.',
    )
    .argument('<id>', 'source id (src_…)')
    .option('--json', 'print the result as JSON')
    .action(async (id: string, options: { json?: boolean }) => {
      await withDbRuntime(ctx.io, async (runtime) => {
        if (!(await runtime.sources.remove(id)))
          throw new IpnhubError('NOT_FOUND', `No source ${id}.`);
        if (options.json === true) printJson(ctx.io, { id, removed: true });
        else printLines(ctx.io, `Removed source ${id}.`);
      });
    });
}
