import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCliEnv } from '../test-support/cli-harness.js';
import type { CliEnv } from '../test-support/cli-harness.js';

const PASSPHRASE = 'backup-test-passphrase';

function sourceNames(file: string): string[] {
  const db = new SqliteDatabase(file, { readonly: true, fileMustExist: true });
  try {
    return (db.prepare('select name from sources order by name').all() as { name: string }[]).map(
      (row) => row.name,
    );
  } finally {
    db.close();
  }
}

describe('ipnhub backup', () => {
  let cli: CliEnv;
  let out: string;
  beforeEach(async () => {
    cli = createCliEnv();
    out = mkdtempSync(join(tmpdir(), 'ipnhub-backups-'));
    const added = await cli.run([
      'source',
      'add',
      '--provider',
      'digistore24',
      '--name',
      'Shop',
      '--passphrase',
      PASSPHRASE,
    ]);
    expect(added.code, added.stderr).toBe(0);
  });
  afterEach(() => {
    cli.dispose();
    rmSync(out, { recursive: true, force: true });
  });

  it('writes a private copy of the database, says where the master key is, and leaves the key out', async () => {
    const file = join(out, 'ipnhub-backup.db');
    const result = await cli.run(['backup', file]);
    expect(result.code, result.stderr).toBe(0);
    const keyFile = join(cli.dataDir, 'master.key');
    expect(result.stdout).toContain(
      `Backup of sqlite:${join(cli.dataDir, 'ipnhub.db')} written to ${file}`,
    );
    expect(result.stdout).toContain(
      `The master key is not in the backup: it is the file ${keyFile}.`,
    );
    expect(result.stdout).toContain('the backup is useless');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(sourceNames(file)).toEqual(['Shop']);

    const bytes = readFileSync(file);
    const keyText = readFileSync(keyFile, 'utf8').trim();
    expect(bytes.includes(Buffer.from(keyText))).toBe(false);
    expect(bytes.includes(Buffer.from(keyText, 'base64'))).toBe(false);
    // The passphrase is stored encrypted with that key, never in clear.
    expect(bytes.includes(Buffer.from(PASSPHRASE))).toBe(false);
  });

  it('prints the backup as JSON, with the migrations it holds and the key configured by a variable', async () => {
    const file = join(out, 'b.db');
    const key = readFileSync(join(cli.dataDir, 'master.key'), 'utf8').trim();
    const result = await cli.run(['backup', file, '--json'], { IPNHUB_MASTER_KEY: key });
    expect(result.code, result.stderr).toBe(0);
    const printed = JSON.parse(result.stdout) as {
      file: string;
      bytes: number;
      migrations: string[];
      masterKey: { file: string | null; setting: string | null };
      note: string;
    };
    expect(printed.file).toBe(file);
    expect(printed.bytes).toBe(statSync(file).size);
    expect(printed.migrations[0]).toBe('0001_initial');
    expect(printed.masterKey).toEqual({ file: null, setting: 'IPNHUB_MASTER_KEY' });
    expect(printed.note).toContain('the setting masterKey (IPNHUB_MASTER_KEY)');
    expect(result.stdout).not.toContain(key);
  });

  it('refuses to overwrite an existing file unless --force, and never the live database', async () => {
    const file = join(out, 'taken.db');
    writeFileSync(file, 'an older backup');
    const refused = await cli.run(['backup', file]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe(
      `error BACKUP_TARGET_EXISTS: The backup file exists already. ${file} exists. Choose a new name, or add --force to replace it.\n`,
    );
    expect(readFileSync(file, 'utf8')).toBe('an older backup');

    const forced = await cli.run(['backup', file, '--force']);
    expect(forced.code, forced.stderr).toBe(0);
    expect(sourceNames(file)).toEqual(['Shop']);
    expect(statSync(file).mode & 0o777).toBe(0o600);

    const live = await cli.run(['backup', join(cli.dataDir, 'ipnhub.db'), '--force']);
    expect(live.code).toBe(1);
    expect(live.stderr).toContain('error BACKUP_FAILED:');
    expect(live.stderr).toContain('is the live database');
    expect(sourceNames(join(cli.dataDir, 'ipnhub.db'))).toEqual(['Shop']);
  });

  it('names a target directory that does not exist and leaves nothing behind', async () => {
    const file = join(out, 'missing', 'b.db');
    const result = await cli.run(['backup', file]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `error BACKUP_FAILED: The backup could not be written. ${file}: its directory does not exist.\n`,
    );
  });
});

describe('ipnhub backup without an SQLite database', () => {
  it('explains pg_dump on PostgreSQL, without connecting and without the password', async () => {
    const cli = createCliEnv(
      { IPNHUB_DATABASE_URL: 'postgres://ipnhub:s3cret-pw@db.internal:5432/shop' },
      { database: 'none' },
    );
    try {
      const result = await cli.run(['backup', join(cli.dataDir, 'b.db')]);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(
        'error BACKUP_USE_PG_DUMP: ipnhub backup copies the embedded SQLite database only. The database is PostgreSQL at db.internal:5432/shop as user ipnhub.',
      );
      expect(result.stderr).toContain(
        'pg_dump --format=custom --file=ipnhub.dump --dbname="$IPNHUB_DATABASE_URL"',
      );
      expect(result.stderr).not.toContain('s3cret-pw');
    } finally {
      cli.dispose();
    }
  });

  it('refuses where there is no database instead of creating one', async () => {
    const cli = createCliEnv({}, { database: 'none' });
    try {
      const result = await cli.run(['backup', join(cli.dataDir, 'b.db')]);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('error DATABASE_NOT_FOUND:');
    } finally {
      cli.dispose();
    }
  });
});
