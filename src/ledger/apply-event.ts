/**
 * Applies one new (non-duplicate) canonical event to the ledger: customers, orders, items,
 * transactions, subscriptions and access. Runs inside the ingest transaction, after the
 * event row was inserted, so a duplicate never gets here.
 *
 * Access follows Digistore24's guidance (its IPN documentation on order events): grant on
 * payment, suspend on payment_missed, end on last_paid_day, revoke on chargeback and on a
 * refund that gives back the whole payment; rebill_cancelled and rebill_resumed change the
 * subscription, never access. A refund of part of a payment is recorded (the order is
 * `partially_refunded`) and changes no access until the refunds add up to the payment
 * (refunded-payments.ts decides which payment a refund is counted against). Providers do not
 * guarantee order (a payment whose first IPN failed may arrive after its refund), so two
 * guards use the transactions already recorded: a payment does not re-grant access that a
 * chargeback or a full refund of the same order revoked at or after the payment's time (nor
 * one whose own refunds already add up to it), and a missed payment does not suspend access
 * when the payment it reports missing (same or later pay sequence number) has already arrived.
 */
import { sql } from 'kysely';
import type { Insertable, Kysely } from 'kysely';
import type { CanonicalEvent, EventType } from '../core/events.js';
import { newId } from '../core/ids.js';
import { runTemplate } from '../db/query-template.js';
import type { QueryTemplate } from '../db/query-template.js';
import type {
  AccessTable,
  CustomersTable,
  Database,
  OrderItemsTable,
  OrdersTable,
  TransactionsTable,
} from '../db/schema.js';
import {
  isFullRefund,
  ledgerTransactionOf,
  refundsByPayment,
  toLedgerTransaction,
} from './refunded-payments.js';
import type { LedgerTransaction } from './refunded-payments.js';

type AccessStatus = 'active' | 'suspended' | 'ended' | 'revoked';

const ACCESS_EFFECT: Partial<Record<EventType, AccessStatus>> = {
  payment: 'active',
  chargeback_reversed: 'active',
  payment_missed: 'suspended',
  subscription_suspended: 'suspended',
  last_paid_day: 'ended',
  refund: 'revoked',
  chargeback: 'revoked',
};

/** Effects that may create an access row; the others only change existing rows. */
const CREATES_ACCESS: ReadonlySet<AccessStatus> = new Set(['active', 'revoked']);

/** The order status an event sets; payments and refunds are decided against the recorded transactions (`orderStatusAfter`). */
const ORDER_STATUS: Partial<Record<EventType, string>> = {
  payment: 'paid',
  chargeback_reversed: 'paid',
  refund: 'refunded',
  chargeback: 'charged_back',
  payment_pending: 'pending',
  payment_denied: 'denied',
};

/** Statuses that say money went back: a payment on such an order is checked against the refunds and chargebacks. */
const MONEY_RETURNED: ReadonlySet<string> = new Set([
  'refunded',
  'partially_refunded',
  'charged_back',
]);

const TRANSACTION_KINDS: ReadonlySet<EventType> = new Set([
  'payment',
  'refund',
  'chargeback',
  'chargeback_reversed',
]);

// The statements every notification runs, as templates (src/db/query-template.ts).
const UPSERT_CUSTOMER: QueryTemplate<Insertable<CustomersTable>, { id: string }> = {
  key: 'ledger:upsert-customer',
  build: (db, values) =>
    db
      .insertInto('customers')
      .values(values)
      .onConflict((oc) =>
        oc.column('email').doUpdateSet((eb) => ({
          // Keep what we knew when a later notification leaves a field empty.
          first_name: eb.fn.coalesce('excluded.first_name', 'customers.first_name'),
          last_name: eb.fn.coalesce('excluded.last_name', 'customers.last_name'),
          company: eb.fn.coalesce('excluded.company', 'customers.company'),
          phone: eb.fn.coalesce('excluded.phone', 'customers.phone'),
          address: eb.fn.coalesce('excluded.address', 'customers.address'),
          updated_at: sql<string>`excluded.updated_at`,
        })),
      )
      .returning('id'),
};

