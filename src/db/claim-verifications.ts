/**
 * Claims due deferred verifications (ingest/verifier.ts): rows of `verifications` whose
 * `next_attempt_at` has come and whose lease is free or expired, oldest first (by
 * `next_attempt_at`, then by request id, which sorts by receipt time). The rows are leased in
 * one write transaction: `FOR UPDATE SKIP LOCKED` on PostgreSQL, `BEGIN IMMEDIATE` on SQLite,
 * so two verifiers never take the same row. A plain read first keeps an idle poll from taking
 * the write lock.
 */
import type { Kysely, Selectable } from 'kysely';
import type { DbAdapter } from './dialect-adapter.js';
import type { Database, VerificationsTable } from './schema.js';

/** A verification leased to the claimer; `lease_until` is the lease every settling write checks. */
export type ClaimedVerification = Selectable<VerificationsTable> & { lease_until: string };

function dueVerifications(db: Kysely<Database>, now: string) {
  return db
    .selectFrom('verifications')
    .where('next_attempt_at', '<=', now)
    .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', now)]));
}

export async function claimDueVerifications(
  db: Kysely<Database>,
  adapter: DbAdapter,
  options: { now: string; leaseUntil: string; limit: number },
): Promise<ClaimedVerification[]> {
  if (options.limit <= 0) return [];
  const any = await dueVerifications(db, options.now)
    .select('inbound_request_id')
    .limit(1)
    .executeTakeFirst();
  if (!any) return [];
  return adapter.writeTransaction(db, async (trx) => {
    const due = await dueVerifications(trx, options.now)
      .selectAll()
      .orderBy('next_attempt_at')
      .orderBy('inbound_request_id')
      .limit(options.limit)
      .$if(adapter.supportsSkipLocked, (q) => q.forUpdate().skipLocked())
      .execute();
    if (due.length === 0) return [];
    await trx
      .updateTable('verifications')
      .set({ lease_until: options.leaseUntil })
      .where(
        'inbound_request_id',
        'in',
        due.map((row) => row.inbound_request_id),
      )
      .execute();
    return due.map((row) => ({ ...row, lease_until: options.leaseUntil }));
  });
}
