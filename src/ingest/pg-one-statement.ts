/**
 * A batch of the PostgreSQL ingest store written as one statement that is its own transaction:
 * one round trip instead of five (`begin`, the order check, the active connections, the group
 * statement, `commit`; docs/benchmarks.md, "PostgreSQL: where a batch waits"). PostgreSQL
 * commits a statement sent outside `begin`/`commit` before it answers, with the same durable
 * flush of the WAL (`synchronous_commit=on`), so each caller is still answered only after its
 * commit.
 *
 * Only a batch that is one group (batch-commit.ts `isOneGroup`: first payments of distinct
 * orders, requests without facts) is written this way, with the group statement gated
 * (pg-group-statement.ts `gatedGroupStatement`): in the statement's own snapshot none of its
 * orders and events may be stored yet, and the active connections must be those its delivery
 * rows were built for, which are kept between batches with their version and read again when
 * the gate finds them changed. When a check fails, the statement writes nothing, and when an
 * order or event was written meanwhile by another transaction it fails and is rolled back;
 * either way the batch writer then writes the batch in a transaction as before
 * (db/batch-writer.ts `direct`), where a renewal, a resend or a refund finds its own path.
 */
import { CompiledQuery } from 'kysely';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import type { ConnectionFilterTarget } from '../routing/active-filters.js';
import { isOneGroup } from './batch-commit.js';
import type { ActiveTargets } from './ingest-store.js';
import { buildGroup, groupResults } from './pg-batch-commit.js';
import type { PgIngestItem, PgIngestResult } from './pg-batch-commit.js';
import { TARGETS_VERSION, writeGatedGroupRows } from './pg-group-statement.js';

/** The active connections with the version they were read at. */
interface KnownTargets {
  version: string;
  targets: readonly ConnectionFilterTarget[];
}

/** Writes a batch as one statement; undefined when it wrote nothing (see the module comment). */
export type OneStatementWriter = (
  db: Kysely<Database>,
  items: readonly PgIngestItem[],
) => Promise<PgIngestResult[] | undefined>;

export function createOneStatementWriter(activeFilters: ActiveTargets): OneStatementWriter {
  let known: Promise<KnownTargets> | undefined;

  /**
   * The version first, then the connections: read in two snapshots, the connections are then
   * as of the version or newer, and newer ones never meet the version again (every change moves
   * it), so a gate never passes delivery rows built for other connections than its snapshot's.
   */
  async function readTargets(db: Kysely<Database>): Promise<KnownTargets> {
    const { rows } = await db.executeQuery<{ version: string }>(
      CompiledQuery.raw(`select ${TARGETS_VERSION} as version`),
    );
    const version = rows[0]?.version ?? '';
    return { version, targets: await activeFilters(db) };
  }

  return async (db, items) => {
    if (items.length === 0 || !isOneGroup(items)) return undefined;
    if (!known) {
      const read = readTargets(db);
      // A failed read is not kept: the next batch reads again.
      read.catch(() => {
        if (known === read) known = undefined;
      });
      known = read;
    }
    const reading = known;
    const current = await reading;
    const { rows, placed, deliveries } = await buildGroup(db, async () => current.targets, items);
    const outcome = await writeGatedGroupRows(db, rows, {
      targetsVersion: current.version,
      orders: placed.map(({ event }) => ({
        source_id: event.source.id,
        external_id: event.order?.id ?? '',
      })),
      dedupKeys: placed.map((p) => p.dedupKey),
    });
    if (outcome.written) return groupResults(items, deliveries, outcome.documentJobs);
    if (outcome.failed === 'targets' && known === reading) known = undefined;
    return undefined;
  };
}
