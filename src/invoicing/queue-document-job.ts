/**
 * The ingest side of invoicing: a new payment, refund or chargeback of a source whose seller
 * profile has invoicing on gets a row in `document_jobs`, in the event's own transaction. The
 * document itself is issued later by the worker (issue-job.ts), so acknowledging a
 * notification never waits for numbering, rendering or mail; and a job written with its event
 * cannot be lost between the two. One statement, which inserts nothing for other sources.
 *
 * Kept free of everything but the database types: the SQLite ingest writer thread loads it.
 */
import type { Kysely } from 'kysely';
import type { CanonicalEvent, EventType } from '../core/events.js';
import { runTemplate } from '../db/query-template.js';
import type { QueryTemplate } from '../db/query-template.js';
import type { Database } from '../db/schema.js';

/** The events documents are issued for: an invoice-receipt for a payment, a credit note for the others. */
export const DOCUMENT_EVENT_TYPES: ReadonlySet<EventType> = new Set([
  'payment',
  'refund',
  'chargeback',
]);

interface JobValues {
  event_id: string;
  source_id: string;
  now: string;
}

/** Built once per ingest batch (db/query-template.ts): it runs for every money event. */
const QUEUE_JOB: QueryTemplate<JobValues, { event_id: string }> = {
  key: 'invoicing:queue-document-job',
  build: (db, values) =>
    db
      .insertInto('document_jobs')
      .columns([
        'event_id',
        'profile_id',
        'attempts',
        'next_attempt_at',
        'lease_until',
        'last_error',
        'created_at',
      ])
      .expression((eb) =>
        eb
          .selectFrom('profile_sources')
          .innerJoin('seller_profiles', 'seller_profiles.id', 'profile_sources.profile_id')
          .select((s) => [
            s.val(values.event_id).as('event_id'),
            'profile_sources.profile_id',
            s.lit(0).as('attempts'),
            s.val(values.now).as('next_attempt_at'),
            s.val<string | null>(null).as('lease_until'),
            s.val<string | null>(null).as('last_error'),
            s.val(values.now).as('created_at'),
          ])
          .where('profile_sources.source_id', '=', values.source_id)
          .where('seller_profiles.invoicing', '=', 1),
      )
      .returning('event_id'),
};

/** Queues the event for a document when its source's profile issues them; returns whether it did. */
export async function queueDocumentJob(
  trx: Kysely<Database>,
  event: CanonicalEvent,
  now: string,
): Promise<boolean> {
  if (!DOCUMENT_EVENT_TYPES.has(event.type)) return false;
  const result = await runTemplate(trx, QUEUE_JOB, {
    event_id: event.id,
    source_id: event.source.id,
    now,
  });
  return result.rows.length > 0;
}
