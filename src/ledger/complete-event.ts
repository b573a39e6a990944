/**
 * Completes an event from what the ledger already knows, before it is stored, so the stored
 * event, its deliveries (filters, templates, CRM writes) and the ledger agree:
 * - a refund, chargeback or reversal that names the payment it reverses
 *   (`parentTransactionId`) but not that payment's order joins that order (PayPal refunds name
 *   the refunded payment, not always the subscription it paid for);
 * - a notification about a known order without items (PayPal renewals and refunds) gets the
 *   order's items, with their amounts left out (they were the payment's, not this event's);
 * - one without the buyer's e-mail (PayPal webhook renewals and refunds) gets the order's buyer;
 * - one without a currency (a PayPal refund without `mc_currency`) gets the order's, and its
 *   amounts, read as hundredths while the currency was unknown, in that currency's minor units;
 * - a refund says whether it refunds its payment in full (`refund`), which connectors need to
 *   tell a goodwill refund of part of the price from a refund of the purchase.
 * Events that carry all of this (every Digistore24 event but a refund) cost no query.
 */
import type { Kysely } from 'kysely';
import { emptyOrder } from '../core/events.js';
import type {
  CanonicalEvent,
  EventBuyer,
  EventOrder,
  EventRefund,
  EventType,
} from '../core/events.js';
import { newId } from '../core/ids.js';
import { rescaleFromDefault } from '../core/money.js';
import type { Database } from '../db/schema.js';
import { orderTransactions } from './apply-event.js';
import { ledgerTransactionOf, refundOutcome } from './refunded-payments.js';

const FOLLOW_UPS: ReadonlySet<EventType> = new Set(['refund', 'chargeback', 'chargeback_reversed']);

/** The event with its order id pointing at the order its parent transaction belongs to, when that order is known under another id. */
async function resolveOrderOf(
  trx: Kysely<Database>,
  event: CanonicalEvent,
): Promise<CanonicalEvent> {
  const order = event.order;
  if (!order?.parentTransactionId || order.id === null || !FOLLOW_UPS.has(event.type)) return event;
  const parent = await trx
    .selectFrom('transactions')
    .innerJoin('orders', 'orders.id', 'transactions.order_id')
    .select('orders.external_id')
    .where('transactions.external_id', '=', order.parentTransactionId)
    .where('orders.source_id', '=', event.source.id)
    .limit(1)
    .executeTakeFirst();
  if (!parent || parent.external_id === order.id) return event;
  return { ...event, order: { ...order, id: parent.external_id } };
}

function addressOf(json: string | null): EventBuyer['address'] {
  if (json === null) return null;
  try {
    return JSON.parse(json) as EventBuyer['address'];
  } catch {
    return null;
  }
}

/** `order` in `currency`, which it did not name: its amounts were read as hundredths (core/money.ts). */
function inCurrency(order: EventOrder, currency: string): EventOrder {
  const rescale = (minor: number | null): number | null =>
    minor === null ? null : rescaleFromDefault(minor, currency);
  return {
    ...order,
    currency,
    amount: rescale(order.amount),
    vat: rescale(order.vat),
    net: rescale(order.net),
    fee: rescale(order.fee),
    items: order.items.map((item) => ({ ...item, amount: rescale(item.amount) })),
  };
}

/**
 * A refund's effect on the payment it gives money back for (refunded-payments.ts), decided with
 * the order's transactions as recorded before it, so connectors can tell a partial refund from
 * a full one. The ledger applies the same rules to the same rows right after.
 */
async function refundOf(trx: Kysely<Database>, event: CanonicalEvent): Promise<EventRefund> {
  const order = event.order;
  const refund = ledgerTransactionOf(event, order ?? emptyOrder(null), newId('transaction'));
  const known =
    order === null || order.id === null
      ? undefined
      : await trx
          .selectFrom('orders')
          .select('id')
          .where('source_id', '=', event.source.id)
          .where('external_id', '=', order.id)
          .executeTakeFirst();
  return refundOutcome(refund, known === undefined ? [] : await orderTransactions(trx, known.id));
}

export async function completeFromLedger(
  trx: Kysely<Database>,
  event: CanonicalEvent,
): Promise<CanonicalEvent> {
  const completed = await completeOrderFacts(trx, event);
  return completed.type === 'refund'
    ? { ...completed, refund: await refundOf(trx, completed) }
    : completed;
}

async function completeOrderFacts(
  trx: Kysely<Database>,
  event: CanonicalEvent,
): Promise<CanonicalEvent> {
  const resolved = await resolveOrderOf(trx, event);
  const order = resolved.order;
  if (!order || order.id === null) return resolved;
  const needsItems = order.items.length === 0;
  const needsBuyer = !resolved.buyer?.email;
  const needsCurrency = order.currency === null;
  if (!needsItems && !needsBuyer && !needsCurrency) return resolved;
  const known = await trx
    .selectFrom('orders')
    .select(['id', 'customer_id', 'currency'])
    .where('source_id', '=', resolved.source.id)
    .where('external_id', '=', order.id)
    .executeTakeFirst();
  if (!known) return resolved;
  let completed =
    needsCurrency && known.currency !== null
      ? { ...resolved, order: inCurrency(order, known.currency) }
      : resolved;
  if (needsItems) {
    const items = await trx
      .selectFrom('order_items')
      .select(['product_id', 'name', 'quantity', 'is_addon'])
      .where('order_id', '=', known.id)
      .orderBy('product_id')
      .execute();
    if (items.length > 0) {
      completed = {
        ...completed,
        order: {
          ...(completed.order ?? order),
          items: items.map((item) => ({
            productId: item.product_id,
            name: item.name,
            quantity: item.quantity,
            isAddon: item.is_addon === 1,
            amount: null,
          })),
        },
      };
    }
  }
  if (needsBuyer && known.customer_id !== null) {
    const customer = await trx
      .selectFrom('customers')
      .selectAll()
      .where('id', '=', known.customer_id)
      .executeTakeFirst();
    if (customer) {
      const given = completed.buyer;
      completed = {
        ...completed,
        buyer: {
          email: customer.email,
          firstName: given?.firstName ?? customer.first_name,
          lastName: given?.lastName ?? customer.last_name,
          company: given?.company ?? customer.company,
          phone: given?.phone ?? customer.phone,
          address: given?.address ?? addressOf(customer.address),
          newsletterConsent: given?.newsletterConsent ?? null,
          language: given?.language ?? null,
        },
      };
    }
  }
  return completed;
}
