/**
 * An online backup of the embedded SQLite database (`ipnhub backup`, docs/deployment.md,
 * "Backup and restore"). `VACUUM INTO` copies one read transaction's snapshot: in WAL mode a
 * reader never blocks the writer, so `serve` keeps acknowledging notifications while the copy is
 * made, and the copy holds exactly the transactions committed before it began. (SQLite's page
 * by page backup API restarts whenever another connection writes, which under steady ingest can
 * be forever.)
 *
 * The copy is written to a private temporary file beside the target (mode 0600: it holds the
 * same personal data as the database), flushed to disk (SQLite does not fsync what `VACUUM
 * INTO` writes), checked with `PRAGMA integrity_check`, and only then put in place: by a hard
 * link, which fails if the target appeared meanwhile, or with `force` by a rename over it. A
 * failed or interrupted backup therefore never leaves a half-written file under the target's
 * name.
 */
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  existsSync,
  fsyncSync,
  linkSync,
  openSync,
  renameSync,
  statSync,
  unlinkSync,
} from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { IpnhubError } from '../core/errors.js';
import { errorCodeOf } from '../lib/error-code.js';
import { DATABASE_FILE_MODE } from './connect.js';

export interface SqliteBackup {
  /** Absolute path of the backup. */
  file: string;
  bytes: number;
  /** The migrations the backup's schema has applied, in order. */
  migrations: string[];
}

/** The database file and the files SQLite keeps beside it: never a backup's target. */
function liveFiles(database: string): string[] {
  return [database, `${database}-wal`, `${database}-shm`, `${database}-journal`];
}

function flush(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function checkCopy(file: string): string[] {
  const copy = new SqliteDatabase(file, { readonly: true, fileMustExist: true });
  try {
    const problems = (copy.pragma('integrity_check') as { integrity_check: string }[]).map(
      (row) => row.integrity_check,
    );
    if (problems.length !== 1 || problems[0] !== 'ok')
      throw new IpnhubError(
        'BACKUP_FAILED',
        `the copy does not pass SQLite's integrity check: ${problems.slice(0, 5).join('; ')}.`,
      );
    const hasMigrations =
      copy
        .prepare("select 1 from sqlite_master where type = 'table' and name = 'ipnhub_migrations'")
        .get() !== undefined;
    return hasMigrations
      ? (
          copy.prepare('select name from ipnhub_migrations order by name').all() as {
            name: string;
          }[]
        ).map((row) => row.name)
      : [];
  } finally {
    copy.close();
  }
}

function failed(target: string, err: unknown): IpnhubError {
  if (err instanceof IpnhubError) return err;
  const code = errorCodeOf(err);
  const reason =
    code === 'ENOENT'
      ? 'its directory does not exist'
      : code === 'EACCES' || code === 'EPERM'
        ? 'permission denied'
        : code === 'ENOSPC' || code === 'SQLITE_FULL'
          ? 'no space left on the device'
          : err instanceof Error
            ? err.message
            : String(err);
  return new IpnhubError('BACKUP_FAILED', `${target}: ${reason}.`, { cause: err });
}

/**
 * Copies the SQLite database `database` (which may be in use by `serve` and `worker`) to
 * `target`. Throws `BACKUP_TARGET_EXISTS` when `target` exists and `force` is not set,
 * `BACKUP_FAILED` when the copy cannot be made or the target is the database itself. The caller
 * checks that the database exists (better-sqlite3 is told never to create it).
 */
export function backupSqlite(database: string, target: string, force: boolean): SqliteBackup {
  const file = resolve(target);
  if (liveFiles(resolve(database)).includes(file))
    throw new IpnhubError(
      'BACKUP_FAILED',
      `${file} is the live database (or one of its files); choose a path outside the data directory.`,
    );
  if (!force && existsSync(file))
    throw new IpnhubError(
      'BACKUP_TARGET_EXISTS',
      `${file} exists. Choose a new name, or add --force to replace it.`,
    );
  const temp = join(
    dirname(file),
    `.${basename(file)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`,
  );
  let source: SqliteDatabase.Database | undefined;
  let placed = false;
  try {
    // VACUUM INTO accepts an empty existing file: created here so that its mode is 0600.
    closeSync(openSync(temp, 'wx', DATABASE_FILE_MODE));
    source = new SqliteDatabase(database, { fileMustExist: true });
    source.pragma('busy_timeout = 10000');
    source.prepare('VACUUM INTO ?').run(temp);
    source.close();
    source = undefined;
    flush(temp);
    const migrations = checkCopy(temp);
    if (force) renameSync(temp, file);
    else linkSync(temp, file);
    placed = true;
    flush(dirname(file));
    return { file, bytes: statSync(file).size, migrations };
  } catch (err) {
    if (errorCodeOf(err) === 'EEXIST')
      throw new IpnhubError(
        'BACKUP_TARGET_EXISTS',
        `${file} appeared while the backup was made. Choose a new name, or add --force to replace it.`,
      );
    throw failed(file, err);
  } finally {
    source?.close();
    if (!placed || !force) {
      try {
        unlinkSync(temp);
      } catch {
        // Not created, or already renamed into place.
      }
    }
  }
}
