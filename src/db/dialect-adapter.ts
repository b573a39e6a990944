/**
 * Everything that differs between SQLite and PostgreSQL, as capability flags and a few
 * behaviours (after Kysely's DialectAdapter). Code outside `src/db/` asks the adapter a
 * question; it never compares dialect names and never imports a driver.
 *
 * - `writeTransaction` runs `fn` in a transaction that takes the write lock up front
 *   (`BEGIN IMMEDIATE` on SQLite, so two processes on one file queue instead of failing
 *   with SQLITE_BUSY when a reader upgrades; a plain transaction on PostgreSQL, where row
 *   locks and `SKIP LOCKED` do the work).
 * - `isUniqueViolation` recognises "this row exists already", which the pipeline treats as
 *   "already done", never as an error.
 * - `binaryType` and `supportsSkipLocked` feed migrations and the outbox claim.
 * - `listen`/`notify` wake idle workers in other processes (PostgreSQL LISTEN/NOTIFY); on
 *   SQLite they are no-ops and workers poll.
 */
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import { errorCodeOf } from '../lib/error-code.js';
import type { Database } from './schema.js';

export interface DbAdapter {
  /** For logs and `/readyz` only. */
  readonly label: string;
  readonly binaryType: 'blob' | 'bytea';
  readonly supportsSkipLocked: boolean;
  /**
   * True when the driver blocks its thread (better-sqlite3): ingest writes then run best on
   * their own connection in a worker thread, overlapping with the HTTP work.
   */
  readonly writesBestFromOwnThread: boolean;
  /**
   * True when the database takes many rows as one JSON parameter (`json_populate_recordset`,
   * PostgreSQL): ingest then writes a batch with one statement per table
   * (ingest/pg-batch-commit.ts), where each statement is a round trip to a server.
   */
  readonly supportsJsonRecordsets: boolean;
  writeTransaction<T>(db: Kysely<Database>, fn: (trx: Kysely<Database>) => Promise<T>): Promise<T>;
  isUniqueViolation(err: unknown): boolean;
  notify(db: Kysely<Database>, channel: string): Promise<void>;
  listen(channel: string, onNotify: () => void): Promise<() => Promise<void>>;
}

export const sqliteAdapter = (): DbAdapter => ({
  label: 'sqlite',
  binaryType: 'blob',
  supportsSkipLocked: false,
  writesBestFromOwnThread: true,
  supportsJsonRecordsets: false,
  async writeTransaction(db, fn) {
    // Kysely's SQLite driver has one connection; `connection()` holds it for the whole
    // callback, so nothing else interleaves between BEGIN IMMEDIATE and COMMIT.
    return db.connection().execute(async (conn) => {
      await sql`begin immediate`.execute(conn);
      try {
        const result = await fn(conn);
        await sql`commit`.execute(conn);
        return result;
      } catch (err) {
        await sql`rollback`.execute(conn).catch(() => undefined);
        throw err;
      }
    });
  },
  isUniqueViolation(err) {
    const code = errorCodeOf(err);
    return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
  },
  async notify() {},
  async listen() {
    return async () => {};
  },
});

export interface PostgresListenSource {
  listen(channel: string, onNotify: () => void): Promise<() => Promise<void>>;
}

export const postgresAdapter = (listener: PostgresListenSource): DbAdapter => ({
  label: 'postgres',
  binaryType: 'bytea',
  supportsSkipLocked: true,
  writesBestFromOwnThread: false,
  supportsJsonRecordsets: true,
  async writeTransaction(db, fn) {
    return db.transaction().execute(fn);
  },
  isUniqueViolation(err) {
    return errorCodeOf(err) === '23505';
  },
  async notify(db, channel) {
    await sql`select pg_notify(${channel}, '')`.execute(db);
  },
  listen(channel, onNotify) {
    return listener.listen(channel, onNotify);
  },
});
