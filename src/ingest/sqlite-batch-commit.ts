/**
 * The statements of the batch commit (batch-commit.ts) on SQLite: multi-row
 * `insert … values (…), (…)`. SQLite has no round trips to save, but every statement costs the
 * writer thread its driver call, its bookkeeping and a B-tree descent per index from the root;
 * rows of one statement share all of that.
 *
 * A statement takes up to 64 rows, and a table's rows are cut into chunks of powers of two
 * (50 rows: 32 + 16 + 2; db/statement-shapes.ts), so each table has at most seven statement
 * texts, which the connection's statement cache (db/connect.ts) prepares once.
 */
import { CompiledQuery } from 'kysely';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { chunkSizes } from '../db/statement-shapes.js';
import type { ActiveTargets } from './ingest-store.js';
import { orderKeyOf, tableByTable, writeBatch } from './batch-commit.js';
import type { BatchItem, BatchResult, BatchStatements, GroupWriter, Row } from './batch-commit.js';

/** `(?, ?), (?, ?)`: `rows` tuples of `width` parameters. */
function tuples(rows: number, width: number): string {
  const tuple = `(${Array.from({ length: width }, () => '?').join(', ')})`;
  return Array.from({ length: rows }, () => tuple).join(', ');
}

/** Runs `sqlFor(size)` once per chunk of `rows`, each chunk's rows flattened into its parameters. */
async function runChunked<R>(
  trx: Kysely<Database>,
  rows: ReadonlyArray<readonly unknown[]>,
  sqlFor: (size: number) => string,
): Promise<R[]> {
  const out: R[] = [];
  let at = 0;
  for (const size of chunkSizes(rows.length)) {
    const parameters: unknown[] = [];
    for (let i = at; i < at + size; i++) for (const value of rows[i] ?? []) parameters.push(value);
    at += size;
    const result = await trx.executeQuery<R>(CompiledQuery.raw(sqlFor(size), parameters));
    for (const row of result.rows) out.push(row);
  }
  return out;
}

const sqlCache = new Map<string, string>();

/** The statement text for `key` and a chunk size, built once. */
function cachedSql(key: string, size: number, build: () => string): string {
  const full = `${size}\u0000${key}`;
  let text = sqlCache.get(full);
  if (text === undefined) {
    text = build();
    sqlCache.set(full, text);
  }
  return text;
}

export const sqliteBatchStatements: BatchStatements = {
  async insertRows<R>(
    trx: Kysely<Database>,
    table: string,
    rows: readonly Row[],
    tail = '',
  ): Promise<R[]> {
    const first = rows[0];
    if (!first) return [];
    const columns = Object.keys(first);
    const values = rows.map((row) => {
      if (Object.keys(row).length !== columns.length)
        throw new Error(`batch insert into ${table}: rows with different columns`);
      // A value left undefined is a NULL, as the per-notification statements bind it.
      return columns.map((column) => row[column] ?? null);
    });
    const names = columns.map((c) => `"${c}"`).join(', ');
    const key = `${table}\u0000${names}\u0000${tail}`;
    return runChunked<R>(trx, values, (size) =>
      cachedSql(
        key,
        size,
        () => `insert into "${table}" (${names}) values ${tuples(size, columns.length)} ${tail}`,
      ),
    );
  },

  async existingOrders(trx, orders) {
    const found = await runChunked<{ source_id: string; external_id: string }>(
      trx,
      orders.map((o) => [o.source_id, o.external_id]),
      (size) =>
        cachedSql(
          'existing-orders',
          size,
          () =>
            `select o.source_id, o.external_id from (values ${tuples(size, 2)}) as k join orders o on o.source_id = k.column1 and o.external_id = k.column2`,
        ),
    );
    return new Set(found.map((r) => orderKeyOf(r.source_id, r.external_id)));
  },

  async queueDocumentJobs(trx, wanted) {
    const result = await runChunked<{ event_id: string }>(
      trx,
      wanted.map((w) => [w.event_id, w.source_id, w.now]),
      (size) =>
        cachedSql(
          'document-jobs',
          size,
          () => `insert into document_jobs (event_id, profile_id, attempts, next_attempt_at, lease_until, last_error, created_at)
       select k.column1, ps.profile_id, 0, k.column3, null, null, k.column3
         from (values ${tuples(size, 3)}) as k
         join profile_sources ps on ps.source_id = k.column2
         join seller_profiles sp on sp.id = ps.profile_id
        where sp.invoicing = 1
       returning event_id`,
        ),
    );
    return new Set(result.map((r) => r.event_id));
  },
};

/** SQLite's group writer for batch-commit.ts's `writeBatch`: a statement per table. */
export const sqliteGroupWriter: GroupWriter = tableByTable(sqliteBatchStatements);

/** Writes the batch with SQLite's statements (batch-commit.ts); one result per item, in order. */
export function writeSqliteBatch(
  trx: Kysely<Database>,
  activeTargets: ActiveTargets,
  items: readonly BatchItem[],
): Promise<BatchResult[]> {
  return writeBatch(trx, activeTargets, items, sqliteGroupWriter);
}
