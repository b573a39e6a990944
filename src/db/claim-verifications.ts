/**
 * Claims due deferred verifications (ingest/verifier.ts): rows of `verifications` whose
 * `next_attempt_at` has come and whose lease is free or expired, oldest first (by
 * `next_attempt_at`, then by request id, which sorts by receipt time). Taken through
 * db/claim-leased.ts, the one claim shape of every leased job: a plain read first, then the
 * rows leased in one write transaction (`FOR UPDATE SKIP LOCKED` on PostgreSQL,
 * `BEGIN IMMEDIATE` on SQLite), so two verifiers never take the same row.
 */
import type { Kysely, Selectable } from 'kysely';
import { claimLeased } from './claim-leased.js';
import type { DbAdapter } from './dialect-adapter.js';
import type { Database, VerificationsTable } from './schema.js';

/** A verification leased to the claimer; `lease_until` is the lease every settling write checks. */
export type ClaimedVerification = Selectable<VerificationsTable> & { lease_until: string };

export function claimDueVerifications(
  db: Kysely<Database>,
  adapter: DbAdapter,
  options: { now: string; leaseUntil: string; limit: number },
): Promise<ClaimedVerification[]> {
  const { now, leaseUntil } = options;
  return claimLeased(db, adapter, {
    limit: options.limit,
    due: (on, limit, lock) =>
      on
        .selectFrom('verifications')
        .selectAll()
        .where('next_attempt_at', '<=', now)
        .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', now)]))
        .orderBy('next_attempt_at')
        .orderBy('inbound_request_id')
        .limit(limit)
        .$if(lock, (q) => q.forUpdate().skipLocked())
        .execute(),
    lease: async (trx, rows) => {
      await trx
        .updateTable('verifications')
        .set({ lease_until: leaseUntil })
        .where(
          'inbound_request_id',
          'in',
          rows.map((row) => row.inbound_request_id),
        )
        .execute();
      return rows.map((row) => ({ ...row, lease_until: leaseUntil }));
    },
  });
}
