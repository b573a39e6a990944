import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { closedPort } from '../../test/helpers/closed-port.js';
import { sql } from 'kysely';
import { enabledDialects } from '../../test/helpers/dialect-list.js';
import { rejection } from '../../test/helpers/rejection.js';
import { createTestTarget } from '../../test/helpers/test-db.js';
import { openDb } from './connect.js';
import { openMigrated, postgresLocation } from './open-migrated.js';

describe('openMigrated', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ipnhub-open-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('creates and migrates a new SQLite file, then finds nothing left to apply', async () => {
    const file = join(dir, 'ipnhub.db');
    const first = await openMigrated({ kind: 'sqlite', file });
    expect(first.applied.length).toBeGreaterThan(0);
    await first.handle.close();
    const second = await openMigrated({ kind: 'sqlite', file });
    expect(second.applied).toEqual([]);
    await second.handle.close();
  });

  it('names a file that is not an SQLite database', async () => {
    const file = join(dir, 'ipnhub.db');
    writeFileSync(file, 'These are my notes, not a database. '.repeat(40));
    const err = await rejection(openMigrated({ kind: 'sqlite', file }));
    expect(err.code).toBe('DATABASE_UNAVAILABLE');
    expect(err.message).toBe(
      `The database cannot be opened. ${file}: the file is not an SQLite database (is the data directory right?).`,
    );
  });

  it('names an unreachable PostgreSQL server without its password', async () => {
    const port = await closedPort();
    const err = await rejection(
      openMigrated({
        kind: 'postgres',
        url: `postgres://ipnhub:s3cret-pw@127.0.0.1:${port}/ipnhub`,
        poolSize: 1,
      }),
    );
    expect(err.code).toBe('DATABASE_UNAVAILABLE');
    expect(err.message).toBe(
      `The database cannot be opened. PostgreSQL at 127.0.0.1:${port}/ipnhub as user ipnhub: nothing listens there (is PostgreSQL running?). Check IPNHUB_DATABASE_URL.`,
    );
    expect(err.message).not.toContain('s3cret-pw');
  });

  it.runIf(enabledDialects().includes('postgres'))(
    'names a missing PostgreSQL database and a wrong password',
    async () => {
      const admin = new URL(inject('pgAdminUrl'));
      const missing = new URL(admin);
      missing.pathname = '/no_such_database';
      const noDb = await rejection(
        openMigrated({ kind: 'postgres', url: missing.toString(), poolSize: 1 }),
      );
      expect(noDb.code).toBe('DATABASE_UNAVAILABLE');
      expect(noDb.message).toContain('/no_such_database');
      expect(noDb.message).toContain('the database does not exist (create it first)');

      const wrong = new URL(admin);
      wrong.password = 'definitely-wrong';
      const badLogin = await rejection(
        openMigrated({ kind: 'postgres', url: wrong.toString(), poolSize: 1 }),
      );
      expect(badLogin.code).toBe('DATABASE_UNAVAILABLE');
      expect(badLogin.message).toContain('the user name or password is wrong');
      expect(badLogin.message).not.toContain('definitely-wrong');
    },
  );

  it('describes a PostgreSQL URL by server, database and user', () => {
    expect(postgresLocation('postgres://u:p@db.internal:6543/shop')).toBe(
      'PostgreSQL at db.internal:6543/shop as user u',
    );
    expect(postgresLocation('postgresql:///local')).toBe('PostgreSQL at localhost/local');
    expect(postgresLocation('not a url')).toBe('PostgreSQL (unparseable URL)');
  });
});

for (const dialect of enabledDialects()) {
  describe(`openMigrated on a database a newer version upgraded (${dialect})`, () => {
    it('refuses with DATABASE_NEWER_THAN_CODE naming the unknown migration, and changes nothing', async () => {
      const { target, drop } = await createTestTarget(dialect);
      try {
        const first = await openMigrated(target);
        await first.handle.close();
        const newer = openDb(target);
        await sql`insert into ipnhub_migrations (name, timestamp) values ('9999_from_a_newer_version', '2030-01-01T00:00:00.000Z')`.execute(
          newer.db,
        );
        const before = await sql<{
          n: number;
        }>`select count(*) as n from ipnhub_migrations`.execute(newer.db);
        await newer.close();

        const err = await rejection(openMigrated(target));
        expect(err.code).toBe('DATABASE_NEWER_THAN_CODE');
        expect(err.message).toContain('9999_from_a_newer_version');
        expect(err.message).toContain('restore the backup taken before the upgrade');
        expect(err.message).toContain(
          target.kind === 'sqlite' ? target.file : postgresLocation(target.url),
        );

        const after = openDb(target);
        const count = await sql<{ n: number }>`select count(*) as n from ipnhub_migrations`.execute(
          after.db,
        );
        await after.close();
        expect(Number(count.rows[0]?.n)).toBe(Number(before.rows[0]?.n));
      } finally {
        await drop();
      }
    });
  });
}
