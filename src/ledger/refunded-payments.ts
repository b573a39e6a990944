/**
 * Partial refunds: which payment a refund gives money back for, and whether the refunds of a
 * payment add up to all of it. Pure, over one order's transactions, so the ledger (apply-event.ts)
 * and the read side (queries/orders-query.ts) decide the same way, and a late fact (a payment
 * whose notification arrives after its refund) is taken into account the next time it is asked.
 *
 * A refund is counted against:
 * 1. the payment its provider names (`parent_external_id`: PayPal's `parent_txn_id`, a
 *    webhook's refunded capture or sale, Digistore24's `parent_transaction_id`) when that
 *    payment is recorded; when it names one that is not recorded (yet), against nothing;
 * 2. otherwise the order's latest payment of the refund's product at or before the refund, else
 *    the latest payment at or before it (a Digistore24 order pays each product with its own
 *    transaction, and a subscription refund is about the last rebill), else the latest payment.
 * A payment is fully refunded when the refunds counted against it add up to its amount (or
 * more). What cannot be compared counts as a full refund, so access is never kept by a guess:
 * a refund counted against nothing, an amount that is unknown, a currency that differs.
 */
import type { CanonicalEvent, EventOrder, EventRefund } from '../core/events.js';

export interface LedgerTransaction {
  /** The ledger's transaction id (`txn_…`). */
  id: string;
  /** 'payment' | 'refund' | 'chargeback' | 'chargeback_reversed' */
  kind: string;
  externalId: string | null;
  /** The provider's id of the transaction this one reverses, when it names one. */
  parentExternalId: string | null;
  /** The main product of the transaction (its first item), when known. */
  productId: string | null;
  /** Minor units, positive for every kind. */
  amount: number | null;
  currency: string | null;
  occurredAt: string;
}

/** The transaction an event records, before it is stored (`id` is the one it will have). */
export function ledgerTransactionOf(
  event: CanonicalEvent,
  order: EventOrder,
  id: string,
): LedgerTransaction {
  return {
    id,
    kind: event.type,
    externalId: order.transactionId,
    parentExternalId: order.parentTransactionId,
    productId: order.items[0]?.productId ?? null,
    amount: order.amount,
    currency: order.currency,
    occurredAt: event.occurredAt,
  };
}

/** A `transactions` row as the rules above read it. */
export function toLedgerTransaction(row: {
  id: string;
  kind: string;
  external_id: string | null;
  parent_external_id: string | null;
  product_id: string | null;
  amount: number | null;
  currency: string | null;
  occurred_at: string;
}): LedgerTransaction {
  return {
    id: row.id,
    kind: row.kind,
    externalId: row.external_id,
    parentExternalId: row.parent_external_id,
    productId: row.product_id,
    // PostgreSQL returns bigint columns as text.
    amount: row.amount === null ? null : Number(row.amount),
    currency: row.currency,
    occurredAt: row.occurred_at,
  };
}

function latest(transactions: readonly LedgerTransaction[]): LedgerTransaction | null {
  let best: LedgerTransaction | null = null;
  for (const t of transactions) {
    if (
      best === null ||
      t.occurredAt > best.occurredAt ||
      (t.occurredAt === best.occurredAt && t.id > best.id)
    )
      best = t;
  }
  return best;
}

/** The payment `refund` is counted against (see the module comment), or null. */
export function refundedPayment(
  refund: LedgerTransaction,
  transactions: readonly LedgerTransaction[],
): LedgerTransaction | null {
  const payments = transactions.filter((t) => t.kind === 'payment');
  if (refund.parentExternalId !== null)
    return payments.find((p) => p.externalId === refund.parentExternalId) ?? null;
  const sameProduct =
    refund.productId === null ? [] : payments.filter((p) => p.productId === refund.productId);
  const candidates = sameProduct.length > 0 ? sameProduct : payments;
  const before = candidates.filter((p) => p.occurredAt <= refund.occurredAt);
  return latest(before.length > 0 ? before : candidates);
}

export interface PaymentRefunds {
  /** Sum of the refunds counted against the payment; null when one of them has no amount. */
  refunded: number | null;
  /** The refunds add up to the payment (or cannot be compared with it). */
  full: boolean;
}

/** How much of each payment was refunded, by payment id; payments without refunds are left out. */
export function refundsByPayment(
  transactions: readonly LedgerTransaction[],
): Map<string, PaymentRefunds> {
  const byId = new Map(transactions.map((t) => [t.id, t]));
  const counted = new Map<string, LedgerTransaction[]>();
  for (const refund of transactions) {
    if (refund.kind !== 'refund') continue;
    const payment = refundedPayment(refund, transactions);
    if (payment === null) continue;
    counted.set(payment.id, [...(counted.get(payment.id) ?? []), refund]);
  }
  const result = new Map<string, PaymentRefunds>();
  for (const [paymentId, refunds] of counted) {
    const payment = byId.get(paymentId);
    if (payment === undefined) continue;
    const amounts = refunds.map((r) => r.amount);
    const refunded = amounts.every((a) => a !== null)
      ? amounts.reduce<number>((sum, a) => sum + (a ?? 0), 0)
      : null;
    const comparable =
      refunded !== null &&
      payment.amount !== null &&
      refunds.every(
        (r) => r.currency === null || payment.currency === null || r.currency === payment.currency,
      );
    result.set(paymentId, { refunded, full: !comparable || refunded >= (payment.amount ?? 0) });
  }
  return result;
}

/** What `refund`, not yet recorded, does to its payment given the order's `recorded` transactions. */
export function refundOutcome(
  refund: LedgerTransaction,
  recorded: readonly LedgerTransaction[],
): EventRefund {
  const all = [...recorded, refund];
  const payment = refundedPayment(refund, all);
  if (payment === null)
    return {
      full: true,
      paymentTransactionId: refund.parentExternalId,
      paymentAmount: null,
      refundedTotal: null,
    };
  const refunds = refundsByPayment(all).get(payment.id);
  return {
    full: refunds?.full ?? true,
    paymentTransactionId: payment.externalId,
    paymentAmount: payment.amount,
    refundedTotal: refunds?.refunded ?? null,
  };
}

/** Whether `refund` takes away what was paid: it completes its payment's refunds, or it cannot be counted against one. */
export function isFullRefund(
  refund: LedgerTransaction,
  transactions: readonly LedgerTransaction[],
): boolean {
  const payment = refundedPayment(refund, transactions);
  if (payment === null) return true;
  return refundsByPayment(transactions).get(payment.id)?.full ?? true;
}
