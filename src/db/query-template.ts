/**
 * Statements on the ingest hot path, built with Kysely once and then run with new parameters.
 * Building a query (builder objects, frozen operation nodes, compilation) costs several times
 * what SQLite needs to run one of our small inserts, and the hot path runs the same few
 * statements for every notification. A compiled template is kept per database (per Kysely
 * dialect adapter, which a database shares with its connections and transactions, so the SQL
 * is the one its dialect needs) and shape of values; it used to be rebuilt for every
 * group-commit batch, which at small batches was a tenth of the writer thread's time.
 *
 * A template is written like any Kysely query, over a `values` object. It is compiled with a
 * unique marker in place of each value; the compiled parameters tell in which order the values
 * go. Kysely compiles for the dialect of the transaction, so templates stay dialect-free.
 */
import { CompiledQuery } from 'kysely';
import type { Compilable, Kysely, QueryResult } from 'kysely';
import type { Database } from './schema.js';

export interface QueryTemplate<V extends object, R> {
  /** Unique among templates; templates with variants (e.g. per event type) name each variant. */
  key: string;
  build(db: Kysely<Database>, values: V): Compilable<R>;
}

type Slot = { key: string } | { constant: unknown };

interface Compiled {
  sql: string;
  slots: Slot[];
}

const MARK = '\u0001ipnhub-param:';
/**
 * Compiled SQL by the database's dialect adapter (the SQL depends on nothing else; no plugins
 * are used), then by template and the keys of the values it was compiled with: a value left
 * out (a nullable column is optional in an insert) changes the statement.
 */
const compiledByDialect = new WeakMap<object, Map<string, Compiled>>();
/**
 * What each transaction runs, by template: the keys of a template's first values in a
 * transaction decide its statement for the rest of it (reading the keys on every call would
 * cost more than the statement's bookkeeping).
 */
const compiledByTransaction = new WeakMap<Kysely<Database>, Map<string, Compiled>>();

function compiledFor<V extends object, R>(
  trx: Kysely<Database>,
  template: QueryTemplate<V, R>,
  values: V,
): Compiled {
  const dialect = trx.getExecutor().adapter;
  let byShape = compiledByDialect.get(dialect);
  if (!byShape) {
    byShape = new Map();
    compiledByDialect.set(dialect, byShape);
  }
  const shape = `${template.key}\u0000${Object.keys(values).join('\u0000')}`;
  let query = byShape.get(shape);
  if (!query) {
    query = compile(trx, template, values);
    byShape.set(shape, query);
  }
  return query;
}

function compile<V extends object, R>(
  db: Kysely<Database>,
  template: QueryTemplate<V, R>,
  values: V,
): Compiled {
  const marked = Object.fromEntries(Object.keys(values).map((key) => [key, `${MARK}${key}`])) as V;
  const query = template.build(db, marked).compile();
  const slots = query.parameters.map((parameter): Slot => {
    if (typeof parameter === 'string' && parameter.startsWith(MARK))
      return { key: parameter.slice(MARK.length) };
    return { constant: parameter };
  });
  return { sql: query.sql, slots };
}

/** Runs `template` with `values` in `trx` (a database or a transaction); Kysely builds it once per dialect and shape of values. */
export async function runTemplate<V extends object, R>(
  trx: Kysely<Database>,
  template: QueryTemplate<V, R>,
  values: V,
): Promise<QueryResult<R>> {
  let compiled = compiledByTransaction.get(trx);
  if (!compiled) {
    compiled = new Map();
    compiledByTransaction.set(trx, compiled);
  }
  let query = compiled.get(template.key);
  if (!query) {
    query = compiledFor(trx, template, values);
    compiled.set(template.key, query);
  }
  const byKey = values as Record<string, unknown>;
  const parameters = query.slots.map((slot) => ('key' in slot ? byKey[slot.key] : slot.constant));
  return trx.executeQuery<R>(CompiledQuery.raw(query.sql, parameters));
}
