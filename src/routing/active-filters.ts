/**
 * The filters of the active connections, for fan-out. Read inside the ingest transaction (so
 * fan-out sees the connections as of its own snapshot), decrypting nothing, with parsed filters
 * cached per row version. Kept apart from the connections service so the ingest writer thread
 * can load it without the connector registry.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { deepFreeze } from '../lib/deep-freeze.js';
import { filtersSchema } from './filters.js';
import type { ConnectionFilters } from './filters.js';
import { createVersionCache } from '../lib/version-cache.js';

export interface ConnectionFilterTarget {
  id: string;
  filters: ConnectionFilters;
}

export type ActiveFiltersLoader = (executor: Kysely<Database>) => Promise<ConnectionFilterTarget[]>;

export function createActiveFiltersLoader(): ActiveFiltersLoader {
  const cache = createVersionCache<ConnectionFilterTarget>();
  return async (executor) => {
    const rows = await executor
      .selectFrom('connections')
      .select(['id', 'filters', 'updated_at'])
      .where('active', '=', 1)
      .orderBy('id')
      .execute();
    const targets = rows.map((row) =>
      cache.get(row.id, row.updated_at, () =>
        deepFreeze({ id: row.id, filters: filtersSchema.parse(JSON.parse(row.filters)) }),
      ),
    );
    // Keep the cache to the active set, so removed or deactivated connections do not linger.
    cache.retain(new Set(rows.map((row) => row.id)));
    return targets;
  };
}
