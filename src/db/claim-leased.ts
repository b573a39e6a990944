/**
 * Takes due rows of a table of leased jobs (docs/architecture.md, "Background jobs"): the kind
 * says which rows are due and how their lease column is set; this runs both in one write
 * transaction, with `FOR UPDATE SKIP LOCKED` on PostgreSQL (the kind adds it when `lock` is
 * true) and `BEGIN IMMEDIATE` on SQLite, so two workers never take the same row. A plain read
 * of one due row first keeps an idle poll from taking the write lock.
 */
import type { Kysely } from 'kysely';
import type { DbAdapter } from './dialect-adapter.js';
import type { Database } from './schema.js';

export interface LeasedRows<Due, Leased> {
  limit: number;
  /** Up to `limit` due rows, oldest first; with `lock`, selected `FOR UPDATE SKIP LOCKED`. */
  due(db: Kysely<Database>, limit: number, lock: boolean): Promise<Due[]>;
  /** Sets the lease column of the rows taken; answers them as leased, in the order given. */
  lease(trx: Kysely<Database>, rows: readonly Due[]): Promise<Leased[]>;
}

export async function claimLeased<Due, Leased>(
  db: Kysely<Database>,
  adapter: DbAdapter,
  spec: LeasedRows<Due, Leased>,
): Promise<Leased[]> {
  if (spec.limit <= 0) return [];
  const any = await spec.due(db, 1, false);
  if (any.length === 0) return [];
  return adapter.writeTransaction(db, async (trx) => {
    const due = await spec.due(trx, spec.limit, adapter.supportsSkipLocked);
    return due.length === 0 ? [] : spec.lease(trx, due);
  });
}
