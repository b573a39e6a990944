/**
 * `ipnhub migrate`: applies pending schema migrations and says which ran. `serve` and `worker`
 * migrate on start as well; this command lets an operator do it ahead of a deploy. Kysely's
 * migrator locks, so running it next to live servers is safe.
 */
import type { Command } from 'commander';
import { prepareDataDir } from '../../config/data-dir.js';
import { openMigrated } from '../../db/open-migrated.js';
import { dbTarget } from '../../runtime.js';
import type { CommandContext } from '../command-context.js';
import { loadCommandSettings } from '../command-settings.js';
import { printJson, printLines } from '../output.js';
import { describeDatabase } from '../describe-database.js';

/** Adds `migrate`. */
export function registerMigrateCommand(program: Command, ctx: CommandContext): void {
  program
    .command('migrate')
    .description('Apply pending database migrations and print which ran ("up to date" when none).')
    .option('--json', 'print the result as JSON')
    .action(async (options: { json?: boolean }) => {
      const { config } = loadCommandSettings(ctx.io);
      const target = dbTarget(config);
      if (target.kind === 'sqlite') prepareDataDir(config.dataDir);
      const { handle, applied } = await openMigrated(target);
      try {
        const database = describeDatabase(target);
        if (options.json === true)
          printJson(ctx.io, { database, applied, upToDate: applied.length === 0 });
        else if (applied.length === 0) printLines(ctx.io, `Database ${database} is up to date.`);
        else
          printLines(
            ctx.io,
            `Database ${database}: applied ${applied.length} migration(s):`,
            ...applied.map((name) => `  ${name}`),
          );
      } finally {
        await handle.close();
      }
    });
}
