/**
 * The rows of one group of first payments (pg-batch-commit.ts), written by one statement:
 * every table's rows go in as one JSON parameter (`json_populate_recordset`, typed by the table
 * itself) and each table is a data-modifying CTE of the same statement, so the group costs one
 * round trip to the server instead of one per table. The statement's text depends only on which
 * tables get rows, so it is prepared once per connection (db/pg-prepared.ts).
 *
 * Rows that depend on others are joined in the statement: the orders and the access rows get the
 * id of the upserted customer (by e-mail, through `buyers`), and rows of an order or an event
 * the statement did not insert are left out, so that an order that appeared meanwhile or an
 * event stored already leaves no half-written rows behind before the caller rolls back. The
 * statement answers the ids of the events, orders and document jobs it inserted.
 */
import { CompiledQuery } from 'kysely';
import type { Kysely } from 'kysely';
import { CUSTOMER_UPSERT, EVENT_CONFLICT, ITEM_UPSERT, ORDER_UPSERT } from './batch-commit.js';
import { preparedStatement } from '../db/pg-prepared.js';
import type { Database } from '../db/schema.js';

type Row = Record<string, unknown>;

/** The group's rows per table; `buyers` links each order to its buyer's e-mail. */
export interface GroupRows {
  events: Row[];
  customers: Row[];
  buyers: Array<{ order_id: string; email: string }>;
  orders: Row[];
  order_items: Row[];
  transactions: Row[];
  subscriptions: Row[];
  access: Row[];
  document_jobs: Array<{ event_id: string; source_id: string; now: string }>;
  deliveries: Row[];
  inbound_requests: Row[];
}

export const emptyGroupRows = (): GroupRows => ({
  events: [],
  customers: [],
  buyers: [],
  orders: [],
  order_items: [],
  transactions: [],
  subscriptions: [],
  access: [],
  document_jobs: [],
  deliveries: [],
  inbound_requests: [],
});

export interface GroupWritten {
  events: Set<string>;
  orders: Array<{ id: string; source_id: string; external_id: string }>;
  documentJobs: Set<string>;
}

interface Part {
  /** The CTE's name. */
  name: string;
  table: keyof GroupRows;
  /**
   * The CTE's body; `$p` stands for its parameter. `gate` is a condition every row it copies
   * must meet (the gated statement's, `gatedGroupStatement`), or empty.
   */
  body: (columns: readonly string[], gate: string) => string;
}

const quoted = (columns: readonly string[], from = 'r', replace: Record<string, string> = {}) =>
  columns.map((c) => replace[c] ?? `${from}."${c}"`).join(', ');
const into = (table: string, columns: readonly string[]) =>
  `insert into "${table}" (${columns.map((c) => `"${c}"`).join(', ')})`;
const rows = (table: string) => `json_populate_recordset(null::"${table}", $p::json) r`;
/** The rows of the parameter that meet `filter` and the gate, as they are, then `conflict`. */
const copied =
  (table: string, filter: string, conflict = '') =>
  (c: readonly string[], gate: string): string => {
    const where = [filter, gate].filter((w) => w !== '').join(' and ');
    return `${into(table, c)} select ${quoted(c)} from ${rows(table)} ${where === '' ? '' : `where ${where}`} ${conflict}`;
  };

/** In dependency order: a part reads only the parts before it. */
const PARTS: readonly Part[] = [
  {
    name: 'ev',
    table: 'events',
    body: copied('events', '', EVENT_CONFLICT),
  },
  {
    name: 'cu',
    table: 'customers',
    body: copied('customers', '', CUSTOMER_UPSERT),
  },
  {
    name: 'buyer',
    table: 'buyers',
    body: () =>
      `select b.order_id, cu.id as customer_id
         from json_to_recordset($p::json) as b(order_id text, email text)
         join cu on cu.email = b.email`,
  },
  {
    name: 'ord',
    table: 'orders',
    body: (c) =>
      `${into('orders', c)} select ${quoted(c, 'r', { customer_id: 'buyer.customer_id' })}
         from ${rows('orders')} join buyer on buyer.order_id = r.id
       ${ORDER_UPSERT}`,
  },
  {
    name: 'it',
    table: 'order_items',
    body: copied('order_items', 'r.order_id in (select id from ord)', ITEM_UPSERT),
  },
  {
    name: 'tx',
    table: 'transactions',
    body: copied(
      'transactions',
      'r.order_id in (select id from ord) and r.event_id in (select id from ev)',
    ),
  },
  {
    name: 'su',
    table: 'subscriptions',
    body: copied('subscriptions', 'r.order_id in (select id from ord)'),
  },
  {
    name: 'ac',
    table: 'access',
    body: (c) =>
      `${into('access', c)} select ${quoted(c, 'r', { customer_id: 'buyer.customer_id' })}
         from ${rows('access')} join buyer on buyer.order_id = r.order_id
        where r.order_id in (select id from ord)`,
  },
  {
    // `queueDocumentJob` for many events: a job for each whose source's profile has invoicing on.
    name: 'dj',
    table: 'document_jobs',
    body: () =>
      `insert into document_jobs (event_id, profile_id, attempts, next_attempt_at, lease_until, last_error, created_at)
       select k.event_id, ps.profile_id, 0, k.now, null, null, k.now
         from json_to_recordset($p::json) as k(event_id text, source_id text, now text)
         join profile_sources ps on ps.source_id = k.source_id
         join seller_profiles sp on sp.id = ps.profile_id
        where sp.invoicing = 1 and k.event_id in (select id from ev)
       returning event_id`,
  },
  {
    name: 'de',
    table: 'deliveries',
    body: copied('deliveries', 'r.event_id in (select id from ev)'),
  },
  {
    name: 'rq',
    table: 'inbound_requests',
    body: copied('inbound_requests', ''),
  },
];

