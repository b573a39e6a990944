/**
 * The store both kinds of configured entities share: sources (a provider account) and
 * connections (a connector target). Each is a row with an id, a name, a config validated by its
 * provider's or connector's schema (secret fields sealed, see secured-config.ts) and
 * `updated_at` as its row version. The store holds what is the same for both: the extension
 * lookup, create, list, get, the compare-and-set update, remove, and the hot path's cache of a
 * value derived from a row (the decrypted config) per row version. The services keep what is
 * their own (their view, their extra columns and checks).
 */
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import { IpnhubError } from '../core/errors.js';
import type { ErrorCode } from '../core/errors.js';
import { newId } from '../core/ids.js';
import type { Database } from '../db/schema.js';
import type { Clock } from '../lib/clock.js';
import { createVersionCache } from '../lib/version-cache.js';
import type { SecretBox } from '../secrets/secret-box.js';
import { updateWithCompareAndSet } from './compare-and-set.js';
import { nextUpdatedAt } from './row-version.js';
import { createSecuredConfigCodec } from './secured-config.js';
import type { ConfigSpec, SecuredConfigCodec } from './secured-config.js';

/** The columns every entity table has. */
export type EntityRow = {
  id: string;
  name: string;
  /** JSON of the non-secret config fields. */
  config: string;
  /** The sealed secret fields. */
  secrets: string;
  created_at: string;
  /** The row version: changes on every update (row-version.ts). */
  updated_at: string;
};

/** What each kind of entity is, for the store. */
interface EntityKind {
  table: 'sources' | 'connections';
  /** The id prefix and the word in messages. */
  noun: 'source' | 'connection';
  /** The word for its extension, in bug reports. */
  extension: 'provider' | 'connector';
  /** Refusal when the extension is not installed. */
  unknownCode: Extract<ErrorCode, 'UNKNOWN_PROVIDER' | 'UNKNOWN_CONNECTOR'>;
}

const KINDS = {
  source: {
    table: 'sources',
    noun: 'source',
    extension: 'provider',
    unknownCode: 'UNKNOWN_PROVIDER',
  },
  connection: {
    table: 'connections',
    noun: 'connection',
    extension: 'connector',
    unknownCode: 'UNKNOWN_CONNECTOR',
  },
} as const satisfies Record<string, EntityKind>;

export interface EntityStoreDeps<Spec extends ConfigSpec> {
  db: Kysely<Database>;
  secretBox: SecretBox;
  clock: Clock;
  /** Installed extensions (providers or connectors) by id. */
  registry: Readonly<Record<string, Spec>>;
  /**
   * How long `load` trusts a cached value before reading the row version again, in ms; without
   * it every `load` reads the version (one indexed read). Changes made through this store are
   * seen at once either way; changes by another process within this interval.
   */
  recheckMs?: number;
  /** Monotonic milliseconds for `recheckMs`; tests pass their own. */
  monotonicNow?: () => number;
}

/**
 * What the admin API and the CLI do with entities of one kind, shown as `View`; a write answers
 * `Written` (the view, or the view with what the write generated).
 */
export interface EntityCrud<View, CreateInput, Patch, Written = View> {
  create(input: CreateInput): Promise<Written>;
  /** Every entity, oldest first. */
  list(): Promise<View[]>;
  get(id: string): Promise<View | null>;
  /** Null when there is no such entity; validation as for `create`. */
  update(id: string, patch: Patch): Promise<Written | null>;
  /** False when there was no such entity. */
  remove(id: string): Promise<boolean>;
}

/** The outcome of an update's change: the row to write, or nothing to write. */
export type EntityChange<Row, T> = { write: Row; done: (written: Row) => T } | { unchanged: T };

export interface EntityStore<Row extends EntityRow, Spec extends ConfigSpec, Loaded> {
  codec: SecuredConfigCodec;
  /** The installed extension with this id, or undefined. */
  specOf(id: string): Spec | undefined;
  /** The installed extension with this id; an unknown one → `UNKNOWN_PROVIDER` / `UNKNOWN_CONNECTOR`. */
  requireSpec(id: string): Spec;
  /** The id, name and both timestamps of a new row (now). */
  newRowBase(name: string): Pick<EntityRow, 'id' | 'name' | 'created_at' | 'updated_at'>;
  insert(row: Row): Promise<void>;
  /** Every row, oldest first. */
  list(): Promise<Row[]>;
  /** Pass the transaction when calling inside one. */
  find(id: string, executor?: Kysely<Database>): Promise<Row | undefined>;
  /**
   * Reads the row, lets `change` decide (it may throw a validation error), and writes the
   * result only where the row version is still the one read, with a new version; on a lost
   * race it runs again on what the other writer stored. Null when there is no such row.
   */
  update<T>(id: string, change: (row: Row) => EntityChange<Row, T>): Promise<T | null>;
  /** False when there was no such row. */
  remove(id: string): Promise<boolean>;
  /**
   * `derive(row)` for the current row, cached per row version (and trusted for `recheckMs`
   * without a read, when set and no executor is passed; callers that find the row due while
   * its read runs share that read). Null when there is no such row.
   */
  load(
    id: string,
    executor: Kysely<Database> | undefined,
    derive: (row: Row) => Loaded,
  ): Promise<Loaded | null>;
}

/**
 * Kysely types a query by the name of its table, and these queries run on a table chosen when
 * the store is made; they are written with `sql` and name only the columns of `EntityRow`, or
 * all the columns of the row they were given.
 */