/**
 * The order upsert. A new order gets the event's status; an existing one keeps its status here
 * (returned as it was), because whether a payment or a refund changes it depends on the
 * transactions recorded (`orderStatusAfter`).
 */
const UPSERT_ORDER: QueryTemplate<
  Insertable<OrdersTable>,
  { id: string; customer_id: string | null; status: string }
> = {
  key: 'ledger:upsert-order',
  build: (db, values) =>
    db
      .insertInto('orders')
      .values(values)
      .onConflict((oc) =>
        oc.columns(['source_id', 'external_id']).doUpdateSet((eb) => ({
          customer_id: eb.fn.coalesce('orders.customer_id', 'excluded.customer_id'),
          billing_type: eb.fn.coalesce('excluded.billing_type', 'orders.billing_type'),
          currency: eb.fn.coalesce('orders.currency', 'excluded.currency'),
          updated_at: sql<string>`excluded.updated_at`,
        })),
      )
      .returning(['id', 'customer_id', 'status']),
};

const UPSERT_ORDER_ITEM: QueryTemplate<Insertable<OrderItemsTable>, never> = {
  key: 'ledger:upsert-order-item',
  build: (db, values) =>
    db
      .insertInto('order_items')
      .values(values)
      .onConflict((oc) =>
        oc
          .columns(['order_id', 'product_id'])
          .doUpdateSet((eb) => ({ name: eb.fn.coalesce('excluded.name', 'order_items.name') })),
      ),
};

const INSERT_TRANSACTION: QueryTemplate<Insertable<TransactionsTable>, never> = {
  key: 'ledger:insert-transaction',
  build: (db, values) => db.insertInto('transactions').values(values),
};

const INSERT_ACCESS: QueryTemplate<Insertable<AccessTable>, never> = {
  key: 'ledger:insert-access',
  build: (db, values) => db.insertInto('access').values(values),
};

export async function applyToLedger(
  trx: Kysely<Database>,
  event: CanonicalEvent,
  now: string,
): Promise<void> {
  // An affiliation is about a partner, not a purchase: nothing for the buyer ledger.
  if (event.type === 'affiliation') return;
  const customerId = await upsertCustomer(trx, event, now);
  const order = event.order;
  if (!order || order.id === null) return;

  // A renewal or refund that does not name the buyer (PayPal webhooks) is the order's buyer's.
  const placed = await upsertOrder(trx, event, order.id, customerId, now);
  const { id: orderId, created } = placed;
  for (const item of itemRows(orderId, order)) await runTemplate(trx, UPSERT_ORDER_ITEM, item);

  let transaction: LedgerTransaction | null = null;
  if (TRANSACTION_KINDS.has(event.type)) {
    transaction = ledgerTransactionOf(event, order, newId('transaction'));
    await runTemplate(trx, INSERT_TRANSACTION, transactionRow(event, orderId, transaction));
  }

  // The order's transactions, read once and only when a decision needs them (a first payment does not).
  let recorded: Promise<LedgerTransaction[]> | null = null;
  const ledger: OrderLedger = {
    created,
    transaction,
    transactions: () =>
      (recorded ??=
        created && transaction ? Promise.resolve([transaction]) : orderTransactions(trx, orderId)),
  };

  const status = await orderStatusAfter(event, placed.status, ledger);
  if (!created && status !== placed.status)
    await trx
      .updateTable('orders')
      .set({ status, updated_at: now })
      .where('id', '=', orderId)
      .execute();

  // A partial refund leaves the subscription and access as they are.
  const revokes =
    event.type !== 'refund' ||
    (transaction !== null && isFullRefund(transaction, await ledger.transactions()));
  if (revokes && (order.billingType === 'subscription' || order.billingType === 'installment')) {
    await updateSubscription(trx, event, orderId, now, created);
  }

  const effect = revokes ? ACCESS_EFFECT[event.type] : undefined;
  const accessCustomerId = customerId ?? placed.customerId;
  if (effect && accessCustomerId) {
    // A notification without items (a PayPal refund, a subscription renewal or end of term)
    // is about the whole order: it applies to every product the order holds.
    const productIds =
      order.items.length > 0 || created
        ? order.items.map((item) => item.productId)
        : (
            await trx
              .selectFrom('order_items')
              .select('product_id')
              .where('order_id', '=', orderId)
              .execute()
          ).map((row) => row.product_id);
    for (const productId of productIds) {
      await updateAccess(
        trx,
        { customerId: accessCustomerId, orderId, productId, status: effect, event, now, ledger },
        created,
      );
    }
  }
}

