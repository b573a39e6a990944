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
  /** The CTE's body; `$p` stands for its parameter. */
  body: (columns: readonly string[]) => string;
}

const quoted = (columns: readonly string[], from = 'r', replace: Record<string, string> = {}) =>
  columns.map((c) => replace[c] ?? `${from}."${c}"`).join(', ');
const into = (table: string, columns: readonly string[]) =>
  `insert into "${table}" (${columns.map((c) => `"${c}"`).join(', ')})`;
const rows = (table: string) => `json_populate_recordset(null::"${table}", $p::json) r`;
/** The rows of the parameter as they are, then `tail` (a filter, a conflict clause). */
const copied =
  (table: string, tail: string) =>
  (c: readonly string[]): string =>
    `${into(table, c)} select ${quoted(c)} from ${rows(table)} ${tail}`;

/** In dependency order: a part reads only the parts before it. */
const PARTS: readonly Part[] = [
  {
    name: 'ev',
    table: 'events',
    body: copied('events', EVENT_CONFLICT),
  },
  {
    name: 'cu',
    table: 'customers',
    body: copied('customers', CUSTOMER_UPSERT),
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
    body: copied('order_items', `where r.order_id in (select id from ord) ${ITEM_UPSERT}`),
  },
  {
    name: 'tx',
    table: 'transactions',
    body: copied(
      'transactions',
      'where r.order_id in (select id from ord) and r.event_id in (select id from ev)',
    ),
  },
  {
    name: 'su',
    table: 'subscriptions',
    body: copied('subscriptions', 'where r.order_id in (select id from ord)'),
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
    body: copied('deliveries', 'where r.event_id in (select id from ev)'),
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

/** The statement for the tables that have rows, and its parameters in order. */
export function groupStatement(group: GroupRows): { sql: string; parameters: string[] } {
  const ctes: string[] = [];
  const answers: string[] = [];
  const parameters: string[] = [];
  for (const part of PARTS) {
    const list: readonly object[] = group[part.table];
    const first = list[0];
    if (!first) continue;
    parameters.push(part.table === 'events' ? eventsJson(list) : JSON.stringify(list));
    const body = part.body(Object.keys(first)).replace('$p', `$${parameters.length}`);
    ctes.push(`${part.name} as (${body})`);
    const answer = ANSWERS[part.name];
    if (answer) answers.push(answer);
  }
  if (ctes.length === 0) return { sql: '', parameters };
  const select =
    answers.length > 0
      ? answers.join(' union all ')
      : 'select null::text as kind, null::text as id, null::text as source_id, null::text as external_id where false';
  return { sql: `with ${ctes.join(',\n')}\n${select}`, parameters };
}

interface Answer {
  kind: 'event' | 'order' | 'job';
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
