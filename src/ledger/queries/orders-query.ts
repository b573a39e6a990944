/**
 * Read queries over ledger orders, shared by the admin API and the CLI. Newest first by id,
 * cursor-paged; the detail carries items, transactions, the subscription and access rows.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import { listAccessRows } from './access-query.js';
import type { AccessRowView } from './access-query.js';
import { refundedPayment, refundsByPayment, toLedgerTransaction } from '../refunded-payments.js';
import { normalizeEmail } from './normalize-email.js';
import { decodeCursor, pageLimit, toPage } from '../../db/page.js';
import type { Page, PageRequest } from '../../db/page.js';
import { subscriptionForOrder } from './subscriptions-query.js';
import type { SubscriptionView } from './subscriptions-query.js';

export interface OrderFilters extends PageRequest {
  /** An order id of the provider, a transaction id of one of its payments or refunds, or the buyer's e-mail: exact (e-mail case-insensitive). */
  q?: string | undefined;
  sourceId?: string | undefined;
  /** The buyer's e-mail; compared trimmed and lower-cased. */
  email?: string | undefined;
  /** 'open' | 'pending' | 'paid' | 'denied' | 'partially_refunded' | 'refunded' | 'charged_back' */
  status?: string | undefined;
  /** Only this customer's orders. */
  customerId?: string | undefined;
}

