/**
 * A database a newer ipnhub has migrated is refused by every command that opens it — serve,
 * worker, migrate and the one-shot commands — before anything is written; `backup` still copies
 * it (it is what an operator runs before going back to an older version).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestTarget, enabledDialects } from '../../test/helpers/test-db.js';
import { openDb } from '../db/connect.js';
import type { DbTarget } from '../db/connect.js';
import { openMigrated } from '../db/open-migrated.js';
import { createCliEnv } from './test-support/cli-harness.js';
import type { CliEnv } from './test-support/cli-harness.js';

const FUTURE = '9999_from_a_newer_version';

async function upgradeToTheFuture(target: DbTarget): Promise<void> {
  const first = await openMigrated(target);
  await first.handle.close();
  const handle = openDb(target);
  try {
    await sql`insert into ipnhub_migrations (name, timestamp) values (${FUTURE}, '2030-01-01T00:00:00.000Z')`.execute(
      handle.db,
    );
  } finally {
    await handle.close();
  }
}

const COMMANDS: readonly (readonly string[])[] = [
  ['serve'],
  ['worker'],
  ['migrate'],
  ['source', 'list'],
  ['events', 'list'],
  ['token', 'rotate'],
];

for (const dialect of enabledDialects()) {
  describe(`every command refuses a database a newer version upgraded (${dialect})`, () => {
    let cli: CliEnv;
    let drop: () => Promise<void>;
    beforeAll(async () => {
      const created = await createTestTarget(dialect);
      drop = created.drop;
      await upgradeToTheFuture(created.target);
      const env: NodeJS.ProcessEnv =
        created.target.kind === 'postgres'
          ? {
              IPNHUB_DATABASE_URL: created.target.url,
              IPNHUB_MASTER_KEY: randomBytes(32).toString('base64'),
            }
          : { IPNHUB_DATA_DIR: join(created.target.file, '..') };
      cli = createCliEnv(env, { database: 'none' });
    });
    afterAll(async () => {
      cli.dispose();
      await drop();
    });

    it.each(COMMANDS.map((argv) => [argv.join(' '), argv]))(
      '%s stops with DATABASE_NEWER_THAN_CODE',
      async (_name, argv) => {
        const result = await cli.run([...argv]);
        expect(result.code).toBe(1);
        expect(result.stderr).toContain(
          'error DATABASE_NEWER_THAN_CODE: The database was upgraded by a newer version of ipnhub.',
        );
        expect(result.stderr).toContain(FUTURE);
      },
    );
  });
}

describe('backup of a database a newer version upgraded', () => {
  it('copies it as it is', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ipnhub-newer-'));
    const cli = createCliEnv({ IPNHUB_DATA_DIR: join(dir, 'data') }, { database: 'none' });
    try {
      await upgradeToTheFuture({ kind: 'sqlite', file: join(dir, 'data', 'ipnhub.db') });
      const result = await cli.run(['backup', join(dir, 'backup.db'), '--json']);
      expect(result.code, result.stderr).toBe(0);
      expect((JSON.parse(result.stdout) as { migrations: string[] }).migrations).toContain(FUTURE);
    } finally {
      cli.dispose();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
