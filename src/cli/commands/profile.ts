/**
 * `ipnhub profile add|list|show|update|remove|attach|detach`: seller profiles
 * (docs/invoicing.md). The common settings have flags of their own; every other setting is set
 * with `--config '<json>'` or `--set key=value` / `--set key:=json` (`--set mail.sellerRecipients:='["orders@example.com"]'`),
 * checked by the same schema as the admin API.
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { IpnhubError } from '../../core/errors.js';
import { found } from '../../http/admin/found.js';
import { DOCUMENT_LANGUAGES } from '../../invoicing/document-snapshot.js';
import type { DocumentLanguage, DocumentTaxMode } from '../../invoicing/document-snapshot.js';
import type { ProfileView } from '../../invoicing/profiles.js';
import type { CommandContext } from '../command-context.js';
import { buildConfigInput } from '../config-input.js';
import { withDbRuntime } from '../db-runtime.js';
import { runtimeDatabase } from '../describe-database.js';
import { namingFlags } from '../flag-names.js';
import type { FlagNames } from '../flag-names.js';
import { collect, oneOf } from '../option-parsers.js';
import { formatTable, printJson, printLines } from '../output.js';
import { isRecord } from '../../lib/is-record.js';

interface SettingsOptions {
  legalName?: string;
  address?: string[];
  country?: string;
  vatId?: string;
  taxNumber?: string;
  email?: string;
  language?: DocumentLanguage;
  timeZone?: string;
  taxMode?: DocumentTaxMode;
  invoicePrefix?: string;
  creditPrefix?: string;
  sellerEmail?: string[];
  config?: string;
  set?: string[];
  invoicing?: 'on' | 'off';
  eInvoice?: 'on' | 'off';
  logo?: string;
  json?: boolean;
}

/** `vat_included:1900`, `israel_vat:1800`, `small_business`, `reverse_charge`. */
function taxMode(value: string): DocumentTaxMode {
  const [kind, rate] = value.split(':');
  const basisPoints = Number(rate);
  if ((kind === 'vat_included' || kind === 'israel_vat') && Number.isInteger(basisPoints))
    return { kind, rateBasisPoints: basisPoints };
  if ((kind === 'small_business' || kind === 'reverse_charge') && rate === undefined)
    return { kind };
  throw new IpnhubError(
    'VALIDATION_FAILED',
    `--tax-mode: expected vat_included:<basis points>, israel_vat:<basis points>, small_business or reverse_charge, got "${value}".`,
  );
}

/** The flag that sets each profile field, to name it in a refusal (cli/flag-names.ts). */
const PROFILE_FLAGS: FlagNames = {
  name: '--name',
  'settings.legalName': '--legal-name',
  'settings.addressLines': '--address',
  'settings.countryCode': '--country',
  'settings.vatId': '--vat-id',
  'settings.taxNumber': '--tax-number',
  'settings.email': '--email',
  'settings.defaultLanguage': '--language',
  'settings.timeZone': '--time-zone',
  'settings.taxMode': '--tax-mode',
  'settings.invoiceSeries.prefix': '--invoice-prefix',
  'settings.creditNoteSeries.prefix': '--credit-prefix',
  'settings.mail.sellerRecipients': '--seller-email',
  'settings.eInvoice': '--e-invoice',
};

/** Number prefixes by language, for a new profile that names none. */
const DEFAULT_PREFIXES: Readonly<Record<DocumentLanguage, { invoice: string; credit: string }>> = {
  de: { invoice: 'RE', credit: 'GS' },
  en: { invoice: 'INV', credit: 'CN' },
  it: { invoice: 'FT', credit: 'NC' },
  he: { invoice: 'INV', credit: 'CN' },
};