export function createEntityStore<Row extends EntityRow, Spec extends ConfigSpec, Loaded>(
  kindName: keyof typeof KINDS,
  deps: EntityStoreDeps<Spec>,
): EntityStore<Row, Spec, Loaded> {
  const kind: EntityKind = KINDS[kindName];
  const { db, clock, registry } = deps;
  const table = sql.table(kind.table);
  const codec = createSecuredConfigCodec(deps.secretBox, kind.extension);
  const cache = createVersionCache<Loaded>();
  // When each row's version was last read; entries go with the cache's.
  const checkedAt = new Map<string, number>();
  /**
   * The recheck read of a row in flight, shared by every caller that finds the row due while it
   * runs. Without it, each notification arriving before the first read came back started a read
   * of its own: dozens at once every `recheckMs` under load on PostgreSQL, each holding one of
   * the pool's connections, with the ingest batches' transactions queued behind them
   * (docs/benchmarks.md, "PostgreSQL's open-loop tail").
   */
  const reading = new Map<string, Promise<Loaded | null>>();
  /** Counts `forget`s: a read that started before one does not cache what it read. */
  let forgets = 0;
  const monotonicNow = deps.monotonicNow ?? (() => performance.now());
  const forget = (id: string): void => {
    forgets++;
    cache.delete(id);
    checkedAt.delete(id);
    // A caller after a local change must not get a read that started before it.
    reading.delete(id);
  };

  const specOf = (id: string): Spec | undefined =>
    Object.hasOwn(registry, id) ? registry[id] : undefined;

  async function find(id: string, executor: Kysely<Database> = db): Promise<Row | undefined> {
    const { rows } = await sql<Row>`select * from ${table} where id = ${id}`.execute(executor);
    return rows[0];
  }

  /** Writes every column of `next` where the row still has `version`; false on a lost race. */
  async function writeIfUnchanged(next: Row, version: string): Promise<boolean> {
    const columns = Object.entries(next).filter(
      ([column]) => column !== 'id' && column !== 'created_at',
    );
    const assignments = sql.join(
      columns.map(([column, value]) => sql`${sql.ref(column)} = ${value}`),
    );
    const result =
      await sql`update ${table} set ${assignments} where id = ${next.id} and updated_at = ${version}`.execute(
        db,
      );
    return (result.numAffectedRows ?? 0n) > 0n;
  }

  return {
    codec,
    specOf,

    requireSpec(id) {
      const spec = specOf(id);
      if (!spec) throw new IpnhubError(kind.unknownCode, `"${id}"`);
      return spec;
    },

    newRowBase(name) {
      const now = clock.now();
      return {
        id: newId(kind.noun, now.getTime()),
        name,
        created_at: now.toISOString(),
        updated_at: now.toISOString(),
      };
    },

    async insert(row) {
      const columns = Object.entries(row);
      await sql`insert into ${table} (${sql.join(columns.map(([column]) => sql.ref(column)))}) values (${sql.join(columns.map(([, value]) => value))})`.execute(
        db,
      );
    },

    async list() {
      const { rows } = await sql<Row>`select * from ${table} order by id`.execute(db);
      return rows;
    },

    find,

    async update<T>(id: string, change: (row: Row) => EntityChange<Row, T>): Promise<T | null> {
      return updateWithCompareAndSet<T | null>(`${kind.noun} ${id}`, async () => {
        const row = await find(id);
        if (!row) return { done: null };
        const outcome = change(row);
        if ('unchanged' in outcome) return { done: outcome.unchanged };
        const next: Row = {
          ...outcome.write,
          id,
          created_at: row.created_at,
          updated_at: nextUpdatedAt(clock.now(), row.updated_at),
        };
        if (!(await writeIfUnchanged(next, row.updated_at))) return undefined;
        forget(id);
        return { done: outcome.done(next) };
      });
    },

    async remove(id) {
      const result = await sql`delete from ${table} where id = ${id}`.execute(db);
      forget(id);
      return (result.numAffectedRows ?? 0n) > 0n;
    },

    load(id, executor, derive) {
      const now = monotonicNow();
      const read = async (): Promise<Loaded | null> => {
        const forgetsBefore = forgets;
        const row = await find(id, executor);
        if (!row) {
          forget(id);
          return null;
        }
        // Changed meanwhile through this store: what was read is its caller's, not the cache's.
        if (forgets !== forgetsBefore) return derive(row);
        checkedAt.set(id, now);
        return cache.get(id, row.updated_at, () => derive(row));
      };
      // Inside a transaction the row is always read, by that transaction.
      if (executor !== undefined || deps.recheckMs === undefined) return read();
      const fresh = cache.peek(id);
      const at = checkedAt.get(id);
      if (fresh !== undefined && at !== undefined && now - at < deps.recheckMs)
        return Promise.resolve(fresh);
      const running = reading.get(id);
      if (running) return running;
      const shared = read().finally(() => {
        if (reading.get(id) === shared) reading.delete(id);
      });
      reading.set(id, shared);
      return shared;
    },
  };
}

/** `list`, `get` and `remove` of an entity service: its rows, shown as `toView` shows them. */
export function entityReads<Row extends EntityRow, View>(
  store: Pick<EntityStore<Row, ConfigSpec, unknown>, 'list' | 'find' | 'remove'>,
  toView: (row: Row) => View,
): Pick<EntityCrud<View, never, never>, 'list' | 'get' | 'remove'> {
  return {
    list: async () => (await store.list()).map(toView),
    get: async (id) => {
      const row = await store.find(id);
      return row ? toView(row) : null;
    },
    remove: (id) => store.remove(id),
  };
}
