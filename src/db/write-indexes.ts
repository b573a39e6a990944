/**
 * The conditions of the partial indexes `inbound_requests_verdict` and `events_type`
 * (migration `0017_write_indexes`): an accepted request and a payment event, what nearly every
 * notification is, get no entry in them. SQLite uses a partial index only when the query
 * carries the index's condition as one of its own terms, and PostgreSQL cannot prove a
 * parameter other than the excluded value, so a read filtering on another verdict or type adds
 * the condition with these helpers, as a literal.
 */
import { sql } from 'kysely';
import type { Expression, ExpressionBuilder, SqlBool } from 'kysely';
import type { Database, InboundVerdict } from './schema.js';

export const ACCEPTED_VERDICT = 'accepted' satisfies InboundVerdict;
export const PAYMENT_TYPE = 'payment';

/** `verdict <> 'accepted'`: the rows `inbound_requests_verdict` holds. */
export function notAccepted(
  eb: ExpressionBuilder<Database, 'inbound_requests'>,
): Expression<SqlBool> {
  return eb('verdict', '<>', sql.lit(ACCEPTED_VERDICT));
}

/** `type <> 'payment'`: the rows `events_type` holds. */
export function notPayment(eb: ExpressionBuilder<Database, 'events'>): Expression<SqlBool> {
  return eb('type', '<>', sql.lit(PAYMENT_TYPE));
}
