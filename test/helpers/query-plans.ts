/** What tests need to check that a query is served by an index, on either dialect. */
import { CompiledQuery, sql } from 'kysely';
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../src/db/schema.js';
import type { DialectName } from './dialect-list.js';

/** The definitions of the named indexes, lower-cased, by name (`create index … where …`). */
export async function indexDefinitions(
  db: Kysely<Database>,
  dialect: DialectName,
  names: readonly string[],
): Promise<Map<string, string>> {
  const { rows } =
    dialect === 'sqlite'
      ? await sql<{ name: string; def: string }>`
          select name, sql as def from sqlite_master
          where name in (${sql.join(names)})`.execute(db)
      : await sql<{ name: string; def: string }>`
          select indexname as name, indexdef as def from pg_indexes
          where indexname in (${sql.join(names)})`.execute(db);
  return new Map(rows.map((r) => [r.name, r.def.toLowerCase()]));
}

/** The plan of one statement, as one text (SQLite's `explain query plan`, PostgreSQL's `explain`). */
export async function planOf(
  db: Kysely<Database>,
  dialect: DialectName,
  statement: { sql: string; parameters: readonly unknown[] },
): Promise<string> {
  const explain = dialect === 'sqlite' ? 'explain query plan ' : 'explain ';
  const result = await db.executeQuery<Record<string, unknown>>(
    CompiledQuery.raw(explain + statement.sql, [...statement.parameters]),
  );
  return result.rows.map((row) => Object.values(row).join(' ')).join('\n');
}

/**
 * Runs `fn` in a transaction where PostgreSQL takes a table scan only as a last resort: test
 * tables are nearly empty, and PostgreSQL would scan them instead of using an index.
 */
export async function preferringIndexes<T>(
  db: Kysely<Database>,
  dialect: DialectName,
  fn: (trx: Transaction<Database>) => Promise<T>,
): Promise<T> {
  return db.transaction().execute(async (trx) => {
    if (dialect === 'postgres') await sql`set local enable_seqscan = off`.execute(trx);
    return fn(trx);
  });
}
