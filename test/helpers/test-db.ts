/**
 * A fresh, migrated database per call, on the dialect asked for: a new SQLite file in a temp
 * folder, or a new database on the run's PostgreSQL server. Db suites loop over
 * `enabledDialects()` and call this in `beforeEach`/`beforeAll`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { openDb } from '../../src/db/connect.js';
import type { Db, DbTarget } from '../../src/db/connect.js';
import { migrateToLatest } from '../../src/db/migrations.js';
import { enabledDialects } from './dialect-list.js';
import type { DialectName } from './dialect-list.js';

export { enabledDialects };
export type { DialectName };

export interface TestDb extends Db {
  target: DbTarget;
  /** Closes the connection and deletes the database. */
  dispose(): Promise<void>;
}

export async function createTestTarget(
  dialect: DialectName,
): Promise<{ target: DbTarget; drop(): Promise<void> }> {
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'ipnhub-sqlite-'));
    return {
      target: { kind: 'sqlite', file: join(dir, 'ipnhub.db') },
      drop: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  const adminUrl = inject('pgAdminUrl');
  if (!adminUrl) throw new Error('PostgreSQL is not running for this test run');
  const name = `t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = adminUrl.replace(/\/postgres$/, `/${name}`);
  return {
    target: { kind: 'postgres', url },
    async drop() {
      const again = new pg.Client({ connectionString: adminUrl });
      await again.connect();
      await again.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await again.end();
    },
  };
}

export async function createTestDb(dialect: DialectName): Promise<TestDb> {
  const { target, drop } = await createTestTarget(dialect);
  const handle = openDb(target);
  const result = await migrateToLatest(handle.db, handle.adapter);
  if (result.error) throw result.error;
  return {
    ...handle,
    target,
    async dispose() {
      await handle.close();
      await drop();
    },
  };
}
