/**
 * The admin UI's overview (`GET /api/v1/overview`): what came in and what went out over the
 * last hours, and what needs attention. Counts are per UTC hour (the first 13 characters of the
 * stored ISO timestamps, `2026-05-14T09`, which both dialects compare and cut alike), so the
 * browser can add them up into days of its own time zone.
 *
 * Every read is a range over an index that holds the columns it counts (migration
 * `0007_admin_read_indexes`), so the cost follows the rows in the window, not the table size
 * (docs/benchmarks.md, "Admin reads").
 */
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import { DELIVERY_STATUSES } from '../db/schema.js';
import type { Database, DeliveryStatus } from '../db/schema.js';
import { deliveryTrouble } from '../outbox/delivery-trouble.js';
import type { TroubleCounts } from '../outbox/delivery-trouble.js';

/** The most failing connections and rejecting sources listed (worst first). */
export const OVERVIEW_LIST_LIMIT = 20;

export interface HourlyCounts {
  /** UTC hour, `YYYY-MM-DDTHH`. */
  hour: string;
  /** Inbound requests received in the hour by verdict (only verdicts that occurred). */
  verdicts: Record<string, number>;
  /** Events received in the hour by type (only types that occurred). */
  events: Record<string, number>;
}

export interface FailingConnection {
  id: string;
  name: string;
  connector: string;
  /** Deliveries that ended dead in the window. */
  dead: number;
  /** Deliveries that ended failed (permanent error) in the window. */
  failed: number;
  /** Deliveries waiting for a retry after a failed attempt, now. */
  retrying: number;
  lastError: string | null;
  lastAttemptAt: string | null;
}

export interface RejectingSource {
  id: string;
  name: string;
  provider: string;
  /** Notifications rejected in the window. */
  rejected: number;
  lastCode: string | null;
  lastReason: string | null;
  lastAt: string | null;
  /** PayPal IPNs waiting for verification whose postback has not got an answer yet (now). */
  unverified: number;
  /** Why the last postback of those got no answer (e.g. `HTTP 503`). */
  lastVerificationError: string | null;
}

export interface Overview {
  from: string;
  to: string;
  /** Hours with activity only, oldest first. */
  hourly: HourlyCounts[];
  /** Deliveries created in the window, by their status now. */
  deliveries: Record<DeliveryStatus, number>;
  queue: { depth: number; oldestPendingAt: string | null; oldestPendingId: string | null };
  failingConnections: FailingConnection[];
  rejectingSources: RejectingSource[];
}

const hourOf = (column: 'received_at') => sql<string>`substr(${sql.ref(column)}, 1, 13)`;

async function hourly(db: Kysely<Database>, from: string, to: string): Promise<HourlyCounts[]> {
  const [verdicts, events] = await Promise.all([
    db
      .selectFrom('inbound_requests')
      .select([
        hourOf('received_at').as('hour'),
        'verdict as key',
        (eb) => eb.fn.countAll<number | string>().as('n'),
      ])
      .where('received_at', '>=', from)
      .where('received_at', '<=', to)
      .groupBy([hourOf('received_at'), 'verdict'])
      .execute(),
    db
      .selectFrom('events')
      .select([
        hourOf('received_at').as('hour'),
        'type as key',
        (eb) => eb.fn.countAll<number | string>().as('n'),
      ])
      .where('received_at', '>=', from)
      .where('received_at', '<=', to)
      .groupBy([hourOf('received_at'), 'type'])
      .execute(),
  ]);
  const hours = new Map<string, HourlyCounts>();
  const at = (hour: string): HourlyCounts => {
    let entry = hours.get(hour);
    if (!entry) {
      entry = { hour, verdicts: {}, events: {} };
      hours.set(hour, entry);
    }
    return entry;
  };
  for (const row of verdicts) at(row.hour).verdicts[row.key] = Number(row.n);
  for (const row of events) at(row.hour).events[row.key] = Number(row.n);
  return [...hours.values()].sort((a, b) => (a.hour < b.hour ? -1 : a.hour > b.hour ? 1 : 0));
}

async function deliveriesByStatus(
  db: Kysely<Database>,
  from: string,
): Promise<Record<DeliveryStatus, number>> {
  const rows = await db
    .selectFrom('deliveries')
    .select(['status', (eb) => eb.fn.countAll<number | string>().as('n')])
    .where('status', 'in', [...DELIVERY_STATUSES])
    .where('created_at', '>=', from)
    .groupBy('status')
    .execute();
  const counts = Object.fromEntries(DELIVERY_STATUSES.map((status) => [status, 0])) as Record<
    DeliveryStatus,
    number
  >;
  for (const row of rows) counts[row.status] = Number(row.n);
  return counts;
}

async function queue(db: Kysely<Database>): Promise<Overview['queue']> {
  const [depth, oldest] = await Promise.all([
    db
      .selectFrom('deliveries')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('status', 'in', ['pending', 'delivering'])
      .executeTakeFirst(),
    db
      .selectFrom('deliveries')
      .select(['id', 'created_at'])
      .where('status', '=', 'pending')
      .orderBy('created_at', 'asc')
      .orderBy('id', 'asc')
      .limit(1)
      .executeTakeFirst(),
  ]);
  return {
    depth: Number(depth?.n ?? 0),
    oldestPendingAt: oldest?.created_at ?? null,
    oldestPendingId: oldest?.id ?? null,
  };
}

