/**
 * What one event changed in the ledger, for the event detail: the order it belongs to (and its
 * buyer), and the transaction it recorded. Access rows are kept per order and product, not per
 * event: the order's detail shows them.
 */
import type { Kysely } from 'kysely';
import type { CanonicalEvent } from '../../core/events.js';
import type { Database } from '../../db/schema.js';

export interface LedgerEffects {
  /** The ledger order (`ord_…`) the event belongs to with its status now; null when the event is about no recorded order. */
  order: { id: string; externalId: string; status: string; customerId: string | null } | null;
  /** The transaction the event recorded (payments, refunds, chargebacks); null for other events and duplicates. */
  transaction: {
    id: string;
    kind: string;
    externalId: string | null;
    amount: number | null;
    currency: string | null;
  } | null;
}

export async function ledgerEffects(
  db: Kysely<Database>,
  event: CanonicalEvent,
): Promise<LedgerEffects> {
  const orderId = event.order?.id ?? null;
  const [order, transaction] = await Promise.all([
    orderId === null
      ? undefined
      : db
          .selectFrom('orders')
          .select(['id', 'external_id', 'status', 'customer_id'])
          .where('source_id', '=', event.source.id)
          .where('external_id', '=', orderId)
          .executeTakeFirst(),
    db
      .selectFrom('transactions')
      .select(['id', 'kind', 'external_id', 'amount', 'currency'])
      .where('event_id', '=', event.id)
      .executeTakeFirst(),
  ]);
  return {
    order: order
      ? {
          id: order.id,
          externalId: order.external_id,
          status: order.status,
          customerId: order.customer_id,
        }
      : null,
    transaction: transaction
      ? {
          id: transaction.id,
          kind: transaction.kind,
          externalId: transaction.external_id,
          // PostgreSQL returns bigint columns as text.
          amount: transaction.amount === null ? null : Number(transaction.amount),
          currency: transaction.currency,
        }
      : null,
  };
}
