/**
 * Where text still occurs in a test runtime's database: on SQLite in the bytes of the database
 * file and its WAL (`<file>: <text>`), on PostgreSQL in any row of any table, bytea columns
 * included through their hex form (`<table>: <text>`). Each text is searched as given and
 * lower-cased.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import type { TestRuntime } from '../../../test/helpers/test-runtime.js';

export async function findTraces(
  runtime: TestRuntime,
  texts: readonly string[],
): Promise<string[]> {
  const found: string[] = [];
  if (runtime.target.kind === 'sqlite') {
    // The runtime's database file (test-runtime.ts puts it in the data directory).
    const file = join(runtime.dataDir, 'ipnhub.db');
    for (const path of [file, `${file}-wal`]) {
      if (!existsSync(path)) continue;
      const bytes = readFileSync(path);
      for (const text of texts)
        for (const form of new Set([text, text.toLowerCase()]))
          if (bytes.includes(Buffer.from(form, 'utf8'))) found.push(`${path}: ${form}`);
    }
    return found;
  }
  const { db } = runtime.dbHandle;
  const tables = await sql<{ table_name: string }>`
    select table_name from information_schema.tables where table_schema = 'public'
  `.execute(db);
  for (const { table_name } of tables.rows) {
    const rows = await sql<{ row: string }>`
      select t::text as row from ${sql.table(table_name)} t
    `.execute(db);
    for (const { row } of rows.rows) {
      const lower = row.toLowerCase();
      for (const text of texts) {
        const hex = Buffer.from(text.toLowerCase()).toString('hex');
        if (lower.includes(text.toLowerCase()) || lower.includes(hex))
          found.push(`${table_name}: ${text}`);
      }
    }
  }
  return [...new Set(found)];
}