async function failingConnections(
  db: Kysely<Database>,
  from: string,
): Promise<FailingConnection[]> {
  const counts = await deliveryTrouble(db, from);
  const of = (id: string): TroubleCounts => counts.get(id) ?? { dead: 0, failed: 0, retrying: 0 };
  if (counts.size === 0) return [];
  const connections = await db
    .selectFrom('connections')
    .select(['id', 'name', 'connector'])
    .where('id', 'in', [...counts.keys()])
    .execute();
  const worst = connections
    .map((connection) => ({ ...connection, ...of(connection.id) }))
    .sort(
      (a, b) =>
        b.dead + b.failed + b.retrying - (a.dead + a.failed + a.retrying) || (a.id < b.id ? -1 : 1),
    )
    .slice(0, OVERVIEW_LIST_LIMIT);
  return Promise.all(
    worst.map(async (connection) => {
      // The latest problem among its failing deliveries: finished ones in the window, or waiting retries.
      const [finishedLast, retryLast] = await Promise.all([
        db
          .selectFrom('deliveries')
          .select(['last_error', 'updated_at'])
          .where('status', 'in', ['dead', 'failed'])
          .where('completed_at', '>=', from)
          .where('connection_id', '=', connection.id)
          .orderBy('completed_at', 'desc')
          .limit(1)
          .executeTakeFirst(),
        db
          .selectFrom('deliveries')
          .select(['last_error', 'updated_at'])
          .where('status', '=', 'pending')
          .where('attempts', '>', 0)
          .where('connection_id', '=', connection.id)
          .orderBy('updated_at', 'desc')
          .limit(1)
          .executeTakeFirst(),
      ]);
      const last = [finishedLast, retryLast]
        .filter((row) => row !== undefined)
        .sort((a, b) => (a.updated_at < b.updated_at ? 1 : -1))[0];
      return {
        id: connection.id,
        name: connection.name,
        connector: connection.connector,
        dead: connection.dead,
        failed: connection.failed,
        retrying: connection.retrying,
        lastError: last?.last_error ?? null,
        lastAttemptAt: last?.updated_at ?? null,
      };
    }),
  );
}

async function rejectingSources(db: Kysely<Database>, from: string): Promise<RejectingSource[]> {
  const sources = await db
    .selectFrom('sources')
    .select(['id', 'name', 'provider'])
    .orderBy('id')
    .execute();
  const unverified = await db
    .selectFrom('verifications')
    .select(['source_id', (eb) => eb.fn.countAll<number | string>().as('n')])
    .where('attempts', '>', 0)
    .groupBy('source_id')
    .execute();
  const waiting = new Map(unverified.map((row) => [row.source_id, Number(row.n)]));
  const found = await Promise.all(
    sources.map(async (source): Promise<RejectingSource | null> => {
      // One index range per source (source, verdict, received at): sources are few, requests many.
      const [count, last, verification] = await Promise.all([
        db
          .selectFrom('inbound_requests')
          .select((eb) => eb.fn.countAll<number | string>().as('n'))
          .where('source_id', '=', source.id)
          .where('verdict', '=', 'rejected')
          .where('received_at', '>=', from)
          .executeTakeFirst(),
        db
          .selectFrom('inbound_requests')
          .select(['verdict_code', 'verdict_reason', 'received_at'])
          .where('source_id', '=', source.id)
          .where('verdict', '=', 'rejected')
          .where('received_at', '>=', from)
          .orderBy('received_at', 'desc')
          .limit(1)
          .executeTakeFirst(),
        waiting.has(source.id)
          ? db
              .selectFrom('verifications')
              .select('last_error')
              .where('source_id', '=', source.id)
              .where('attempts', '>', 0)
              .orderBy('next_attempt_at', 'desc')
              .limit(1)
              .executeTakeFirst()
          : undefined,
      ]);
      const rejected = Number(count?.n ?? 0);
      const pending = waiting.get(source.id) ?? 0;
      if (rejected === 0 && pending === 0) return null;
      return {
        ...source,
        rejected,
        lastCode: last?.verdict_code ?? null,
        lastReason: last?.verdict_reason ?? null,
        lastAt: last?.received_at ?? null,
        unverified: pending,
        lastVerificationError: verification?.last_error ?? null,
      };
    }),
  );
  return found
    .filter((source) => source !== null)
    .sort(
      (a, b) => b.rejected + b.unverified - (a.rejected + a.unverified) || (a.id < b.id ? -1 : 1),
    )
    .slice(0, OVERVIEW_LIST_LIMIT);
}

/** The overview of the `hours` before `now`. */
export async function overview(db: Kysely<Database>, now: Date, hours: number): Promise<Overview> {
  const to = now.toISOString();
  const from = new Date(now.getTime() - hours * 3_600_000).toISOString();
  const [hourlyCounts, deliveries, queued, failing, rejecting] = await Promise.all([
    hourly(db, from, to),
    deliveriesByStatus(db, from),
    queue(db),
    failingConnections(db, from),
    rejectingSources(db, from),
  ]);
  return {
    from,
    to,
    hourly: hourlyCounts,
    deliveries,
    queue: queued,
    failingConnections: failing,
    rejectingSources: rejecting,
  };
}
