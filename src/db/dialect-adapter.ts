/**
 * Everything that differs between SQLite and PostgreSQL, as capability flags and a few
 * behaviours (after Kysely's DialectAdapter). Code outside `src/db/` asks the adapter a
 * question; it never compares dialect names and never imports a driver.
 *
 * - `writeTransaction` runs `fn` in a transaction that takes the write lock up front
 *   (`BEGIN IMMEDIATE` on SQLite, so two processes on one file queue instead of failing
 *   with SQLITE_BUSY when a reader upgrades; a plain transaction on PostgreSQL, where row
 *   locks and `SKIP LOCKED` do the work). With `{ durable: false }` its commit does not
 *   wait for the disk (SQLite `synchronous=NORMAL` for that one commit, PostgreSQL
 *   `synchronous_commit=off`): for writes whose loss in a power failure or an operating-system
 *   crash only undoes them — a claim's lease, say — never for anything acknowledged or recorded.
 *   Other connections see the commit at once; and the next durable commit makes it durable too,
 *   since both dialects write their log in order and flush it up to that commit.
 * - `isUniqueViolation` recognises "this row exists already", which the pipeline treats as
 *   "already done", never as an error.
 * - `binaryType` and `supportsSkipLocked` feed migrations and the outbox claim;
 *   `keepsStatementsByText` says how batch inserts are shaped (db/statement-shapes.ts).
 * - `listen`/`notify` wake idle workers in other processes (PostgreSQL LISTEN/NOTIFY); on
 *   SQLite they are no-ops and workers poll.
 * - `containsBytes` and `dropOldVersions` serve erasure (retention/erase-customer.ts).
 */
import { sql } from 'kysely';
import type { Expression, Kysely, RawBuilder } from 'kysely';
import { errorCodeOf } from '../lib/error-code.js';
import { coalescedNotify } from './pg-notify.js';
import type { Database } from './schema.js';

export interface WriteTransactionOptions {
  /** False: the commit need not reach the disk before it returns (default true). */
  durable?: boolean;
}

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
  /**
   * True when each statement is prepared once per SQL text and kept by it (SQLite's statement
   * cache, db/connect.ts): a multi-row insert of a batch is then cut into chunks of a few sizes
   * (db/statement-shapes.ts) rather than kept once per batch size. PostgreSQL parses such a
   * statement each time, where every extra statement is a round trip.
   */
  readonly keepsStatementsByText: boolean;
  writeTransaction<T>(
    db: Kysely<Database>,
    fn: (trx: Kysely<Database>) => Promise<T>,
    options?: WriteTransactionOptions,
  ): Promise<T>;
  isUniqueViolation(err: unknown): boolean;
  notify(db: Kysely<Database>, channel: string): Promise<void>;
  listen(channel: string, onNotify: () => void): Promise<() => Promise<void>>;
  /** True where the binary column `column` contains `needle` (byte-exact). */
  containsBytes(column: Expression<Buffer>, needle: Buffer): RawBuilder<boolean>;
  /**
   * After an erasure: makes the old versions of changed rows leave the database files as far
   * as the engine allows. SQLite (which zeroes deleted content, see connect.ts) copies the WAL
   * into the file and truncates it; PostgreSQL vacuums `tables`, so dead row versions become
   * free space for new rows (their bytes stay on disk until reused).
   */
  dropOldVersions(db: Kysely<Database>, tables: readonly string[]): Promise<void>;
}

export const sqliteAdapter = (): DbAdapter => ({
  label: 'sqlite',
  binaryType: 'blob',
  supportsSkipLocked: false,
  writesBestFromOwnThread: true,
  supportsJsonRecordsets: false,
  keepsStatementsByText: true,
  async writeTransaction(db, fn, options) {
    // Kysely's SQLite driver has one connection; `connection()` holds it for the whole
    // callback, so nothing else interleaves between BEGIN IMMEDIATE and COMMIT.
    const lax = options?.durable === false;
    return db.connection().execute(async (conn) => {
      // Back to FULL afterwards, what db/connect.ts sets for every connection.
      if (lax) await sql`pragma synchronous = normal`.execute(conn);
      try {
        await sql`begin immediate`.execute(conn);
        try {
          const result = await fn(conn);
          await sql`commit`.execute(conn);
          return result;
        } catch (err) {
          await sql`rollback`.execute(conn).catch(() => undefined);
          throw err;
        }
      } finally {
        if (lax) await sql`pragma synchronous = full`.execute(conn);
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
  containsBytes: (column, needle) => sql<boolean>`instr(${column}, ${needle}) > 0`,
  async dropOldVersions(db) {
    await sql`pragma wal_checkpoint(TRUNCATE)`.execute(db);
  },
});

export interface PostgresListenSource {
  listen(channel: string, onNotify: () => void): Promise<() => Promise<void>>;
}

export const postgresAdapter = (listener: PostgresListenSource): DbAdapter => ({
  ...postgresBehaviour,
  // Per adapter (per opened database): calls to it share their NOTIFYs (db/pg-notify.ts).
  notify: coalescedNotify(async (db, channel) => {
    await sql`select pg_notify(${channel}, '')`.execute(db);
  }),
  listen(channel, onNotify) {
    return listener.listen(channel, onNotify);
  },
});

const postgresBehaviour: Omit<DbAdapter, 'notify' | 'listen'> = {
  label: 'postgres',
  binaryType: 'bytea',
  supportsSkipLocked: true,
  writesBestFromOwnThread: false,
  supportsJsonRecordsets: true,
  keepsStatementsByText: false,
  async writeTransaction(db, fn, options) {
    if (options?.durable !== false) return db.transaction().execute(fn);
    return db.transaction().execute(async (trx) => {
      await sql`set local synchronous_commit = off`.execute(trx);
      return fn(trx);
    });
  },
  isUniqueViolation(err) {
    return errorCodeOf(err) === '23505';
  },
  containsBytes: (column, needle) => sql<boolean>`position(${needle} in ${column}) > 0`,
  async dropOldVersions(db, tables) {
    for (const table of tables) await sql`vacuum ${sql.table(table)}`.execute(db);
  },
};
