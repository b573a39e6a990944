/**
 * `ipnhub backup <file>`: a consistent copy of the embedded SQLite database, made while `serve`
 * and `worker` keep running (db/sqlite-backup.ts). It neither migrates nor refuses a database of
 * another version: it is what an operator runs before an upgrade and before going back to an
 * older version, and the copy must be the database as it is. On PostgreSQL it explains how to
 * use `pg_dump` instead. The master key is never part of a backup; the command says where it
 * is, because a backup without it cannot decrypt the stored secrets.
 */
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import type { Settings } from '../../config/config.js';
import { IpnhubError } from '../../core/errors.js';
import { postgresLocation } from '../../db/open-migrated.js';
import { backupSqlite } from '../../db/sqlite-backup.js';
import { dbTarget } from '../../runtime.js';
import { MASTER_KEY_FILE } from '../../secrets/master-key.js';
import type { CommandContext } from '../command-context.js';
import { loadCommandSettings } from '../command-settings.js';
import { describeDatabase } from '../describe-database.js';
import { requireExistingDatabase } from '../existing-database.js';
import { printJson, printLines } from '../output.js';

interface MasterKeyLocation {
  /** The key file in the data directory, when the key is not configured. */
  file: string | null;
  /** Where the configured key comes from: a variable's name or a settings file. */
  setting: string | null;
}

function masterKeyLocation(settings: Settings): MasterKeyLocation {
  if (settings.config.masterKey !== undefined)
    return { file: null, setting: settings.origins.masterKey };
  return { file: join(resolve(settings.config.dataDir), MASTER_KEY_FILE), setting: null };
}

function masterKeyNote(key: MasterKeyLocation): string {
  const where =
    key.file !== null ? `the file ${key.file}` : `the setting masterKey (${key.setting})`;
  return `The master key is not in the backup: it is ${where}. Without that key the secrets in the backup (source passphrases, connection credentials) cannot be decrypted and the backup is useless: keep a copy of the key, apart from the backup, in a safe place.`;
}

function megabytes(bytes: number): string {
  return `${(bytes / 1_000_000).toFixed(1)} MB`;
}

/** Adds `backup`. */
export function registerBackupCommand(program: Command, ctx: CommandContext): void {
  program
    .command('backup')
    .argument('<file>', 'the backup file to write (a new file, best outside the data directory)')
    .description(
      'Copy the SQLite database to <file> while serve and worker keep running (a consistent snapshot; never migrates). The master key is not in the backup: the command says where it is. On PostgreSQL, use pg_dump (docs/deployment.md).',
    )
    .option('--force', 'replace <file> if it exists')
    .option('--json', 'print the result as JSON')
    .action(async (file: string, options: { force?: boolean; json?: boolean }) => {
      const settings = loadCommandSettings(ctx.io);
      const target = dbTarget(settings.config);
      if (target.kind === 'postgres')
        throw new IpnhubError(
          'BACKUP_USE_PG_DUMP',
          `The database is ${postgresLocation(target.url)}. Back it up with PostgreSQL's own tool, which makes a consistent copy while ipnhub runs: pg_dump --format=custom --file=ipnhub.dump --dbname="$IPNHUB_DATABASE_URL"; restore it with pg_restore (docs/deployment.md, "Backup and restore"). Keep the master key (IPNHUB_MASTER_KEY) with it: the backup is useless without it.`,
        );
      requireExistingDatabase(settings);
      const backup = backupSqlite(target.file, file, options.force === true);
      const key = masterKeyLocation(settings);
      const database = describeDatabase(target);
      const schema = backup.migrations.at(-1) ?? '(none)';
      if (options.json === true) {
        printJson(ctx.io, {
          database,
          file: backup.file,
          bytes: backup.bytes,
          migrations: backup.migrations,
          masterKey: key,
          note: masterKeyNote(key),
        });
        return;
      }
      printLines(
        ctx.io,
        `Backup of ${database} written to ${backup.file} (${megabytes(backup.bytes)}, schema ${schema}).`,
        masterKeyNote(key),
        'To restore it, see docs/deployment.md, "Backup and restore".',
      );
    });
}