/** What a decision about the order may need: whether it is new, the event's transaction, and (lazily) all its transactions. */
interface OrderLedger {
  created: boolean;
  transaction: LedgerTransaction | null;
  transactions(): Promise<LedgerTransaction[]>;
}

export async function orderTransactions(
  trx: Kysely<Database>,
  orderId: string,
): Promise<LedgerTransaction[]> {
  const rows = await trx
    .selectFrom('transactions')
    .select([
      'id',
      'kind',
      'external_id',
      'parent_external_id',
      'product_id',
      'amount',
      'currency',
      'occurred_at',
    ])
    .where('order_id', '=', orderId)
    .execute();
  return rows.map(toLedgerTransaction);
}

/**
 * The order's status after the event. A refund makes it `refunded` when it completes the
 * refunds of its payment, else `partially_refunded` (a charged-back or refunded order stays
 * so). A payment makes it `paid`, or `partially_refunded` when refunds of this very payment
 * arrived first; a payment outrun by a later chargeback or full refund leaves it as it is.
 */
async function orderStatusAfter(
  event: CanonicalEvent,
  current: string,
  ledger: OrderLedger,
): Promise<string> {
  const status = ORDER_STATUS[event.type];
  if (status === undefined) return current;
  const { transaction } = ledger;
  if (event.type === 'refund' && transaction) {
    if (isFullRefund(transaction, await ledger.transactions())) return 'refunded';
    return current === 'charged_back' || current === 'refunded' ? current : 'partially_refunded';
  }
  if (event.type === 'payment' && transaction && !ledger.created && MONEY_RETURNED.has(current)) {
    const transactions = await ledger.transactions();
    if (paymentOutrun(transaction, transactions)) return current;
    return refundsByPayment(transactions).has(transaction.id) ? 'partially_refunded' : 'paid';
  }
  return status;
}

/**
 * True when money already returned makes `payment` grant nothing: a chargeback, or a refund
 * that completed its payment's refunds, at or after the payment's time; or refunds of this
 * payment that add up to it.
 */
function paymentOutrun(
  payment: LedgerTransaction,
  transactions: readonly LedgerTransaction[],
): boolean {
  if (refundsByPayment(transactions).get(payment.id)?.full === true) return true;
  return transactions.some(
    (t) =>
      t.occurredAt >= payment.occurredAt &&
      t.id !== payment.id &&
      (t.kind === 'chargeback' || (t.kind === 'refund' && isFullRefund(t, transactions))),
  );
}

/**
 * The rows the ledger writes for an event, as values (the batch commit,
 * ingest/batch-commit.ts, writes the same rows for many events in one statement).
 */
export function customerRow(event: CanonicalEvent, now: string): Insertable<CustomersTable> | null {
  const buyer = event.buyer;
  if (!buyer?.email) return null;
  return {
    id: newId('customer'),
    email: buyer.email,
    first_name: buyer.firstName,
    last_name: buyer.lastName,
    company: buyer.company,
    phone: buyer.phone,
    address: buyer.address ? JSON.stringify(buyer.address) : null,
    created_at: now,
    updated_at: now,
  };
}