export interface OrderListItem {
  id: string;
  sourceId: string;
  provider: string;
  /** The provider's order id. */
  externalId: string;
  customerId: string | null;
  email: string | null;
  billingType: string | null;
  currency: string | null;
  status: string;
  test: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface OrderItemView {
  productId: string;
  name: string | null;
  quantity: number;
  isAddon: boolean;
  /** Minor units. */
  amount: number | null;
}

export interface TransactionView {
  id: string;
  eventId: string;
  /** The provider's transaction id. */
  externalId: string | null;
  /** The provider's id of the transaction this one reverses (a refund's payment), when it names one. */
  parentExternalId: string | null;
  /** 'payment' | 'refund' | 'chargeback' | 'chargeback_reversed' */
  kind: string;
  /** Minor units, positive for every kind. */
  amount: number | null;
  currency: string | null;
  paySequenceNo: number | null;
  occurredAt: string;
  /** Refunds: the payment (`txn_…`) the refund is counted against; null when none is recorded, and for other kinds. */
  refundOf: string | null;
  /** Payments: the refunds counted against it in minor units (0 without refunds; null when one has no amount); null for other kinds. */
  refundedAmount: number | null;
  /** Payments: the refunds add up to the payment. False for other kinds. */
  fullyRefunded: boolean;
}

/** One event of an order's timeline. */
export interface OrderTimelineEntry {
  id: string;
  type: string;
  occurredAt: string;
  receivedAt: string;
  test: boolean;
}

export interface OrderDetail extends OrderListItem {
  /** Sum of the payments in the order's currency (minor units); null when none has an amount. */
  paidAmount: number | null;
  /** Sum of the refunds in the order's currency (minor units); null when none has an amount. */
  refundedAmount: number | null;
  items: OrderItemView[];
  /** Oldest first. */
  transactions: TransactionView[];
  subscription: SubscriptionView | null;
  access: AccessRowView[];
  /** Every event of the order (payments, rebills, missed payments, cancellations, refunds, chargebacks), in receive order. */
  events: OrderTimelineEntry[];
}

function columns(db: Kysely<Database>) {
  return db
    .selectFrom('orders')
    .leftJoin('customers', 'customers.id', 'orders.customer_id')
    .select([
      'orders.id as id',
      'orders.source_id as source_id',
      'orders.provider as provider',
      'orders.external_id as external_id',
      'orders.customer_id as customer_id',
      'customers.email as email',
      'orders.billing_type as billing_type',
      'orders.currency as currency',
      'orders.status as status',
      'orders.test as test',
      'orders.created_at as created_at',
      'orders.updated_at as updated_at',
    ]);
}

type Row = Awaited<ReturnType<ReturnType<typeof columns>['executeTakeFirstOrThrow']>>;

function toListItem(row: Row): OrderListItem {
  return {
    id: row.id,
    sourceId: row.source_id,
    provider: row.provider,
    externalId: row.external_id,
    customerId: row.customer_id,
    email: row.email,
    billingType: row.billing_type,
    currency: row.currency,
    status: row.status,
    test: Number(row.test) === 1,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function numberOrNull(value: number | null): number | null {
  return value === null ? null : Number(value);
}

/** Orders newest first; a bad cursor → `IpnhubError('INVALID_CURSOR')`. */
export async function listOrders(
  db: Kysely<Database>,
  filters: OrderFilters = {},
): Promise<Page<OrderListItem>> {
  const limit = pageLimit(filters.limit);
  let query = columns(db)
    .orderBy('orders.id', 'desc')
    .limit(limit + 1);
  if (filters.cursor !== undefined)
    query = query.where('orders.id', '<', decodeCursor(filters.cursor, 'order'));
  if (filters.q !== undefined) {
    const q = filters.q.trim();
    // One set of matching ids, each part an indexed lookup; no OR, which PostgreSQL would
    // answer by reading every order.
    const matches = db
      .selectFrom('orders')
      .select('orders.id')
      .where('orders.external_id', '=', q)
      .union(
        db
          .selectFrom('transactions')
          .select('transactions.order_id as id')
          .where('transactions.external_id', '=', q),
      )
      .union(
        db
          .selectFrom('orders')
          .innerJoin('customers', 'customers.id', 'orders.customer_id')
          .select('orders.id')
          .where('customers.email', '=', normalizeEmail(q)),
      );
    query = query.where('orders.id', 'in', matches);
  }
  if (filters.sourceId !== undefined)
    query = query.where('orders.source_id', '=', filters.sourceId);
  if (filters.email !== undefined)
    query = query.where('customers.email', '=', normalizeEmail(filters.email));
  if (filters.status !== undefined) query = query.where('orders.status', '=', filters.status);
  if (filters.customerId !== undefined)
    query = query.where('orders.customer_id', '=', filters.customerId);
  return toPage(await query.execute(), limit, toListItem);
}

/** One order with items, transactions, subscription and access, or null when there is none with this id. */
export async function getOrder(db: Kysely<Database>, id: string): Promise<OrderDetail | null> {
  const row = await columns(db).where('orders.id', '=', id).executeTakeFirst();
  if (!row) return null;
  const [items, rows, subscription, access, events] = await Promise.all([
    db
      .selectFrom('order_items')
      .selectAll()
      .where('order_id', '=', id)
      .orderBy('product_id', 'asc')
      .execute(),
    db
      .selectFrom('transactions')
      .selectAll()
      .where('order_id', '=', id)
      .orderBy('occurred_at', 'asc')
      .orderBy('id', 'asc')
      .execute(),
    subscriptionForOrder(db, id),
    listAccessRows(db, { orderId: id }),
    db
      .selectFrom('events')
      .select(['id', 'type', 'occurred_at', 'received_at', 'test'])
      .where('order_ref', '=', row.external_id)
      .where('source_id', '=', row.source_id)
      .orderBy('id', 'asc')
      .execute(),
  ]);
  const pairs = rows.map((t) => ({ t, ledger: toLedgerTransaction(t) }));
  const transactions = pairs.map((pair) => pair.ledger);
  const refunds = refundsByPayment(transactions);
  const inOrderCurrency = (kind: string) =>
    transactions.filter(
      (t) =>
        t.kind === kind &&
        t.amount !== null &&
        (t.currency === null || row.currency === null || t.currency === row.currency),
    );
  const total = (kind: string): number | null => {
    const counted = inOrderCurrency(kind);
    return counted.length === 0 ? null : counted.reduce((sum, t) => sum + (t.amount ?? 0), 0);
  };
  return {
    ...toListItem(row),
    paidAmount: total('payment'),
    refundedAmount: total('refund'),
    items: items.map((item) => ({
      productId: item.product_id,
      name: item.name,
      quantity: Number(item.quantity),
      isAddon: Number(item.is_addon) === 1,
      amount: numberOrNull(item.amount),
    })),
    transactions: pairs.map(({ t, ledger }) => {
      const refunded =
        t.kind === 'payment' ? (refunds.get(t.id) ?? { refunded: 0, full: false }) : null;
      return {
        id: t.id,
        eventId: t.event_id,
        externalId: t.external_id,
        parentExternalId: t.parent_external_id,
        kind: t.kind,
        amount: ledger.amount,
        currency: t.currency,
        paySequenceNo: numberOrNull(t.pay_sequence_no),
        occurredAt: t.occurred_at,
        refundOf: t.kind === 'refund' ? (refundedPayment(ledger, transactions)?.id ?? null) : null,
        refundedAmount: refunded?.refunded ?? null,
        fullyRefunded: refunded?.full ?? false,
      };
    }),
    subscription,
    access,
    events: events.map((event) => ({
      id: event.id,
      type: event.type,
      occurredAt: event.occurred_at,
      receivedAt: event.received_at,
      test: Number(event.test) === 1,
    })),
  };
}
