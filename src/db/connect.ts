/**
 * Opens the database named by the configuration: the embedded SQLite file under the data
 * directory by default, PostgreSQL when a `postgres://` URL is given. The only module that
 * imports the drivers.
 *
 * SQLite runs in WAL mode with `synchronous=FULL`, so a committed transaction survives a power
 * cut, which is what "acknowledged only after a durable commit" needs; `busy_timeout` lets a
 * second process (a separate `ipnhub worker`) wait for the write lock instead of failing;
 * `secure_delete` zeroes what is deleted or overwritten (erasure, retention).
 */
import { closeSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import type { PostgresCursor, PostgresPool, PostgresPoolClient, PostgresQueryResult } from 'kysely';
import { createRequire } from 'node:module';
import type pg from 'pg';
import { IpnhubError } from '../core/errors.js';
import { errorCodeOf } from '../lib/error-code.js';
import { makeDirectory } from '../lib/make-directory.js';
import { postgresAdapter, sqliteAdapter } from './dialect-adapter.js';
import { preparedNameOf } from './pg-prepared.js';
import type { DbAdapter } from './dialect-adapter.js';
import type { Database } from './schema.js';

export interface Db {
  db: Kysely<Database>;
  adapter: DbAdapter;
  close(): Promise<void>;
}

export type DbTarget =
  | { kind: 'sqlite'; file: string }
  | { kind: 'postgres'; url: string; poolSize?: number };

const INT8_OID = 20;

export interface OpenOptions {
  /**
   * SQLite: keep statement journals in memory instead of spilling them to temp files past
   * 64 KiB. For a connection whose statements change a bounded number of pages each and many
   * of them, the ingest writer's (see `configureSqlite`); PostgreSQL ignores it.
   */
  statementJournalsInMemory?: boolean;
}

export function openDb(target: DbTarget, options: OpenOptions = {}): Db {
  return target.kind === 'sqlite'
    ? openSqlite(target.file, options)
    : openPostgres(target.url, target.poolSize ?? 10);
}

/** What went wrong opening the SQLite file, for people; the driver's text otherwise. */
const SQLITE_OPEN_PROBLEMS: Readonly<Record<string, string>> = {
  SQLITE_NOTADB: 'the file is not an SQLite database (is the data directory right?)',
  SQLITE_CORRUPT: 'the database file is damaged; restore it from a backup',
  SQLITE_CANTOPEN:
    'the file cannot be opened (check that it and its directory are readable and writable)',
  SQLITE_READONLY: 'the file is read-only; ipnhub needs to write it',
  SQLITE_PERM: 'permission denied',
  SQLITE_FULL: 'the disk is full',
};

/**
 * Database files hold buyers' names and addresses: readable by their owner only. The file is
 * created here, empty, with mode 0600 before SQLite opens it (SQLite would create it 0644 minus
 * the umask); SQLite gives its `-wal` and `-shm` files the mode of the database file.
 */
export const DATABASE_FILE_MODE = 0o600;

function createPrivateFile(file: string): void {
  try {
    closeSync(openSync(file, 'wx', DATABASE_FILE_MODE));
  } catch {
    // It exists (and keeps its mode), or cannot be created: SQLite reports that with its own words.
  }
}

function openSqlite(file: string, options: OpenOptions): Db {
  let database: SqliteDatabase.Database | undefined;
  try {
    if (file !== ':memory:') {
      makeDirectory(dirname(file), 0o700);
      createPrivateFile(file);
    }
    database = new SqliteDatabase(file);
    configureSqlite(database, options);
  } catch (err) {
    database?.close();
    const code = errorCodeOf(err);
    const problem =
      (code !== undefined ? SQLITE_OPEN_PROBLEMS[code] : undefined) ??
      (err instanceof Error ? err.message : String(err));
    throw new IpnhubError('DATABASE_UNAVAILABLE', `${file}: ${problem}.`, { cause: err });
  }
  const db = new Kysely<Database>({
    dialect: new SqliteDialect({ database: withStatementCache(database) }),
  });
  return { db, adapter: sqliteAdapter(), close: () => db.destroy() };
}

/** The page cache of each SQLite connection, in KiB. */
export const SQLITE_CACHE_KIB = 2000;

function configureSqlite(database: SqliteDatabase.Database, options: OpenOptions): void {
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = FULL');
  database.pragma('busy_timeout = 10000');
  // Checkpoint every ~40 MB of WAL instead of every 4 MB: hot index pages are copied back
  // once per checkpoint, not several times (measured: +15 % ingest, shorter tail); the WAL
  // file is truncated back to 64 MB after a checkpoint. The automatic checkpoint runs inside
  // the commit that crosses the threshold, on whichever connection commits it. With the ingest
  // writer thread a checkpoint thread (db/wal-checkpointer.ts) copies the frames meanwhile, so
  // this checkpoint, on the writer's or the main thread's connection, copies only the last
  // ones and restarts the WAL (the thread's PASSIVE checkpoints cannot); without the thread
  // (`ingestWriterThread: false`) it copies everything, as before.
  database.pragma('wal_autocheckpoint = 10000');
  database.pragma('journal_size_limit = 67108864');
  database.pragma('foreign_keys = ON');
  // Pages kept in memory per connection: SQLite's own default of 2 MB. better-sqlite3 builds
  // SQLite with 16 MB, which the ingest writer's and the main thread's connections each filled
  // (the process's resident set ~30 MB larger after ingest and delivery, no faster:
  // docs/benchmarks.md); the file's pages stay in the OS page cache either way.
  database.pragma(`cache_size = -${SQLITE_CACHE_KIB}`);
  // Statement journals in memory, where asked for. A statement that writes several rows inside
  // a transaction (the ingest writer's multi-row inserts, db/statement-shapes.ts) keeps a copy
  // of each page it changes, so that it can be undone alone; past 64 KiB SQLite moves that copy
  // to a temp file, two system calls per page for a file nobody reads back. In memory the copy
  // is freed with the statement: ~40 % fewer writes and ~12 % less CPU per notification on the
  // ingest path (docs/benchmarks.md, "Statement journals in memory"). Not for every
  // connection: one statement that changes a whole table (parking a connection's backlog)
  // would hold a copy of all its pages in memory until it ends.
  if (options.statementJournalsInMemory === true) database.pragma('temp_store = MEMORY');
  // Deleted and overwritten content is zeroed in the file, so an erased buyer's data and
  // pruned raw bodies do not linger in free space (docs/retention.md).
  database.pragma('secure_delete = ON');
}

const STATEMENT_CACHE_SIZE = 500;

/** A migration's schema change: run once, not worth keeping. */
const SCHEMA_CHANGE = /^\s*(?:create|alter|drop)\b/i;

/**
 * Kysely's SQLite driver prepares every statement anew; preparing costs about as much as
 * running one of our small statements, so prepared statements are kept by SQL text (the
 * queries are few and their text is stable, batch statements come in a few sizes
 * (db/statement-shapes.ts); the least recently added are dropped past the limit). Schema
 * changes are prepared and run once. Safe because better-sqlite3 is synchronous and Kysely
 * holds one connection.
 */
function withStatementCache(database: SqliteDatabase.Database): {
  close(): void;
  prepare(sql: string): SqliteDatabase.Statement;
} {
  const cache = new Map<string, SqliteDatabase.Statement>();
  return {
    close: () => database.close(),
    prepare(sql) {
      let statement = cache.get(sql);
      if (!statement) {
        statement = database.prepare(sql);
        if (SCHEMA_CHANGE.test(sql)) return statement;
        if (cache.size >= STATEMENT_CACHE_SIZE) {
          const oldest = cache.keys().next().value;
          if (oldest !== undefined) cache.delete(oldest);
        }
        cache.set(sql, statement);
      }
      return statement;
    },
  };
}

function openPostgres(url: string, poolSize: number): Db {
  // Loaded here, not at the top: an embedded (SQLite) server never pays for the driver.
  const pg = createRequire(import.meta.url)('pg') as typeof import('pg').default;
  // BIGINT columns (amounts, counts) come back as numbers; amounts stay far below 2^53.
  const types = {
    getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
      oid === INT8_OID && format !== 'binary'
        ? (value: string) => Number(value)
        : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
  };
  const pool = new pg.Pool({ connectionString: url, max: poolSize, types });
  // An idle client dropped by the server (restart, failover) is removed from the pool; the
  // next query reconnects. Without a listener pg would crash the process.
  pool.on('error', () => undefined);
  const listeners = new Set<pg.Client>();
  const adapter = postgresAdapter({
    async listen(channel, onNotify) {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      client.on('notification', (msg) => {
        if (msg.channel === channel) onNotify();
      });
      client.on('error', () => undefined);
      await client.query(`LISTEN "${channel.replace(/"/g, '')}"`);
      listeners.add(client);
      return async () => {
        listeners.delete(client);
        await client.end().catch(() => undefined);
      };
    },
  });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: preparing(pool) }) });
  return {
    db,
    adapter,
    async close() {
      await Promise.all([...listeners].map((c) => c.end().catch(() => undefined)));
      listeners.clear();
      await db.destroy();
    },
  };
}

