import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { openDb, SQLITE_CACHE_KIB } from './connect.js';

describe('an SQLite connection', () => {
  it("keeps SQLite's own 2 MB of pages in memory, not the driver's 16 MB", async () => {
    const handle = openDb({ kind: 'sqlite', file: ':memory:' });
    try {
      const { rows } = await sql<{ cache_size: number }>`pragma cache_size`.execute(handle.db);
      expect(SQLITE_CACHE_KIB).toBe(2000);
      expect(rows).toEqual([{ cache_size: -2000 }]);
    } finally {
      await handle.close();
    }
  });

  it('keeps statement journals in memory only where asked to, as the ingest writer does', async () => {
    // 0 = the build's default (temp files here), 1 = file, 2 = memory.
    const plain = openDb({ kind: 'sqlite', file: ':memory:' });
    const writer = openDb(
      { kind: 'sqlite', file: ':memory:' },
      { statementJournalsInMemory: true },
    );
    try {
      const query = sql<{ temp_store: number }>`pragma temp_store`;
      expect((await query.execute(plain.db)).rows).toEqual([{ temp_store: 0 }]);
      expect((await query.execute(writer.db)).rows).toEqual([{ temp_store: 2 }]);
    } finally {
      await plain.close();
      await writer.close();
    }
  });
});