/** The settings the flags name, on top of `--config` and `--set`. */
function settingsFromFlags(
  options: SettingsOptions,
  current: Record<string, unknown> | null,
): Record<string, unknown> {
  const settings = buildConfigInput({ json: options.config, sets: options.set });
  const put = (key: string, value: unknown): void => {
    if (value !== undefined) settings[key] = value;
  };
  put('legalName', options.legalName);
  put('addressLines', options.address);
  put('countryCode', options.country?.toUpperCase());
  put('vatId', options.vatId);
  put('taxNumber', options.taxNumber);
  put('email', options.email);
  put('defaultLanguage', options.language);
  put('timeZone', options.timeZone);
  put('taxMode', options.taxMode);
  put('eInvoice', options.eInvoice === undefined ? undefined : options.eInvoice === 'on');
  const nested = (key: string, field: string, value: unknown): void => {
    if (value !== undefined)
      settings[key] = { ...(isRecord(settings[key]) ? settings[key] : {}), [field]: value };
  };
  nested('invoiceSeries', 'prefix', options.invoicePrefix);
  nested('creditNoteSeries', 'prefix', options.creditPrefix);
  nested('mail', 'sellerRecipients', options.sellerEmail);
  // A setting that is an object (a series, `mail`) changed in part keeps its other fields.
  for (const [key, value] of Object.entries(settings)) {
    const before = current?.[key];
    if (isRecord(value) && isRecord(before)) settings[key] = { ...before, ...value };
  }
  return settings;
}

function withSettingsFlags(command: Command): Command {
  return command
    .option('--legal-name <name>', 'the seller’s full legal name as printed on documents')
    .option('--address <line>', 'an address line, in print order (repeatable)', collect)
    .option('--country <code>', 'the seller’s country, ISO 3166-1 alpha-2 (DE, IT, IL, …)')
    .option('--vat-id <id>', 'VAT id (USt-IdNr., partita IVA)')
    .option(
      '--tax-number <number>',
      'tax number (Steuernummer, codice fiscale, Israeli dealer number)',
    )
    .option('--email <address>', 'the seller’s contact address printed on documents')
    .option(
      '--language <code>',
      `default document language: ${DOCUMENT_LANGUAGES.join(', ')}`,
      oneOf(DOCUMENT_LANGUAGES),
    )
    .option('--time-zone <zone>', 'IANA time zone of dates and yearly series, e.g. Europe/Berlin')
    .option(
      '--tax-mode <mode>',
      'vat_included:1900 (19 %), israel_vat:1800, small_business or reverse_charge',
      taxMode,
    )
    .option('--invoice-prefix <prefix>', 'invoice number prefix, e.g. RE → RE-2026-000123')
    .option('--credit-prefix <prefix>', 'credit note number prefix, e.g. GS')
    .option(
      '--seller-email <address>',
      'who gets the "new order" mail with each document (repeatable)',
      collect,
    )
    .option('--config <json>', 'settings as a JSON object (see docs/invoicing.md)')
    .option(
      '--set <key=value>',
      'set one setting; key:=json for a typed value (repeatable)',
      collect,
    )
    .option(
      '--invoicing <on|off>',
      'issue documents for the attached sources',
      oneOf(['on', 'off'] as const),
    )
    .option(
      '--e-invoice <on|off>',
      'embed an EN 16931 e-invoice (Factur-X / ZUGFeRD) in each PDF, for German business customers',
      oneOf(['on', 'off'] as const),
    )
    .option('--logo <file>', 'a PNG or JPEG logo (at most 256 KiB)')
    .option('--json', 'print the profile as JSON');
}

