/**
 * The statements of the batch commit (batch-commit.ts) on PostgreSQL. Each statement is a round
 * trip to the server, and a batch of 50 first payments ran ~450 of them one after the other
 * (docs/benchmarks.md, "PostgreSQL ingest"); here it runs about ten, whatever the batch size.
 * Rows go in as one JSON parameter per table (`json_populate_recordset`, typed by the table
 * itself).
 */
import { CompiledQuery } from 'kysely';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import type { ActiveTargets } from './ingest-store.js';
import { orderKeyOf, writeBatch } from './batch-commit.js';
import type { BatchItem, BatchResult, BatchStatements, Row } from './batch-commit.js';

export { OrderAppearedError } from './batch-commit.js';
export type PgIngestItem = BatchItem;
export type PgIngestResult = BatchResult;

/** bytea travels in JSON in PostgreSQL's hex form. */
function inboundRow(row: Row): Row {
  const body = row.raw_body;
  return Buffer.isBuffer(body) ? { ...row, raw_body: `\\x${body.toString('hex')}` } : row;
}

export const pgBatchStatements: BatchStatements = {
  /** `insert … select … from json_populate_recordset`: the rows' keys name the columns. */
  async insertRows<R>(
    trx: Kysely<Database>,
    table: string,
    rows: readonly Row[],
    tail = '',
  ): Promise<R[]> {
    const first = rows[0];
    if (!first) return [];
    const columns = Object.keys(first)
      .map((c) => `"${c}"`)
      .join(', ');
    const values = table === 'inbound_requests' ? rows.map(inboundRow) : rows;
    const query = CompiledQuery.raw(
      `insert into "${table}" (${columns}) select ${columns} from json_populate_recordset(null::"${table}", $1::json) ${tail}`,
      [JSON.stringify(values)],
    );
    return (await trx.executeQuery<R>(query)).rows;
  },

  async existingOrders(trx, orders) {
    const found = await trx.executeQuery<{ source_id: string; external_id: string }>(
      CompiledQuery.raw(
        'select o.source_id, o.external_id from orders o join json_to_recordset($1::json) as k(source_id text, external_id text) on o.source_id = k.source_id and o.external_id = k.external_id',
        [JSON.stringify(orders)],
      ),
    );
    return new Set(found.rows.map((r) => orderKeyOf(r.source_id, r.external_id)));
  },

  async queueDocumentJobs(trx, wanted) {
    const result = await trx.executeQuery<{ event_id: string }>(
      CompiledQuery.raw(
        `insert into document_jobs (event_id, profile_id, attempts, next_attempt_at, lease_until, last_error, created_at)
       select k.event_id, ps.profile_id, 0, k.now, null, null, k.now
         from json_to_recordset($1::json) as k(event_id text, source_id text, now text)
         join profile_sources ps on ps.source_id = k.source_id
         join seller_profiles sp on sp.id = ps.profile_id
        where sp.invoicing = 1
       returning event_id`,
        [JSON.stringify(wanted)],
      ),
    );
    return new Set(result.rows.map((r) => r.event_id));
  },
};

/** Writes the batch with PostgreSQL's statements (batch-commit.ts); one result per item, in order. */
export function writePgBatch(
  trx: Kysely<Database>,
  activeTargets: ActiveTargets,
  items: readonly PgIngestItem[],
): Promise<PgIngestResult[]> {
  return writeBatch(trx, activeTargets, items, pgBatchStatements);
}
