/**
 * Another transaction writing an order while a batch writes it too, for the PostgreSQL batch
 * tests (pg-batch-commit.test.ts, pg-one-statement.test.ts).
 */
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import { pollUntil } from '../../../test/helpers/poll-until.js';
import type { Database } from '../../db/schema.js';
import { NOW, SOURCE } from './batch-items.js';

/**
 * Another connection inserts order `externalId` of the test source and holds its transaction
 * open; then `write` starts, and once a backend of the database waits for a lock (the batch's
 * insert of that order) the other transaction commits. Answers what `write` rejected with, or
 * null when it resolved.
 */
export async function orderWrittenMeanwhile(
  db: Kysely<Database>,
  externalId: string,
  write: () => Promise<unknown>,
): Promise<unknown> {
  return db.connection().execute(async (other) => {
    await sql`begin`.execute(other);
    await other
      .insertInto('orders')
      .values({
        id: 'ord_other',
        source_id: SOURCE,
        provider: 'digistore24',
        external_id: externalId,
        customer_id: null,
        billing_type: null,
        currency: 'EUR',
        status: 'paid',
        test: 0,
        created_at: NOW,
        updated_at: NOW,
      })
      .execute();
    const outcome = write().then(
      () => null,
      (err: unknown) => err,
    );
    await pollUntil(
      async () =>
        (
          await sql<{ n: number }>`select count(*)::int as n from pg_stat_activity
            where datname = current_database() and wait_event_type = 'Lock'`.execute(db)
        ).rows[0]?.n ?? 0,
      (n) => n > 0,
    );
    await sql`commit`.execute(other);
    return outcome;
  });
}
