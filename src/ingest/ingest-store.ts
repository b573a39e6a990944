/**
 * The write side of ingest: everything the pipeline stores goes through an `IngestStore`, so
 * where the writes run is a deployment choice, not a pipeline concern.
 *
 * - `record` stores a request that produced no new facts (rejected, ignored, connection test,
 *   or an ingest error), durably, before the sender is answered.
 * - `commit` stores a request with its canonical events in one durable transaction: each event
 *   under its unique dedup key (a conflict means a provider resend and nothing else happens for
 *   it), the ledger update, and one delivery per matching connection. It resolves only after
 *   the commit, with the ids of the events that were new. A new payment, refund or
 *   chargeback of a source whose seller profile issues documents also gets its document job
 *   there (invoicing/queue-document-job.ts); the document is issued after the commit.
 *
 * The local store runs these writes one notification after the other on the caller's database
 * handle through the group committer. The stores the server uses (batch-ingest-store.ts, on the
 * main thread for PostgreSQL, in `threaded-ingest-store.ts`'s worker thread for SQLite) write a
 * batch a table at a time where that gives the same rows, and fall back to these functions for
 * the rest (batch-commit.ts).
 */
import type { Insertable, Kysely } from 'kysely';
import { runTemplate } from '../db/query-template.js';
import type { QueryTemplate } from '../db/query-template.js';
import type { CanonicalEvent } from '../core/events.js';
import type { Database, EventsTable, InboundRequestsTable } from '../db/schema.js';
import type { ConnectionFilterTarget } from '../routing/active-filters.js';
import { queueDocumentJob } from '../invoicing/queue-document-job.js';
import { fanOut } from '../outbox/fan-out.js';
import { applyToLedger } from '../ledger/apply-event.js';
import { completeFromLedger } from '../ledger/complete-event.js';
import type { GroupCommitter } from './group-commit.js';
import { completedPayload } from './event-payload.js';
import type { KeyedEvent } from './event-payload.js';

export type InboundRow = InboundRequestsTable;

export interface CommitResult {
  /** Ids of the events that were new (the others were duplicates). */
  inserted: string[];
  /** Delivery rows created for the new events. */
  deliveries: number;
  /** Document jobs queued for the new events (invoicing). */
  documentJobs: number;
}

export interface IngestStore {
  record(row: InboundRow): Promise<void>;
  /** `now` (ISO) stamps the ledger rows; the caller's clock decides it. */
  commit(row: InboundRow, events: readonly KeyedEvent[], now: string): Promise<CommitResult>;
  /** Resolves when everything submitted so far is committed or failed. */
  flush(): Promise<void>;
  close(): Promise<void>;
}

export type ActiveTargets = (trx: Kysely<Database>) => Promise<ConnectionFilterTarget[]>;

/** Stores a request; a `pending` one also gets its verification job, in the same transaction. */
const INSERT_INBOUND: QueryTemplate<InboundRow, never> = {
  key: 'ingest:insert-inbound',
  build: (db, values) => db.insertInto('inbound_requests').values(values),
};

const INSERT_EVENT: QueryTemplate<Insertable<EventsTable>, { id: string }> = {
  key: 'ingest:insert-event',
  build: (db, values) =>
    db
      .insertInto('events')
      .values(values)
      .onConflict((oc) => oc.column('dedup_key').doNothing())
      .returning('id'),
};

/**
 * An event's row (also written many at a time by batch-commit.ts); `payload` is the event's
 * JSON (event-payload.ts's `completedPayload`).
 */
export function eventRow(
  event: CanonicalEvent,
  inboundRequestId: string,
  dedupKey: string,
  payload: string = JSON.stringify(event),
): Insertable<EventsTable> {
  return {
    id: event.id,
    source_id: event.source.id,
    inbound_request_id: inboundRequestId,
    type: event.type,
    dedup_key: dedupKey,
    order_ref: event.order?.id ?? null,
    customer_email: event.buyer?.email ?? null,
    test: event.source.test ? 1 : 0,
    occurred_at: event.occurredAt,
    received_at: event.receivedAt,
    payload,
  };
}

export async function writeRecord(trx: Kysely<Database>, row: InboundRow): Promise<void> {
  await runTemplate(trx, INSERT_INBOUND, row);
  if (row.verdict === 'pending' && row.source_id !== null) {
    await trx
      .insertInto('verifications')
      .values({
        inbound_request_id: row.id,
        source_id: row.source_id,
        attempts: 0,
        next_attempt_at: row.received_at,
        lease_until: null,
        last_error: null,
      })
      .execute();
  }
}

/** Settles a stored request: its final verdict replaces the stored one (a `pending` request once verified). */
export async function writeVerdict(
  trx: Kysely<Database>,
  row: Pick<
    InboundRow,
    'id' | 'verdict' | 'verdict_code' | 'verdict_reason' | 'verification' | 'event_ids'
  >,
): Promise<void> {
  await trx
    .updateTable('inbound_requests')
    .set({
      verdict: row.verdict,
      verdict_code: row.verdict_code,
      verdict_reason: row.verdict_reason,
      verification: row.verification,
      event_ids: row.event_ids,
    })
    .where('id', '=', row.id)
    .execute();
}

/**
 * The commit of one request's events (see the module comment). `stored`: the request row was
 * written before (a `pending` request now verified), so its verdict is updated instead.
 */
export async function writeCommit(
  trx: Kysely<Database>,
  activeTargets: ActiveTargets,
  row: InboundRow,
  events: readonly KeyedEvent[],
  now: string,
  stored = false,
): Promise<CommitResult> {
  const inserted: CanonicalEvent[] = [];
  for (const keyed of events) {
    const event = await completeFromLedger(trx, keyed.event);
    const payload = completedPayload(keyed, event);
    const created = await runTemplate(
      trx,
      INSERT_EVENT,
      eventRow(event, row.id, keyed.dedupKey, payload),
    );
    if (created.rows.length === 0) continue;
    await applyToLedger(trx, event, now);
    inserted.push(event);
  }
  let documentJobs = 0;
  for (const event of inserted) if (await queueDocumentJob(trx, event, now)) documentJobs += 1;
  let deliveries = 0;
  if (inserted.length > 0) {
    const targets = await activeTargets(trx);
    for (const event of inserted) deliveries += await fanOut(trx, event, targets, now);
  }
  const settled: InboundRow = {
    ...row,
    verdict: inserted.length > 0 ? 'accepted' : 'duplicate',
    event_ids: JSON.stringify(inserted.map((e) => e.id)),
  };
  if (stored) await writeVerdict(trx, settled);
  else await writeRecord(trx, settled);
  return { inserted: inserted.map((e) => e.id), deliveries, documentJobs };
}

/**
 * Units of one group-commit batch share its transaction object: read the active connections
 * once per batch, not once per notification (the same snapshot either way).
 */
export function perTransaction(load: ActiveTargets): ActiveTargets {
  const cache = new WeakMap<object, Promise<ConnectionFilterTarget[]>>();
  return (trx) => {
    let targets = cache.get(trx);
    if (!targets) {
      targets = load(trx);
      cache.set(trx, targets);
    }
    return targets;
  };
}

export function createLocalIngestStore(
  committer: GroupCommitter,
  activeFilters: ActiveTargets,
): IngestStore {
  const targets = perTransaction(activeFilters);
  return {
    record: (row) => committer.submit((trx) => writeRecord(trx, row)),
    commit: (row, events, now) =>
      committer.submit((trx) => writeCommit(trx, targets, row, events, now)),
    flush: () => committer.flush(),
    close: () => committer.flush(),
  };
}
