/**
 * Backfill: sends past events to a connection, e.g. a new one that should also know last
 * month's buyers. The events of a time range (by when they were received), optionally of some
 * sources and event types, are matched against the connection's filters with the same matcher
 * live fan-out uses (routing/filters.ts), and each match gets a delivery marked `backfill`.
 *
 * - Once per event and connection: the insert skips an event that already has a delivery to
 *   the connection (live or from an earlier backfill) through the unique index on
 *   (event_id, connection_id), so repeated or concurrent backfills never create a second one.
 * - In order per order: the deliveries carry the event's order key like live ones, and the
 *   claim's FIFO rule (db/claim-deliveries.ts) holds later events of an order back.
 * - Throttled: the new deliveries become due at most `perSecond` per second (a pace that goes
 *   on after the connection's backfill deliveries still waiting), and the claim takes due live
 *   deliveries before due backfill ones.
 *
 * Events are read and deliveries written in batches of {@link BACKFILL_BATCH}, one write
 * transaction per batch, so a large backfill never holds the write lock for long.
 */
import type { Kysely } from 'kysely';
import { IpnhubError } from '../core/errors.js';
import type { CanonicalEvent, EventType } from '../core/events.js';
import type { DbAdapter } from '../db/dialect-adapter.js';
import type { Database } from '../db/schema.js';
import type { Clock } from '../lib/clock.js';
import { filtersSchema, matchesFilters } from '../routing/filters.js';
import { checkRange, requireActiveConnection } from './bulk-checks.js';
import { DELIVERIES_CHANNEL } from './delivery-job.js';
import { newDeliveryRow } from './fan-out.js';

export interface BackfillRequest {
  connectionId: string;
  /** Events received at or after this instant (ISO 8601 UTC). */
  from: string;
  /** Events received before this instant; absent = now. */
  to?: string | undefined;
  /** Only events of these sources; empty or absent = every source the connection takes. */
  sources?: readonly string[] | undefined;
  /** Only events of these types; empty or absent = every type the connection takes. */
  eventTypes?: readonly EventType[] | undefined;
  /** Count only; create nothing. */
  dryRun?: boolean | undefined;
}

export interface BackfillResult {
  dryRun: boolean;
  /** The range the events were read from (`to` filled in with now). */
  from: string;
  to: string;
  /** Events of the range, sources and types that the connection's filters take. */
  matched: number;
  /** Of those, events that already have a delivery to this connection (live or backfill). */
  existing: number;
  /** Deliveries created (for a dry run: that would be created). */
  created: number;
  /** When the last delivery created becomes due (the pace); null when none was created. */
  lastDueAt: string | null;
}

export interface BackfillDeps {
  db: Kysely<Database>;
  adapter: DbAdapter;
  clock: Clock;
  /** Backfill deliveries that become due per second and connection (`backfillPerSecond`). */
  perSecond: number;
}

/** Events read (and deliveries written) per batch. */
export const BACKFILL_BATCH = 500;

interface EventRow {
  id: string;
  received_at: string;
  payload: string;
}

async function requireSources(db: Kysely<Database>, sources: readonly string[]): Promise<void> {
  if (sources.length === 0) return;
  const known = new Set(
    (
      await db
        .selectFrom('sources')
        .select('id')
        .where('id', 'in', [...sources])
        .execute()
    ).map((row) => row.id),
  );
  const unknown = sources.filter((id) => !known.has(id));
  if (unknown.length > 0) throw new IpnhubError('NOT_FOUND', `No source ${unknown.join(', ')}.`);
}

/** The next batch of events of the range after `after` (received time, then id). */
function eventBatch(
  db: Kysely<Database>,
  request: BackfillRequest,
  to: string,
  after: EventRow | null,
): Promise<EventRow[]> {
  const sources = request.sources ?? [];
  const types = request.eventTypes ?? [];
  return db
    .selectFrom('events')
    .select(['id', 'received_at', 'payload'])
    .where('received_at', '>=', request.from)
    .where('received_at', '<', to)
    .$if(sources.length > 0, (q) => q.where('source_id', 'in', [...sources]))
    .$if(types.length > 0, (q) => q.where('type', 'in', [...types]))
    .$if(after !== null, (q) =>
      q.where((eb) =>
        eb(
          eb.refTuple('received_at', 'id'),
          '>',
          eb.tuple(after?.received_at ?? '', after?.id ?? ''),
        ),
      ),
    )
    .orderBy('received_at')
    .orderBy('id')
    .limit(BACKFILL_BATCH)
    .execute();
}