function printProfile(
  ctx: CommandContext,
  view: ProfileView,
  json: boolean | undefined,
  verb: string,
): void {
  if (json === true) {
    printJson(ctx.io, view);
    return;
  }
  const s = view.settings;
  printLines(
    ctx.io,
    `${verb} seller profile ${view.id} ("${view.name}"), invoicing ${view.invoicing ? 'on' : 'off'}.`,
    `Seller: ${s.legalName}, ${s.addressLines.join(', ')}, ${s.countryCode}${s.vatId ? `, VAT id ${s.vatId}` : ''}${s.taxNumber ? `, tax number ${s.taxNumber}` : ''}`,
    `Tax: ${s.taxMode.kind}${'rateBasisPoints' in s.taxMode ? ` ${s.taxMode.rateBasisPoints / 100} %` : ''}; language ${s.defaultLanguage}; time zone ${s.timeZone}`,
    `Numbers: invoices ${s.invoiceSeries.prefix || '(no prefix)'}, credit notes ${s.creditNoteSeries.prefix || '(no prefix)'}${s.invoiceSeries.yearlyReset ? ', restarting each year' : ''}`,
    `E-invoice (Factur-X): ${s.eInvoice ? 'on' : 'off'}`,
    `Mails: buyer ${s.mail.toBuyer ? 'yes' : 'no'}; seller ${s.mail.sellerRecipients.join(', ') || '(nobody)'}`,
    `Logo: ${view.logo ? `${view.logo.mediaType}, ${view.logo.bytes} bytes` : 'none'}`,
    `Sources: ${view.sourceIds.join(', ') || 'none (attach one: ipnhub profile attach <profile id> <source id>)'}`,
  );
}

