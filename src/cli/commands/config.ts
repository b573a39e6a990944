/**
 * `ipnhub config show`: the settings this command line resolves to, where each value comes
 * from (default, settings file, environment variable), the settings file in use and the
 * database. The first thing to look at when the CLI and a running server seem to disagree, or
 * a command says there is no database. Secrets are shown only as set or not set; URLs with
 * their password masked.
 */
import type { Command } from 'commander';
import { CONFIG_KEYS, envName, SECRET_KEYS } from '../../config/config.js';
import type { Config } from '../../config/config.js';
import { settingsFileIn } from '../../config/settings-file.js';
import { maskUrlPassword } from '../../lib/mask-url-password.js';
import { dbTarget } from '../../runtime.js';
import type { CommandContext } from '../command-context.js';
import { loadCommandSettings } from '../command-settings.js';
import { describeDatabase } from '../describe-database.js';
import { formatTable, printJson, printLines } from '../output.js';

interface SettingRow {
  key: keyof Config;
  variable: string;
  value: string;
  origin: string;
}

function shown(key: keyof Config, value: unknown): string {
  if (value === undefined) return '(not set)';
  if (SECRET_KEYS.has(key))
    return typeof value === 'string' && key.endsWith('Url')
      ? (maskUrlPassword(value) ?? '(set)')
      : '(set)';
  return Array.isArray(value) ? (value.length === 0 ? '(empty)' : value.join(',')) : String(value);
}

export function registerConfigCommand(program: Command, ctx: CommandContext): void {
  const config = program.command('config').description('Inspect the settings ipnhub runs with.');

  config
    .command('show')
    .description(
      'Print every setting with its value and origin (default, settings file, IPNHUB_* variable), the settings file and the database this command line uses. Secrets show only as set.',
    )
    .option('--json', 'print the settings as JSON')
    .action((options: { json?: boolean }) => {
      const settings = loadCommandSettings(ctx.io);
      const settingsFile = settings.file ?? settingsFileIn(settings.config.dataDir);
      const database = describeDatabase(dbTarget(settings.config));
      const rows: SettingRow[] = CONFIG_KEYS.map((key) => ({
        key,
        variable: envName(key),
        value: shown(key, settings.config[key]),
        origin: settings.origins[key],
      }));
      if (options.json === true) {
        printJson(ctx.io, {
          settingsFile: { path: settingsFile, present: settings.file !== undefined },
          database,
          settings: rows,
        });
        return;
      }
      printLines(
        ctx.io,
        `Settings file: ${settingsFile}${settings.file !== undefined ? '' : ' (not present; create it to give serve, worker and the CLI the same settings)'}`,
        `Database: ${database}`,
        '',
      );
      ctx.io.stdout(
        formatTable(
          [
            { header: 'key', value: (r: SettingRow) => r.key },
            { header: 'value', value: (r) => r.value },
            { header: 'from', value: (r) => r.origin },
          ],
          rows,
        ),
      );
    });
}
