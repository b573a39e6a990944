import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from './schema.js';
import { createTestDb, enabledDialects } from '../../test/helpers/test-db.js';
import type { TestDb } from '../../test/helpers/test-db.js';

/** Whether a commit on this connection waits for the disk: SQLite `synchronous`, PostgreSQL `synchronous_commit`. */
async function commitWaitsForDisk(db: Kysely<Database>, dialect: string): Promise<boolean> {
  if (dialect === 'sqlite') {
    const { rows } = await sql<{ synchronous: number }>`pragma synchronous`.execute(db);
    // 2 = FULL, 1 = NORMAL (in WAL mode: no sync at commit).
    return Number(rows[0]?.synchronous) === 2;
  }
  const { rows } = await sql<{ synchronous_commit: string }>`show synchronous_commit`.execute(db);
  return rows[0]?.synchronous_commit === 'on';
}

for (const dialect of enabledDialects()) {
  describe(`write transactions on ${dialect}`, () => {
    let h: TestDb;
    beforeEach(async () => {
      h = await createTestDb(dialect);
    });
    afterEach(async () => h.dispose());

    const setting = (key: string) =>
      h.db.selectFrom('settings').select('value').where('key', '=', key).executeTakeFirst();

    it('commits durably by default', async () => {
      const inside = await h.adapter.writeTransaction(h.db, async (trx) => {
        await trx.insertInto('settings').values({ key: 'a', value: '1' }).execute();
        return commitWaitsForDisk(trx, dialect);
      });
      expect(inside).toBe(true);
      expect(await setting('a')).toEqual({ value: '1' });
    });

    it('with durable: false commits without waiting for the disk, for that transaction only', async () => {
      const inside = await h.adapter.writeTransaction(
        h.db,
        async (trx) => {
          await trx.insertInto('settings').values({ key: 'b', value: '2' }).execute();
          return commitWaitsForDisk(trx, dialect);
        },
        { durable: false },
      );
      expect(inside).toBe(false);
      // Committed and seen at once; the next transactions are durable again.
      expect(await setting('b')).toEqual({ value: '2' });
      expect(
        await h.adapter.writeTransaction(h.db, (trx) => commitWaitsForDisk(trx, dialect)),
      ).toBe(true);
      expect(await commitWaitsForDisk(h.db, dialect)).toBe(true);
    });

    it('with durable: false rolls a failing transaction back and is durable again afterwards', async () => {
      await expect(
        h.adapter.writeTransaction(
          h.db,
          async (trx) => {
            await trx.insertInto('settings').values({ key: 'c', value: '3' }).execute();
            throw new Error('fails after its insert');
          },
          { durable: false },
        ),
      ).rejects.toThrow('fails after its insert');
      expect(await setting('c')).toBeUndefined();
      expect(
        await h.adapter.writeTransaction(h.db, (trx) => commitWaitsForDisk(trx, dialect)),
      ).toBe(true);
    });
  });
}