async function alreadyDelivered(
  db: Kysely<Database>,
  connectionId: string,
  eventIds: readonly string[],
): Promise<Set<string>> {
  if (eventIds.length === 0) return new Set();
  const rows = await db
    .selectFrom('deliveries')
    .select('event_id')
    .where('connection_id', '=', connectionId)
    .where('event_id', 'in', [...eventIds])
    .execute();
  return new Set(rows.map((row) => row.event_id));
}

/** Where the pace starts: now, or after the connection's backfill deliveries still waiting. */
async function paceStart(db: Kysely<Database>, connectionId: string, now: number): Promise<number> {
  const row = await db
    .selectFrom('deliveries')
    .select((eb) => eb.fn.max('next_attempt_at').as('last'))
    .where('connection_id', '=', connectionId)
    .where('origin', '=', 'backfill')
    .where('status', '=', 'pending')
    .executeTakeFirst();
  const last = row?.last ?? null;
  return last === null ? now : Math.max(now, Date.parse(last) + 1000);
}

/**
 * Counts (dry run) or creates the deliveries of a backfill. `NOT_FOUND` for an unknown
 * connection or source, `CONNECTION_INACTIVE` for a connection that is switched off,
 * `INVALID_RANGE` when `from` is not before `to` (or, without `to`, not in the past).
 */
export async function backfillConnection(
  deps: BackfillDeps,
  request: BackfillRequest,
): Promise<BackfillResult> {
  const nowMs = deps.clock.now().getTime();
  const now = new Date(nowMs).toISOString();
  const to = request.to ?? now;
  checkRange(request.from, to);
  const connection = await requireActiveConnection(deps.db, request.connectionId);
  const filters = filtersSchema.parse(JSON.parse(connection.filters));
  await requireSources(deps.db, request.sources ?? []);
  const dryRun = request.dryRun === true;
  const perSecond = Math.max(1, Math.floor(deps.perSecond));
  const start = dryRun ? nowMs : await paceStart(deps.db, request.connectionId, nowMs);

  let matched = 0;
  let existing = 0;
  let created = 0;
  let slot = 0;
  let lastDueAt: string | null = null;
  let after: EventRow | null = null;
  for (;;) {
    const events = await eventBatch(deps.db, request, to, after);
    after = events.at(-1) ?? null;
    const matching: CanonicalEvent[] = [];
    for (const row of events) {
      const event = JSON.parse(row.payload) as CanonicalEvent;
      if (matchesFilters(event, filters)) matching.push(event);
    }
    matched += matching.length;
    if (matching.length > 0) {
      const ids = matching.map((event) => event.id);
      if (dryRun) {
        existing += (await alreadyDelivered(deps.db, request.connectionId, ids)).size;
      } else {
        const inserted = await deps.adapter.writeTransaction(deps.db, async (trx) => {
          const known = await alreadyDelivered(trx, request.connectionId, ids);
          const rows = matching
            .filter((event) => !known.has(event.id))
            .map((event) => {
              const dueAt = new Date(start + Math.floor(slot++ / perSecond) * 1000).toISOString();
              return newDeliveryRow(event, request.connectionId, now, dueAt, 'backfill');
            });
          if (rows.length === 0) return [];
          // A concurrent backfill (or any other writer) may have created some since the read:
          // the unique (event_id, connection_id) index keeps theirs and skips ours.
          return trx
            .insertInto('deliveries')
            .values(rows)
            .onConflict((oc) => oc.columns(['event_id', 'connection_id']).doNothing())
            .returning(['id', 'next_attempt_at'])
            .execute();
        });
        created += inserted.length;
        existing += matching.length - inserted.length;
        for (const row of inserted)
          if (lastDueAt === null || row.next_attempt_at > lastDueAt)
            lastDueAt = row.next_attempt_at;
        if (inserted.length > 0) await deps.adapter.notify(deps.db, DELIVERIES_CHANNEL);
      }
    }
    if (events.length < BACKFILL_BATCH) break;
  }
  if (dryRun) created = matched - existing;
  return { dryRun, from: request.from, to, matched, existing, created, lastDueAt };
}