/** A new order's row; an existing order keeps its status (see `upsertOrder`). */
export function orderRow(
  event: CanonicalEvent,
  placed: { id: string; externalId: string; customerId: string | null; now: string },
): Insertable<OrdersTable> {
  const order = event.order;
  if (!order) throw new Error('upsertOrder needs an order');
  return {
    id: placed.id,
    source_id: event.source.id,
    provider: event.source.provider,
    external_id: placed.externalId,
    customer_id: placed.customerId,
    billing_type: order.billingType,
    currency: order.currency,
    status: ORDER_STATUS[event.type] ?? 'open',
    test: event.source.test ? 1 : 0,
    created_at: placed.now,
    updated_at: placed.now,
  };
}

export function itemRows(
  orderId: string,
  order: NonNullable<CanonicalEvent['order']>,
): Array<Insertable<OrderItemsTable>> {
  return order.items.map((item) => ({
    order_id: orderId,
    product_id: item.productId,
    name: item.name,
    quantity: item.quantity,
    is_addon: item.isAddon ? 1 : 0,
    amount: item.amount,
  }));
}

export function transactionRow(
  event: CanonicalEvent,
  orderId: string,
  transaction: LedgerTransaction,
): Insertable<TransactionsTable> {
  return {
    id: transaction.id,
    order_id: orderId,
    event_id: event.id,
    external_id: transaction.externalId,
    parent_external_id: transaction.parentExternalId,
    product_id: transaction.productId,
    kind: transaction.kind,
    amount: transaction.amount,
    currency: transaction.currency,
    pay_sequence_no: event.order?.paySequenceNo ?? null,
    occurred_at: transaction.occurredAt,
  };
}

async function upsertCustomer(
  trx: Kysely<Database>,
  event: CanonicalEvent,
  now: string,
): Promise<string | null> {
  const values = customerRow(event, now);
  if (!values) return null;
  const result = await runTemplate(trx, UPSERT_CUSTOMER, values);
  const row = result.rows[0];
  if (!row) throw new Error('customer upsert returned no row');
  return row.id;
}

/**
 * Inserts or updates the order. `created` is true when this call inserted it (the returned id
 * is the one it proposed), so the caller knows no subscription or access rows exist yet and
 * can skip reading them — the common case of a first payment. `status` is the order's status
 * before the event (or the event's, for a new order).
 */
async function upsertOrder(
  trx: Kysely<Database>,
  event: CanonicalEvent,
  externalId: string,
  customerId: string | null,
  now: string,
): Promise<{ id: string; created: boolean; customerId: string | null; status: string }> {
  const proposedId = newId('order');
  const result = await runTemplate(
    trx,
    UPSERT_ORDER,
    orderRow(event, { id: proposedId, externalId, customerId, now }),
  );
  const row = result.rows[0];
  if (!row) throw new Error('order upsert returned no row');
  return {
    id: row.id,
    created: row.id === proposedId,
    customerId: row.customer_id,
    status: row.status,
  };
}