/**
 * The pool as Kysely sees it, sending the texts registered in pg-prepared.ts as named prepared
 * statements: the driver parses each once per connection, and the server plans it without
 * parsing it again. Each pooled client is wrapped once, so Kysely keeps one connection object
 * per client.
 */
function preparing(pool: pg.Pool): PostgresPool {
  const wrapped = new WeakMap<pg.PoolClient, PostgresPoolClient>();
  const wrap = (client: pg.PoolClient): PostgresPoolClient => {
    function query<R>(
      sql: string,
      parameters: ReadonlyArray<unknown>,
    ): Promise<PostgresQueryResult<R>>;
    function query<R>(cursor: PostgresCursor<R>): PostgresCursor<R>;
    function query<R>(
      text: string | PostgresCursor<R>,
      parameters: ReadonlyArray<unknown> = [],
    ): Promise<PostgresQueryResult<R>> | PostgresCursor<R> {
      // Kysely passes a cursor only when it is configured with one (streaming); this pool is not.
      if (typeof text !== 'string') throw new Error('postgres pool: cursors are not configured');
      const name = preparedNameOf(text);
      const values = [...parameters];
      const result =
        name === undefined ? client.query(text, values) : client.query({ name, text, values });
      return result as Promise<pg.QueryResult & PostgresQueryResult<R>>;
    }
    return { query, release: () => client.release() };
  };
  return {
    async connect() {
      const client = await pool.connect();
      let own = wrapped.get(client);
      if (!own) {
        own = wrap(client);
        wrapped.set(client, own);
      }
      return own;
    },
    end: () => pool.end(),
  };
}
