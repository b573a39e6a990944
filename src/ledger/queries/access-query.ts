/**
 * The membership question ("may this buyer use this product right now?") and the access rows
 * behind it, shared by the admin API and the CLI. Access rows are written by the ledger
 * (apply-event.ts) following Digistore24's guidance: grant on payment, suspend on
 * payment_missed, end on last_paid_day, revoke on chargeback and on a refund of the whole
 * payment (a partial refund keeps access; the grant's `orderStatus` shows it).
 */
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import { normalizeEmail } from './normalize-email.js';

export type AccessStatus = 'active' | 'suspended' | 'ended' | 'revoked';

/** Best first: one active grant is enough for access, whatever the others say. */
const STATUS_RANK: readonly AccessStatus[] = ['active', 'suspended', 'ended', 'revoked'];

function isAccessStatus(value: string): value is AccessStatus {
  return (STATUS_RANK as readonly string[]).includes(value);
}

export interface AccessGrant {
  /** The provider's order id. */
  orderId: string;
  /** The ledger order (`ord_…`), for `GET /api/v1/orders/:id`. */
  ledgerOrderId: string;
  /** The product's name as the order's item named it; null when the provider sent none. */
  productName: string | null;
  /** The order's status: `partially_refunded` keeps access, `refunded` and `charged_back` do not. */
  orderStatus: string;
  status: AccessStatus;
  /** Next due payment (`YYYY-MM-DD`) while active; null for one-off purchases and inactive grants. */
  paidUntil: string | null;
  grantedAt: string;
  updatedAt: string;
  /** From a test purchase (Digistore24 api_mode=test, PayPal test_ipn=1). */
  test: boolean;
}

export interface AccessCheck {
  email: string;
  productId: string;
  /** True iff any grant is active. */
  hasAccess: boolean;
  /** The best status over all grants (active > suspended > ended > revoked), `none` without grants. */
  status: AccessStatus | 'none';
  /** The latest `paidUntil` of the grants with the best status; null when none has one. */
  paidUntil: string | null;
  /** One per order that sold the product to this buyer, oldest first. */
  grants: AccessGrant[];
}

/** An access row as shown with a customer or an order. */
export interface AccessRowView {
  id: string;
  customerId: string;
  productId: string;
  /** The ledger order id (`ord_…`). */
  orderId: string;
  /** The provider's order id. */
  externalOrderId: string;
  /** The product's name as the order's item named it; null when the provider sent none. */
  productName: string | null;
  status: AccessStatus;
  paidUntil: string | null;
  grantedAt: string;
  updatedAt: string;
}

function statusOf(value: string): AccessStatus {
  // The ledger writes only the four statuses; anything else would be a bug, shown as revoked
  // so it never grants access.
  return isAccessStatus(value) ? value : 'revoked';
}

/** Whether `email` (trimmed, lower-cased) has access to `productId`, with every grant behind the answer. */
export async function checkAccess(
  db: Kysely<Database>,
  query: { email: string; productId: string },
): Promise<AccessCheck> {
  const email = normalizeEmail(query.email);
  const rows = await db
    .selectFrom('access')
    .innerJoin('customers', 'customers.id', 'access.customer_id')
    .innerJoin('orders', 'orders.id', 'access.order_id')
    .leftJoin('order_items', (join) =>
      join
        .onRef('order_items.order_id', '=', 'access.order_id')
        .onRef('order_items.product_id', '=', 'access.product_id'),
    )
    .select([
      'access.id as id',
      'access.order_id as order_id',
      'order_items.name as product_name',
      'orders.external_id as order_external_id',
      'orders.status as order_status',
      'orders.test as test',
      'access.status as status',
      'access.paid_until as paid_until',
      'access.granted_at as granted_at',
      'access.updated_at as updated_at',
    ])
    .where('customers.email', '=', email)
    .where('access.product_id', '=', query.productId)
    .orderBy('access.granted_at', 'asc')
    .orderBy('access.id', 'asc')
    .execute();
  const grants: AccessGrant[] = rows.map((row) => ({
    orderId: row.order_external_id,
    ledgerOrderId: row.order_id,
    productName: row.product_name,
    orderStatus: row.order_status,
    status: statusOf(row.status),
    paidUntil: row.paid_until,
    grantedAt: row.granted_at,
    updatedAt: row.updated_at,
    test: Number(row.test) === 1,
  }));
  const best = STATUS_RANK.find((status) => grants.some((grant) => grant.status === status));
  const paidUntil = grants
    .flatMap((grant) =>
      grant.status === best && grant.paidUntil !== null ? [grant.paidUntil] : [],
    )
    .sort()
    .at(-1);
  return {
    email,
    productId: query.productId,
    hasAccess: best === 'active',
    status: best ?? 'none',
    paidUntil: paidUntil ?? null,
    grants,
  };
}

/** The access rows of one customer or one order, oldest first. */
export async function listAccessRows(
  db: Kysely<Database>,
  owner: { customerId: string } | { orderId: string },
): Promise<AccessRowView[]> {
  let query = db
    .selectFrom('access')
    .innerJoin('orders', 'orders.id', 'access.order_id')
    // One item per order and product (the table's primary key), so the join adds no rows.
    .leftJoin('order_items', (join) =>
      join
        .onRef('order_items.order_id', '=', 'access.order_id')
        .onRef('order_items.product_id', '=', 'access.product_id'),
    )
    .select([
      'access.id as id',
      'order_items.name as product_name',
      'access.customer_id as customer_id',
      'access.product_id as product_id',
      'access.order_id as order_id',
      'orders.external_id as order_external_id',
      'access.status as status',
      'access.paid_until as paid_until',
      'access.granted_at as granted_at',
      'access.updated_at as updated_at',
    ])
    .orderBy('access.id', 'asc');
  query =
    'customerId' in owner
      ? query.where('access.customer_id', '=', owner.customerId)
      : query.where('access.order_id', '=', owner.orderId);
  const rows = await query.execute();
  return rows.map((row) => ({
    id: row.id,
    customerId: row.customer_id,
    productId: row.product_id,
    orderId: row.order_id,
    externalOrderId: row.order_external_id,
    productName: row.product_name,
    status: statusOf(row.status),
    paidUntil: row.paid_until,
    grantedAt: row.granted_at,
    updatedAt: row.updated_at,
  }));
}
