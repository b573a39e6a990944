/**
 * What needs attention in a connection's deliveries, by connection: deliveries that gave up
 * (`dead`), failed for good (`failed`) or wait for a retry after a failed attempt. Read by the
 * connections' answers (connection-stats.ts, every finished one) and the overview (those
 * finished in its window). Both reads go through indexes that hold only these statuses
 * (`0007_admin_read_indexes`' `(status, completed_at, connection_id)` and `0002`'s
 * `(status, next_attempt_at, …)`), so they follow what needs attention, not how much was
 * delivered.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';

export interface TroubleCounts {
  dead: number;
  failed: number;
  retrying: number;
}

/**
 * The counts of every connection that has any (connections without trouble are absent).
 * `completedSince` limits the dead and failed ones to those finished since then.
 */
export async function deliveryTrouble(
  db: Kysely<Database>,
  completedSince?: string,
): Promise<Map<string, TroubleCounts>> {
  let finishedQuery = db
    .selectFrom('deliveries')
    .select(['connection_id', 'status', (eb) => eb.fn.countAll<number | string>().as('n')])
    .where('status', 'in', ['dead', 'failed']);
  if (completedSince !== undefined)
    finishedQuery = finishedQuery.where('completed_at', '>=', completedSince);
  const [finished, retrying] = await Promise.all([
    finishedQuery.groupBy(['connection_id', 'status']).execute(),
    db
      .selectFrom('deliveries')
      .select(['connection_id', (eb) => eb.fn.countAll<number | string>().as('n')])
      .where('status', '=', 'pending')
      .where('attempts', '>', 0)
      .groupBy('connection_id')
      .execute(),
  ]);
  const counts = new Map<string, TroubleCounts>();
  const of = (id: string): TroubleCounts => {
    let entry = counts.get(id);
    if (!entry) {
      entry = { dead: 0, failed: 0, retrying: 0 };
      counts.set(id, entry);
    }
    return entry;
  };
  for (const row of finished)
    of(row.connection_id)[row.status === 'dead' ? 'dead' : 'failed'] = Number(row.n);
  for (const row of retrying) of(row.connection_id).retrying = Number(row.n);
  return counts;
}
