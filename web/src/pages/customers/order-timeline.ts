/**
 * An order's timeline: its events in the order received (payments, rebills, missed payments,
 * cancellations, refunds, chargebacks), each with the money of the transaction it recorded —
 * for a refund the payment it is counted against and whether it refunded all of it.
 */
import type { AnswerOf } from '../../api/types.js';

export type OrderDetail = AnswerOf<'getOrder', 200>;
export type Transaction = OrderDetail['transactions'][number];

export interface RefundFacts {
  /** The payment the refund is counted against, when it is recorded. */
  payment: Transaction | null;
  /** The refunds counted against that payment up to this one add up to it (or cannot be compared). */
  full: boolean;
  /** Those refunds' sum in minor units (the payment's currency); null when it cannot be told. */
  refundedSoFar: number | null;
}

export interface TimelineEntry {
  eventId: string;
  type: string;
  occurredAt: string;
  receivedAt: string;
  test: boolean;
  transaction: Transaction | null;
  refund: RefundFacts | null;
}

/**
 * Whether the refunds up to `refund` refunded its payment in full — the ledger's rule
 * (docs/architecture.md, "Partial refunds"), applied as of this refund: what cannot be compared
 * (no recorded payment, an unknown amount, another currency) counts as full.
 */
export function refundFacts(
  refund: Transaction,
  transactions: readonly Transaction[],
): RefundFacts {
  const payment = transactions.find((t) => t.id === refund.refundOf) ?? null;
  if (payment === null || payment.amount === null)
    return { payment, full: true, refundedSoFar: null };
  const upToThis = transactions
    .slice(0, transactions.indexOf(refund) + 1)
    .filter((t) => t.kind === 'refund' && t.refundOf === payment.id);
  const comparable = upToThis.every(
    (t) =>
      t.amount !== null &&
      (t.currency === null || payment.currency === null || t.currency === payment.currency),
  );
  if (!comparable) return { payment, full: true, refundedSoFar: null };
  const refundedSoFar = upToThis.reduce((sum, t) => sum + (t.amount ?? 0), 0);
  return { payment, full: refundedSoFar >= payment.amount, refundedSoFar };
}

export function orderTimeline(order: OrderDetail): TimelineEntry[] {
  const byEvent = new Map(order.transactions.map((t) => [t.eventId, t]));
  const entry = (
    eventId: string,
    type: string,
    occurredAt: string,
    receivedAt: string,
    test: boolean,
  ): TimelineEntry => {
    const transaction = byEvent.get(eventId) ?? null;
    return {
      eventId,
      type,
      occurredAt,
      receivedAt,
      test,
      transaction,
      refund: transaction?.kind === 'refund' ? refundFacts(transaction, order.transactions) : null,
    };
  };
  const entries = order.events.map((event) =>
    entry(event.id, event.type, event.occurredAt, event.receivedAt, event.test),
  );
  // A transaction whose event is listed under another order (a refund moved to the order it names) still belongs here.
  const listed = new Set(order.events.map((event) => event.id));
  for (const t of order.transactions) {
    if (!listed.has(t.eventId))
      entries.push(entry(t.eventId, t.kind, t.occurredAt, t.occurredAt, order.test));
  }
  return entries.sort((a, b) =>
    a.receivedAt < b.receivedAt
      ? -1
      : a.receivedAt > b.receivedAt
        ? 1
        : a.eventId < b.eventId
          ? -1
          : 1,
  );
}
