/**
 * Retention (docs/retention.md): the worker empties the raw body and headers of inbound
 * requests, clears what delivery attempts sent and received, and deletes requests that
 * produced nothing, each after its configured number of days. The ledger, events and
 * documents are never touched here.
 *
 * Every pass works in small batches, each one short write transaction (`writeTransaction`:
 * `BEGIN IMMEDIATE` on SQLite, where the ingest writer thread waits for it like for any other
 * worker write, through `busy_timeout`), and yields to the event loop between batches, so
 * ingest's group commit waits at most one batch. Rows are walked in id order (ids are
 * time-sortable, see core/ids.ts); a walk stops at the first row younger than its cutoff.
 * The walks over rows that stay (raw bodies, attempts) keep their position in `settings`, so
 * a run starts where the last one ended instead of reading every pruned row again.
 *
 * A raw body is kept while something still needs it: a request waiting for its deferred
 * verification (PayPal IPN postback) and a request whose events have a delivery that is
 * pending or being attempted (the `paypal-ipn-forward` connector re-posts the original body).
 * The walk's saved position stops before the first such row, so it is looked at again on the
 * next run. Requests held for review keep their body until a person has looked at them.
 */
import type { Kysely } from 'kysely';
import type { DbAdapter } from '../db/dialect-adapter.js';
import type { Database, InboundVerdict } from '../db/schema.js';
import { notAccepted } from '../db/write-indexes.js';
import type { Clock } from '../lib/clock.js';
import type { Logger } from '../lib/logger.js';

export const PRUNE_KINDS = ['raw_bodies', 'attempt_bodies', 'rejected_requests'] as const;
export type PruneKind = (typeof PRUNE_KINDS)[number];
export type PruneCounts = Record<PruneKind, number>;

/** Days each kind of data is kept; 0 keeps it forever. */
export interface RetentionDays {
  rawBodyDays: number;
  attemptBodyDays: number;
  rejectedRequestDays: number;
}

export interface PruneObserver {
  pruned(kind: PruneKind, count: number): void;
}

export interface PrunerDeps {
  db: Kysely<Database>;
  adapter: DbAdapter;
  clock: Clock;
  logger: Logger;
  retention: RetentionDays;
  observer?: PruneObserver;
  /** Rows per batch (default {@link PRUNE_BATCH_SIZE}). */
  batchSize?: number;
}

export interface Pruner {
  /** Prunes everything past its retention now, batch after batch; answers what it removed. */
  runOnce(): Promise<PruneCounts>;
}

export const PRUNE_BATCH_SIZE = 200;

/** Requests that produced nothing: no event, no ledger change, nothing waits for them. */
export const NOTHING_PRODUCED_VERDICTS: readonly InboundVerdict[] = [
  'rejected',
  'ignored',
  'duplicate',
  'error',
  'test',
];

const RAW_BODY_CURSOR = 'retention:raw_body_cursor';
const ATTEMPT_CURSOR = 'retention:attempt_cursor';
const EMPTY = Buffer.alloc(0);
const DAY_MS = 86_400_000;

type Trx = Kysely<Database>;

