/**
 * Reading the mails of Digistore24 sales (platform-sale-mails.ts), shared by the admin API and
 * the CLI: newest first with cursor paging, filtered like the documents (seller profile,
 * source, period, buyer e-mail), each with to whom it went, the sale it is about, the
 * Digistore24 invoice and receipt links it carries, and how sending went.
 */
import type { Kysely } from 'kysely';
import type { CanonicalEvent } from '../core/events.js';
import type { Database } from '../db/schema.js';
import { normalizeEmail } from '../ledger/queries/normalize-email.js';
import { decodeCursor, pageLimit, toPage } from '../db/page.js';
import type { Page, PageRequest } from '../db/page.js';
import { mailView } from './mail-rows.js';
import type { MailView } from './mail-rows.js';

export interface SaleMailFilters extends PageRequest {
  profileId?: string | undefined;
  sourceId?: string | undefined;
  /** ISO 8601 UTC; queued at or after. */
  from?: string | undefined;
  /** ISO 8601 UTC; queued before. */
  to?: string | undefined;
  /** The buyer's e-mail (the sale's, also for the seller's mail about it). */
  email?: string | undefined;
}

export interface SaleMailView extends MailView {
  eventId: string;
  profileId: string;
  sourceId: string | null;
  orderId: string | null;
  transactionId: string | null;
  buyerEmail: string | null;
  amount: number | null;
  currency: string | null;
  /** Digistore24's links from the IPN as the mail carries them; null when the IPN had none. */
  invoiceUrl: string | null;
  receiptUrl: string | null;
}

const link = (url: string | null | undefined): string | null =>
  url === undefined || url === null || url.trim() === '' ? null : url;

export async function listSaleMails(
  db: Kysely<Database>,
  filters: SaleMailFilters = {},
): Promise<Page<SaleMailView>> {
  const limit = pageLimit(filters.limit);
  let query = db
    .selectFrom('platform_sale_mails as m')
    .leftJoin('events as e', 'e.id', 'm.event_id')
    .select([
      'm.id',
      'm.event_id',
      'm.profile_id',
      'm.role',
      'm.recipients',
      'm.status',
      'm.attempts',
      'm.next_attempt_at',
      'm.last_error',
      'm.subject',
      'm.message_id',
      'm.sent_at',
      'm.created_at',
    ])
    .select(['e.source_id', 'e.payload'])
    .orderBy('m.id', 'desc')
    .limit(limit + 1);
  if (filters.cursor !== undefined)
    query = query.where('m.id', '<', decodeCursor(filters.cursor, 'platformSaleMail'));
  if (filters.profileId !== undefined) query = query.where('m.profile_id', '=', filters.profileId);
  if (filters.sourceId !== undefined) query = query.where('e.source_id', '=', filters.sourceId);
  if (filters.from !== undefined) query = query.where('m.created_at', '>=', filters.from);
  if (filters.to !== undefined) query = query.where('m.created_at', '<', filters.to);
  if (filters.email !== undefined)
    query = query.where('e.customer_email', '=', normalizeEmail(filters.email));
  return toPage(await query.execute(), limit, (row) => {
    const event = row.payload === null ? null : (JSON.parse(row.payload) as CanonicalEvent);
    const order = event?.order ?? null;
    return {
      ...mailView(row),
      eventId: row.event_id,
      profileId: row.profile_id,
      sourceId: row.source_id,
      orderId: order?.id ?? null,
      transactionId: order?.transactionId ?? null,
      buyerEmail: event?.buyer?.email ?? null,
      amount: order?.amount ?? null,
      currency: order?.currency ?? null,
      invoiceUrl: link(order?.invoiceUrl),
      receiptUrl: link(order?.receiptUrl),
    };
  });
}