/** What the statement answers, per part that returns ids. */
const ANSWERS: Readonly<Record<string, string>> = {
  ev: `select 'event' as kind, id, null::text as source_id, null::text as external_id from ev`,
  ord: `select 'order', id, source_id, external_id from ord`,
  dj: `select 'job', event_id, null, null from dj`,
};

/**
 * The events' rows as JSON, each `payload` (the event's JSON text) embedded as JSON rather than
 * as a string holding it: about a sixth fewer bytes than with its quotes escaped, and neither
 * side escapes or unescapes it. PostgreSQL gives a text column the JSON text of an object as it
 * stands in the parameter, so the stored payload is the same text.
 */
function eventsJson(rows: readonly object[]): string {
  const parts = rows.map((row) => {
    const { payload, ...rest } = row as { payload?: unknown };
    if (typeof payload !== 'string') return JSON.stringify(row);
    return `${JSON.stringify(rest).slice(0, -1)},"payload":${payload}}`;
  });
  return `[${parts.join(',')}]`;
}

/**
 * The CTEs of the tables that have rows, their parameters numbered after `parameters`' (pushed
 * onto it), and the answers of the parts in `answering`.
 */
function parts(
  group: GroupRows,
  parameters: string[],
  gate: string,
  answering: ReadonlySet<string>,
): { ctes: string[]; answers: string[] } {
  const ctes: string[] = [];
  const answers: string[] = [];
  for (const part of PARTS) {
    const list: readonly object[] = group[part.table];
    const first = list[0];
    if (!first) continue;
    parameters.push(part.table === 'events' ? eventsJson(list) : JSON.stringify(list));
    const body = part.body(Object.keys(first), gate).replace('$p', `$${parameters.length}`);
    ctes.push(`${part.name} as (${body})`);
    const answer = ANSWERS[part.name];
    if (answer && answering.has(part.name)) answers.push(answer);
  }
  return { ctes, answers };
}

const NO_ANSWER =
  'select null::text as kind, null::text as id, null::text as source_id, null::text as external_id where false';

/** The statement for the tables that have rows, and its parameters in order. */
export function groupStatement(group: GroupRows): { sql: string; parameters: string[] } {
  const parameters: string[] = [];
  const { ctes, answers } = parts(group, parameters, '', new Set(Object.keys(ANSWERS)));
  if (ctes.length === 0) return { sql: '', parameters };
  const select = answers.length > 0 ? answers.join(' union all ') : NO_ANSWER;
  return { sql: `with ${ctes.join(',\n')}\n${select}`, parameters };
}

/**
 * The active connections as one text (id and version of each, in id order): the fan-out a
 * group's delivery rows were built for holds while this text is unchanged, since every change
 * to a connection moves its `updated_at` (routing/active-filters.ts caches by the same version).
 */
export const TARGETS_VERSION = `coalesce((select string_agg(c.id || ' ' || c.updated_at, ',' order by c.id)
   from connections c where c.active = 1), '')`;

/** What the gated statement checks before it writes (see `gatedGroupStatement`). */
export interface Gate {
  /** `TARGETS_VERSION` as read when the group's delivery rows were built. */
  targetsVersion: string;
  /** The group's orders, none of which may be stored yet. */
  orders: ReadonlyArray<{ source_id: string; external_id: string }>;
  /** The group's events' dedup keys, none of which may be stored yet. */
  dedupKeys: readonly string[];
}