function readLogo(file: string): string {
  try {
    return readFileSync(file).toString('base64');
  } catch (err) {
    throw new IpnhubError(
      'LOGO_INVALID',
      `--logo ${file}: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
}

/** Adds `profile add|list|show|update|remove|attach|detach`. */
export function registerProfileCommand(program: Command, ctx: CommandContext): void {
  const profile = program
    .command('profile')
    .description(
      'Manage seller profiles: who issues the invoices and credit notes of the attached sources.',
    );

  withSettingsFlags(
    profile
      .command('add')
      .description(
        'Create a seller profile. Switch invoicing on (--invoicing on) and attach sources once the settings are right.',
      )
      .requiredOption('--name <name>', 'a name for people (required)'),
  ).action(async (options: SettingsOptions & { name: string }) => {
    const settings = settingsFromFlags(options, null);
    const language = (settings.defaultLanguage as DocumentLanguage | undefined) ?? 'en';
    const prefixes = DEFAULT_PREFIXES[language] ?? DEFAULT_PREFIXES.en;
    settings.invoiceSeries = {
      prefix: prefixes.invoice,
      yearlyReset: true,
      width: 6,
      ...(isRecord(settings.invoiceSeries) ? settings.invoiceSeries : {}),
    };
    settings.creditNoteSeries = {
      prefix: prefixes.credit,
      yearlyReset: true,
      width: 6,
      ...(isRecord(settings.creditNoteSeries) ? settings.creditNoteSeries : {}),
    };
    await withDbRuntime(ctx.io, async (runtime) => {
      let view = await namingFlags(PROFILE_FLAGS, () =>
        runtime.profiles.create({
          name: options.name,
          invoicing: options.invoicing === 'on',
          settings,
        }),
      );
      if (options.logo !== undefined)
        view = found(
          await runtime.profiles.setLogo(view.id, readLogo(options.logo)),
          'seller profile',
          view.id,
        );
      printProfile(ctx, view, options.json, 'Created');
    });
  });

  profile
    .command('list')
    .description('List seller profiles.')
    .option('--json', 'print the profiles as JSON')
    .action(async (options: { json?: boolean }) => {
      await withDbRuntime(ctx.io, async (runtime) => {
        const views = await runtime.profiles.list();
        if (options.json === true) return printJson(ctx.io, views);
        ctx.io.stdout(
          formatTable(
            [
              { header: 'id', value: (v: ProfileView) => v.id },
              { header: 'name', value: (v) => v.name },
              { header: 'invoicing', value: (v) => (v.invoicing ? 'on' : 'off') },
              {
                header: 'seller',
                value: (v) => `${v.settings.legalName} (${v.settings.countryCode})`,
              },
              { header: 'sources', value: (v) => v.sourceIds.join(', ') || '-' },
            ],
            views,
            `No seller profiles yet in ${runtimeDatabase(runtime)}. Add one with: ipnhub profile add --name <name> --legal-name <name> --address <line> --country DE --language de --time-zone Europe/Berlin --tax-mode vat_included:1900`,
          ),
        );
      });
    });

  profile
    .command('show')
    .description('Show a seller profile.')
    .argument('<id>', 'profile id (prf_…)')
    .option('--json', 'print the profile as JSON')
    .action(async (id: string, options: { json?: boolean }) => {
      await withDbRuntime(ctx.io, async (runtime) =>
        printProfile(
          ctx,
          found(await runtime.profiles.get(id), 'seller profile', id),
          options.json,
          'Seller profile',
        ),
      );
    });

  withSettingsFlags(
    profile
      .command('update')
      .description(
        'Change a seller profile: the settings given replace theirs, the others stay. Issued documents keep what they say.',
      )
      .argument('<id>', 'profile id (prf_…)')
      .option('--name <name>', 'a new name')
      .option('--clear-logo', 'remove the logo'),
  ).action(
    async (id: string, options: SettingsOptions & { name?: string; clearLogo?: boolean }) => {
      await withDbRuntime(ctx.io, async (runtime) => {
        const current = found(await runtime.profiles.get(id), 'seller profile', id);
        const settings = settingsFromFlags(options, current.settings);
        let view = found(
          await namingFlags(PROFILE_FLAGS, () =>
            runtime.profiles.update(id, {
              ...(options.name !== undefined ? { name: options.name } : {}),
              ...(options.invoicing !== undefined ? { invoicing: options.invoicing === 'on' } : {}),
              ...(Object.keys(settings).length > 0 ? { settings } : {}),
            }),
          ),
          'seller profile',
          id,
        );
        if (options.logo !== undefined)
          view = found(
            await runtime.profiles.setLogo(id, readLogo(options.logo)),
            'seller profile',
            id,
          );
        if (options.clearLogo === true)
          view = found(await runtime.profiles.clearLogo(id), 'seller profile', id);
        printProfile(ctx, view, options.json, 'Updated');
      });
    },
  );

  profile
    .command('remove')
    .description(
      'Delete a seller profile that has not issued a document yet (otherwise: --invoicing off).',
    )
    .argument('<id>', 'profile id (prf_…)')
    .option('--json', 'print the result as JSON')
    .action(async (id: string, options: { json?: boolean }) => {
      await withDbRuntime(ctx.io, async (runtime) => {
        if (!(await runtime.profiles.remove(id)))
          throw new IpnhubError('NOT_FOUND', `No seller profile ${id}.`);
        if (options.json === true) printJson(ctx.io, { id, removed: true });
        else printLines(ctx.io, `Removed seller profile ${id}.`);
      });
    });

  for (const [name, description] of [
    [
      'attach',
      'Attach a source: its payments, refunds and chargebacks get documents from this profile (a source has at most one profile).',
    ],
    ['detach', 'Detach a source: its payments get no documents from this profile any more.'],
  ] as const) {
    profile
      .command(name)
      .description(description)
      .argument('<id>', 'profile id (prf_…)')
      .argument('<sourceId>', 'source id (src_…)')
      .option('--json', 'print the profile as JSON')
      .action(async (id: string, sourceId: string, options: { json?: boolean }) => {
        await withDbRuntime(ctx.io, async (runtime) => {
          const view = found(
            await (name === 'attach'
              ? runtime.profiles.attach(id, sourceId)
              : runtime.profiles.detach(id, sourceId)),
            'seller profile',
            id,
          );
          if (options.json === true) printJson(ctx.io, view);
          else
            printLines(
              ctx.io,
              `${name === 'attach' ? 'Attached' : 'Detached'} source ${sourceId} ${name === 'attach' ? 'to' : 'from'} profile ${id}; its sources: ${view.sourceIds.join(', ') || 'none'}.`,
            );
        });
      });
  }
}