async function updateSubscription(
  trx: Kysely<Database>,
  event: CanonicalEvent,
  orderId: string,
  now: string,
  orderCreated: boolean,
): Promise<void> {
  const order = event.order;
  if (!order) return;
  const existing = orderCreated
    ? undefined
    : await trx
        .selectFrom('subscriptions')
        .selectAll()
        .where('order_id', '=', orderId)
        .executeTakeFirst();
  // The subscription's sequence number is the last *paid* one; a missed payment reports the
  // number that was not paid.
  const seq =
    event.type === 'payment'
      ? Math.max(existing?.pay_sequence_no ?? 0, order.paySequenceNo ?? 0)
      : (existing?.pay_sequence_no ?? null);
  let status = existing?.status ?? 'active';
  let cancelled = existing?.cancelled ?? 0;
  let nextPaymentAt = existing?.next_payment_at ?? null;
  switch (event.type) {
    case 'payment':
      status = cancelled ? 'cancelled' : 'active';
      if ((order.paySequenceNo ?? 0) >= (existing?.pay_sequence_no ?? 0))
        nextPaymentAt = order.nextPaymentAt ?? nextPaymentAt;
      break;
    case 'payment_missed':
    case 'subscription_suspended':
      status = 'suspended';
      break;
    case 'rebill_cancelled':
      cancelled = 1;
      status = status === 'suspended' ? status : 'cancelled';
      nextPaymentAt = null;
      break;
    case 'rebill_resumed':
      cancelled = 0;
      if (status === 'cancelled') status = 'active';
      break;
    case 'last_paid_day':
      status = 'ended';
      nextPaymentAt = null;
      break;
    case 'refund':
    case 'chargeback':
      status = 'revoked';
      nextPaymentAt = null;
      break;
    default:
      break;
  }
  if (existing) {
    await trx
      .updateTable('subscriptions')
      .set({
        pay_sequence_no: seq,
        next_payment_at: nextPaymentAt,
        cancelled,
        status,
        billing_type: order.billingType ?? existing.billing_type,
        updated_at: now,
      })
      .where('id', '=', existing.id)
      .execute();
  } else {
    await trx
      .insertInto('subscriptions')
      .values({
        id: newId('subscription'),
        order_id: orderId,
        billing_type: order.billingType,
        pay_sequence_no: seq,
        next_payment_at: nextPaymentAt,
        cancelled,
        status,
        updated_at: now,
      })
      .execute();
  }
}

interface AccessChange {
  customerId: string;
  orderId: string;
  productId: string;
  status: AccessStatus;
  event: CanonicalEvent;
  now: string;
  ledger: OrderLedger;
}

async function updateAccess(
  trx: Kysely<Database>,
  change: AccessChange,
  orderCreated: boolean,
): Promise<void> {
  const { event } = change;
  const paidUntil = change.status === 'active' ? (event.order?.nextPaymentAt ?? null) : null;
  const existing = orderCreated
    ? undefined
    : await trx
        .selectFrom('access')
        .select(['id', 'status'])
        .where('order_id', '=', change.orderId)
        .where('product_id', '=', change.productId)
        .executeTakeFirst();
  if (!existing) {
    if (!CREATES_ACCESS.has(change.status)) return;
    await runTemplate(trx, INSERT_ACCESS, {
      id: newId('access'),
      customer_id: change.customerId,
      order_id: change.orderId,
      product_id: change.productId,
      status: change.status,
      paid_until: paidUntil,
      status_at: event.occurredAt,
      granted_at: change.now,
      updated_at: change.now,
    });
    return;
  }
  if (await isOutrun(trx, change, existing.status)) return;
  await trx
    .updateTable('access')
    .set({
      status: change.status,
      paid_until: change.status === 'active' ? paidUntil : null,
      status_at: event.occurredAt,
      updated_at: change.now,
    })
    .where('id', '=', existing.id)
    .execute();
}

/** True when a fact already in the ledger is newer than this event (it arrived out of order). */
async function isOutrun(
  trx: Kysely<Database>,
  change: AccessChange,
  current: string,
): Promise<boolean> {
  const { event, ledger } = change;
  if (event.type === 'payment' && current === 'revoked') {
    return (
      ledger.transaction !== null && paymentOutrun(ledger.transaction, await ledger.transactions())
    );
  }
  if (event.type === 'payment_missed') {
    const missedSeq = event.order?.paySequenceNo ?? null;
    if (missedSeq === null) return false;
    const paid = await trx
      .selectFrom('transactions')
      .select('id')
      .where('order_id', '=', change.orderId)
      .where('kind', '=', 'payment')
      .where('pay_sequence_no', '>=', missedSeq)
      .executeTakeFirst();
    return paid !== undefined;
  }
  return false;
}