/**
 * The group statement as a transaction of its own (run outside `begin`/`commit`: one round
 * trip, PostgreSQL answers it once committed). A first CTE, `gate`, checks in the statement's
 * snapshot what the transactional path checks with statements of its own: that the active
 * connections are those the delivery rows were built for, and that none of the group's orders
 * and events is stored (each by index, as pg-batch-commit.ts's order check). When a check fails
 * the statement writes nothing and says which failed. When an order or event is written by
 * another transaction meanwhile (the upsert then meets it), the statement fails with an error,
 * so it is rolled back whole: a cast of a text to an integer, the one way plain SQL has to
 * raise, with a text that depends on the rows so that it is never evaluated ahead.
 */
export function gatedGroupStatement(
  group: GroupRows,
  gate: Gate,
): { sql: string; parameters: string[] } {
  const parameters = [
    gate.targetsVersion,
    JSON.stringify(gate.orders),
    JSON.stringify(gate.dedupKeys),
  ];
  const { ctes, answers } = parts(group, parameters, '(select ok from gate)', new Set(['dj']));
  const gateCte = `gate as (
    select t.targets_ok, t.rows_ok, t.targets_ok and t.rows_ok as ok from (select
      ${TARGETS_VERSION} = $1 as targets_ok,
      not exists (
        select 1 from json_to_recordset($2::json) as k(source_id text, external_id text)
        cross join lateral (select 1 from orders o
          where o.source_id = k.source_id and o.external_id = k.external_id limit 1) o)
      and not exists (
        select 1 from json_array_elements_text($3::json) as d(dedup_key)
        cross join lateral (select 1 from events e where e.dedup_key = d.dedup_key limit 1) e)
      as rows_ok) t)`;
  const events = group.events.length > 0;
  // Every event inserted, every order the group's own: else another transaction wrote one.
  const conflict = events
    ? `case when (select count(*) from ev) <> json_array_length($3::json)
          or exists (select 1 from ord o where not exists (select 1 from buyer b where b.order_id = o.id))
        then ('ipnhub: an order or event of the group was written meanwhile: ' || (select count(*) from ev))::int
       end`
    : 'null::int';
  const verdict = `select 'gate' as kind,
      case when not g.rows_ok then 'stored' when not g.targets_ok then 'targets'
           else 'written' || coalesce(${conflict}::text, '') end as id,
      null::text as source_id, null::text as external_id
    from gate g`;
  // The verdict first: a union's columns take their names from its first branch.
  const select = [verdict, ...answers].join(' union all ');
  return { sql: `with ${[gateCte, ...ctes].join(',\n')}\n${select}`, parameters };
}

/** What the gated statement did: wrote the group, or nothing since `stored` or `targets` failed its gate. */
export type GatedOutcome =
  | { written: true; documentJobs: Set<string> }
  | { written: false; failed: 'stored' | 'targets' };

/** Runs the gated group statement outside a transaction (see `gatedGroupStatement`). */
export async function writeGatedGroupRows(
  db: Kysely<Database>,
  group: GroupRows,
  gate: Gate,
): Promise<GatedOutcome> {
  const { sql, parameters } = gatedGroupStatement(group, gate);
  const result = await db.executeQuery<Answer>(
    CompiledQuery.raw(preparedStatement(sql), parameters),
  );
  const documentJobs = new Set<string>();
  let verdict: string | undefined;
  for (const row of result.rows) {
    if (row.kind === 'gate') verdict = row.id;
    else if (row.kind === 'job') documentJobs.add(row.id);
  }
  if (verdict === 'written') return { written: true, documentJobs };
  if (verdict === 'stored' || verdict === 'targets') return { written: false, failed: verdict };
  throw new Error(`gated group statement: unexpected answer ${String(verdict)}`);
}

interface Answer {
  kind: 'event' | 'order' | 'job' | 'gate';
  id: string;
  source_id: string | null;
  external_id: string | null;
}

/** Writes the group's rows in one round trip (see the module comment). */
export async function writeGroupRows(
  trx: Kysely<Database>,
  group: GroupRows,
): Promise<GroupWritten> {
  const written: GroupWritten = { events: new Set(), orders: [], documentJobs: new Set() };
  const { sql, parameters } = groupStatement(group);
  if (sql === '') return written;
  const result = await trx.executeQuery<Answer>(
    CompiledQuery.raw(preparedStatement(sql), parameters),
  );
  for (const row of result.rows) {
    if (row.kind === 'event') written.events.add(row.id);
    else if (row.kind === 'job') written.documentJobs.add(row.id);
    else
      written.orders.push({
        id: row.id,
        source_id: row.source_id ?? '',
        external_id: row.external_id ?? '',
      });
  }
  return written;
}