export function createPruner(deps: PrunerDeps): Pruner {
  const { db, adapter, clock, logger, retention } = deps;
  const batchSize = deps.batchSize ?? PRUNE_BATCH_SIZE;

  function cutoff(days: number): string | null {
    return days > 0 ? new Date(clock.now().getTime() - days * DAY_MS).toISOString() : null;
  }

  async function readCursor(trx: Trx, key: string): Promise<string> {
    const row = await trx
      .selectFrom('settings')
      .select('value')
      .where('key', '=', key)
      .executeTakeFirst();
    return row?.value ?? '';
  }

  async function writeCursor(trx: Trx, key: string, value: string): Promise<void> {
    await trx
      .insertInto('settings')
      .values({ key, value })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value }))
      .execute();
  }

  /** Ids of `requests` whose events have a delivery that is pending or being attempted. */
  async function withUnfinishedDeliveries(
    trx: Trx,
    requests: ReadonlyArray<{ id: string; event_ids: string }>,
  ): Promise<Set<string>> {
    const byEvent = new Map<string, string>();
    for (const request of requests)
      for (const eventId of JSON.parse(request.event_ids) as string[])
        byEvent.set(eventId, request.id);
    if (byEvent.size === 0) return new Set();
    const rows = await trx
      .selectFrom('deliveries')
      .select('event_id')
      .where('event_id', 'in', [...byEvent.keys()])
      .where('status', 'in', ['pending', 'delivering'])
      .execute();
    return new Set(rows.map((row) => byEvent.get(row.event_id) ?? ''));
  }

  /**
   * One batch of raw bodies after id `from`. `keep` is the id the walk may save as done: the
   * last row walked, or the row before the first body still needed (`from` if that is the first).
   */
  async function rawBodyBatch(
    trx: Trx,
    from: string,
    before: string,
  ): Promise<{
    pruned: number;
    last: string | null;
    done: boolean;
    keep: string;
    stalled: boolean;
  }> {
    const rows = await trx
      .selectFrom('inbound_requests')
      .select(['id', 'received_at', 'verdict', 'event_ids'])
      .where('id', '>', from)
      .orderBy('id')
      .limit(batchSize)
      .execute();
    // Rows are in time order; a young one ends the walk for this run.
    const young = rows.findIndex((row) => row.received_at >= before);
    const walked = young === -1 ? rows : rows.slice(0, young);
    const done = young !== -1 || rows.length < batchSize;
    if (walked.length === 0)
      return { pruned: 0, last: null, done: true, keep: from, stalled: false };
    const verifying = new Set(
      (
        await trx
          .selectFrom('verifications')
          .select('inbound_request_id')
          .where(
            'inbound_request_id',
            'in',
            walked.map((r) => r.id),
          )
          .execute()
      ).map((r) => r.inbound_request_id),
    );
    const delivering = await withUnfinishedDeliveries(trx, walked);
    let keep = from;
    let stalled = false;
    const prunable: string[] = [];
    for (const row of walked) {
      const needed = row.verdict === 'pending' || verifying.has(row.id) || delivering.has(row.id);
      if (needed) stalled = true;
      else if (row.verdict !== 'held') prunable.push(row.id);
      if (!stalled) keep = row.id;
    }
    let pruned = 0;
    if (prunable.length > 0) {
      const result = await trx
        .updateTable('inbound_requests')
        .set({ raw_body: EMPTY, headers: '{}' })
        .where('id', 'in', prunable)
        .where((eb) =>
          eb.or([eb(eb.fn('length', ['raw_body']), '>', 0), eb('headers', '!=', '{}')]),
        )
        .executeTakeFirst();
      pruned = Number(result.numUpdatedRows);
    }
    return { pruned, last: walked.at(-1)?.id ?? null, done, keep, stalled };
  }

  async function pruneRawBodies(): Promise<number> {
    const before = cutoff(retention.rawBodyDays);
    if (before === null) return 0;
    let total = 0;
    let from: string | null = null;
    // Once a needed body was passed, the saved position stays before it for this run.
    let stalled = false;
    for (;;) {
      const batch = await adapter.writeTransaction(db, async (trx) => {
        const start = from ?? (await readCursor(trx, RAW_BODY_CURSOR));
        const result = await rawBodyBatch(trx, start, before);
        if (!stalled && result.keep !== start) await writeCursor(trx, RAW_BODY_CURSOR, result.keep);
        stalled ||= result.stalled;
        return result;
      });
      total += batch.pruned;
      if (batch.done || batch.last === null) return total;
      from = batch.last;
      await yieldToEventLoop();
    }
  }

  async function pruneAttemptBodies(): Promise<number> {
    const before = cutoff(retention.attemptBodyDays);
    if (before === null) return 0;
    let total = 0;
    for (;;) {
      const batch = await adapter.writeTransaction(db, async (trx) => {
        const start = await readCursor(trx, ATTEMPT_CURSOR);
        const rows = await trx
          .selectFrom('attempts')
          .select(['id', 'started_at'])
          .where('id', '>', start)
          .orderBy('id')
          .limit(batchSize)
          .execute();
        const young = rows.findIndex((row) => row.started_at >= before);
        const old = young === -1 ? rows : rows.slice(0, young);
        let pruned = 0;
        if (old.length > 0) {
          const result = await trx
            .updateTable('attempts')
            .set({ requests: null, response: null })
            .where(
              'id',
              'in',
              old.map((row) => row.id),
            )
            .where((eb) => eb.or([eb('requests', 'is not', null), eb('response', 'is not', null)]))
            .executeTakeFirst();
          pruned = Number(result.numUpdatedRows);
          await writeCursor(trx, ATTEMPT_CURSOR, old.at(-1)?.id ?? start);
        }
        return { pruned, done: young !== -1 || rows.length < batchSize };
      });
      total += batch.pruned;
      if (batch.done) return total;
      await yieldToEventLoop();
    }
  }

  async function pruneRejected(): Promise<number> {
    const before = cutoff(retention.rejectedRequestDays);
    if (before === null) return 0;
    let total = 0;
    for (const verdict of NOTHING_PRODUCED_VERDICTS) {
      for (;;) {
        const batch = await adapter.writeTransaction(db, async (trx) => {
          const rows = await trx
            .selectFrom('inbound_requests')
            .select(['id', 'received_at'])
            .where('verdict', '=', verdict)
            .where(notAccepted)
            .orderBy('id')
            .limit(batchSize)
            .execute();
          const young = rows.findIndex((row) => row.received_at >= before);
          const old = young === -1 ? rows : rows.slice(0, young);
          let deleted = 0;
          if (old.length > 0) {
            const result = await trx
              .deleteFrom('inbound_requests')
              .where(
                'id',
                'in',
                old.map((row) => row.id),
              )
              .where('verdict', '=', verdict)
              .where(({ not, exists, selectFrom }) =>
                not(
                  exists(
                    selectFrom('verifications')
                      .select('inbound_request_id')
                      .whereRef('verifications.inbound_request_id', '=', 'inbound_requests.id'),
                  ),
                ),
              )
              .executeTakeFirst();
            deleted = Number(result.numDeletedRows);
          }
          return { deleted, done: young !== -1 || rows.length < batchSize || deleted === 0 };
        });
        total += batch.deleted;
        if (batch.done) break;
        await yieldToEventLoop();
      }
    }
    return total;
  }

  return {
    async runOnce() {
      const started = performance.now();
      // Requests that are deleted go first, so their bodies are not emptied before.
      const rejected = await pruneRejected();
      const counts: PruneCounts = {
        rejected_requests: rejected,
        raw_bodies: await pruneRawBodies(),
        attempt_bodies: await pruneAttemptBodies(),
      };
      for (const kind of PRUNE_KINDS) deps.observer?.pruned(kind, counts[kind]);
      logger.info(
        { ...counts, ms: Math.round(performance.now() - started) },
        'retention: pruned what is past its retention',
      );
      return counts;
    },
  };
}

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
