/**
 * What a source's card shows besides its settings: when its last notification came and how
 * many it received by verdict. One grouped read over the index on (source, verdict, received
 * at), which holds every column it needs (docs/benchmarks.md, "Admin reads").
 */
import type { Kysely } from 'kysely';
import { INBOUND_VERDICTS } from '../../db/schema.js';
import type { Database, InboundVerdict } from '../../db/schema.js';

export interface SourceStats {
  lastNotificationAt: string | null;
  counts: Record<InboundVerdict, number>;
}

export function emptyVerdictCounts(): Record<InboundVerdict, number> {
  return Object.fromEntries(INBOUND_VERDICTS.map((verdict) => [verdict, 0])) as Record<
    InboundVerdict,
    number
  >;
}

function isVerdict(value: string): value is InboundVerdict {
  return (INBOUND_VERDICTS as readonly string[]).includes(value);
}

/** Stats of the given sources (every source when `sourceIds` is absent); a source without notifications is absent from the map. */
export async function sourceStats(
  db: Kysely<Database>,
  sourceIds?: readonly string[],
): Promise<Map<string, SourceStats>> {
  if (sourceIds !== undefined && sourceIds.length === 0) return new Map();
  let query = db
    .selectFrom('inbound_requests')
    .select([
      'source_id',
      'verdict',
      (eb) => eb.fn.countAll<number | string>().as('n'),
      (eb) => eb.fn.max('received_at').as('last'),
    ])
    .where('source_id', 'is not', null)
    .groupBy(['source_id', 'verdict']);
  if (sourceIds !== undefined) query = query.where('source_id', 'in', [...sourceIds]);
  const stats = new Map<string, SourceStats>();
  for (const row of await query.execute()) {
    if (row.source_id === null) continue;
    let entry = stats.get(row.source_id);
    if (!entry) {
      entry = { lastNotificationAt: null, counts: emptyVerdictCounts() };
      stats.set(row.source_id, entry);
    }
    if (isVerdict(row.verdict)) entry.counts[row.verdict] += Number(row.n);
    if (
      row.last !== null &&
      (entry.lastNotificationAt === null || row.last > entry.lastNotificationAt)
    )
      entry.lastNotificationAt = row.last;
  }
  return stats;
}

/** `view` with its stats (zero counts when it received nothing). */
export function withStats<V extends { id: string }>(
  view: V,
  stats: Map<string, SourceStats>,
): V & SourceStats {
  return {
    ...view,
    ...(stats.get(view.id) ?? { lastNotificationAt: null, counts: emptyVerdictCounts() }),
  };
}
