/**
 * Read queries over subscriptions (rebilling and instalment plans), shared by the admin API
 * and the CLI. Newest first, cursor-paged.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import { decodeCursor, pageLimit, toPage } from '../../db/page.js';
import type { Page, PageRequest } from '../../db/page.js';

export interface SubscriptionFilters extends PageRequest {
  /** 'active' | 'suspended' | 'cancelled' | 'ended' | 'revoked' */
  status?: string | undefined;
}

export interface SubscriptionView {
  id: string;
  /** The ledger order id (`ord_…`). */
  orderId: string;
  /** The provider's order id. */
  externalOrderId: string;
  billingType: string | null;
  /** The highest pay sequence number seen (1 = first payment). */
  paySequenceNo: number | null;
  /** Next due payment, `YYYY-MM-DD`; null once cancelled or ended. */
  nextPaymentAt: string | null;
  /** The buyer or seller stopped the rebilling (access may still run to the end of the period). */
  cancelled: boolean;
  status: string;
  updatedAt: string;
}

function columns(db: Kysely<Database>) {
  return db
    .selectFrom('subscriptions')
    .innerJoin('orders', 'orders.id', 'subscriptions.order_id')
    .select([
      'subscriptions.id as id',
      'subscriptions.order_id as order_id',
      'orders.external_id as order_external_id',
      'subscriptions.billing_type as billing_type',
      'subscriptions.pay_sequence_no as pay_sequence_no',
      'subscriptions.next_payment_at as next_payment_at',
      'subscriptions.cancelled as cancelled',
      'subscriptions.status as status',
      'subscriptions.updated_at as updated_at',
    ]);
}

type Row = Awaited<ReturnType<ReturnType<typeof columns>['executeTakeFirstOrThrow']>>;

function toView(row: Row): SubscriptionView {
  return {
    id: row.id,
    orderId: row.order_id,
    externalOrderId: row.order_external_id,
    billingType: row.billing_type,
    paySequenceNo: row.pay_sequence_no === null ? null : Number(row.pay_sequence_no),
    nextPaymentAt: row.next_payment_at,
    cancelled: Number(row.cancelled) === 1,
    status: row.status,
    updatedAt: row.updated_at,
  };
}

/** Subscriptions newest first; a bad cursor → `IpnhubError('INVALID_CURSOR')`. */
export async function listSubscriptions(
  db: Kysely<Database>,
  filters: SubscriptionFilters = {},
): Promise<Page<SubscriptionView>> {
  const limit = pageLimit(filters.limit);
  let query = columns(db)
    .orderBy('subscriptions.id', 'desc')
    .limit(limit + 1);
  if (filters.cursor !== undefined)
    query = query.where('subscriptions.id', '<', decodeCursor(filters.cursor, 'subscription'));
  if (filters.status !== undefined)
    query = query.where('subscriptions.status', '=', filters.status);
  return toPage(await query.execute(), limit, toView);
}

/** The subscription of one ledger order, or null for single payments. */
export async function subscriptionForOrder(
  db: Kysely<Database>,
  orderId: string,
): Promise<SubscriptionView | null> {
  const row = await columns(db).where('subscriptions.order_id', '=', orderId).executeTakeFirst();
  return row ? toView(row) : null;
}
