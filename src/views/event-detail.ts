/**
 * One event with what became of it: where it came from, what it changed in the ledger and
 * where it was delivered. It reads both the ledger (ledger/queries/) and the delivery log
 * (outbox/delivery-queries.ts), which do not import each other; this view sits above both.
 * Shared by the admin API (`GET /api/v1/events/:id`) and `ipnhub events show`.
 */
import type { Kysely } from 'kysely';
import type { CanonicalEvent } from '../core/events.js';
import type { Database } from '../db/schema.js';
import { parsePayload } from '../ledger/queries/events-query.js';
import { ledgerEffects } from '../ledger/queries/ledger-effects-query.js';
import type { LedgerEffects } from '../ledger/queries/ledger-effects-query.js';
import { deliveriesForEvent } from '../outbox/delivery-queries.js';
import type { DeliveryListItem } from '../outbox/delivery-queries.js';

/** The canonical event as stored, plus where it came from, what it changed in the ledger and where it went. */
export interface EventDetail extends CanonicalEvent {
  inboundRequestId: string;
  dedupKey: string;
  deliveries: DeliveryListItem[];
  ledger: LedgerEffects;
}

/** One event with its deliveries and ledger effects, or null when there is none with this id. */
export async function getEvent(db: Kysely<Database>, id: string): Promise<EventDetail | null> {
  const row = await db
    .selectFrom('events')
    .select(['id', 'inbound_request_id', 'dedup_key', 'payload'])
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) return null;
  const event = { ...parsePayload(row.payload), id: row.id };
  const [deliveries, ledger] = await Promise.all([
    deliveriesForEvent(db, row.id),
    ledgerEffects(db, event),
  ]);
  return {
    ...event,
    inboundRequestId: row.inbound_request_id,
    dedupKey: row.dedup_key,
    deliveries,
    ledger,
  };
}
