/**
 * Since when each connection has failed without a success in between (`connection_health`),
 * written in the transaction of the delivery outcomes (outcome-writer.ts): a delivered attempt
 * removes the connection's row, a failed one creates it (`failing_since`) or moves
 * `last_failure_at` on. Only attempts the connector made count; skipped deliveries and
 * ipnhub's own problems (a missing event) say nothing about the target. auto-disable.ts reads
 * the row to decide whether a connection has failed long enough to be switched off.
 */
import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type { Database } from '../db/schema.js';

/** One attempt's verdict on its connection. */
export interface HealthMark {
  connectionId: string;
  ok: boolean;
}

export async function recordConnectionHealth(
  trx: Kysely<Database>,
  marks: readonly HealthMark[],
  now: string,
): Promise<void> {
  if (marks.length === 0) return;
  const succeeded = new Set<string>();
  const failures = new Map<string, number>();
  for (const mark of marks) {
    if (mark.ok) succeeded.add(mark.connectionId);
    else failures.set(mark.connectionId, (failures.get(mark.connectionId) ?? 0) + 1);
  }
  // A batch with a success of the connection ends its failing streak, whatever came first.
  if (succeeded.size > 0)
    await trx
      .deleteFrom('connection_health')
      .where('connection_id', 'in', [...succeeded])
      .execute();
  const failing = [...failures].filter(([id]) => !succeeded.has(id));
  if (failing.length === 0) return;
  await trx
    .insertInto('connection_health')
    .values(
      failing.map(([id, n]) => ({
        connection_id: id,
        failing_since: now,
        last_failure_at: now,
        failures: n,
      })),
    )
    .onConflict((oc) =>
      oc.column('connection_id').doUpdateSet({
        last_failure_at: (eb) => eb.ref('excluded.last_failure_at'),
        failures: sql<number>`connection_health.failures + excluded.failures`,
      }),
    )
    .execute();
}
