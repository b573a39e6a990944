/**
 * Idempotency keys for IPNs (docs/protocols/paypal.md#ipn-duplicates). PayPal resends a message until it
 * gets a 200 and merchants resend from IPN History, so the same fact arrives several times;
 * the key names the fact, not the delivery.
 *
 * - Money messages: `pp:txn:<txn_id>:<payment_status>`. One txn_id legitimately gets several
 *   statuses (eCheck Pending → Completed), which are separate facts; the same status again is
 *   a resend (django-paypal's rule). Refunds and reversals have their own txn_id.
 * - Money messages without a txn_id (a subscription payment PayPal sent without one; it is
 *   recorded on its subscription): `pp:notxn:<hash>` over the facts the message states —
 *   txn_type, status, profile, parent transaction, gross and currency — and its time,
 *   `payment_date`. Without a `payment_date`, `ipn_track_id` stands in for the time, and
 *   without that as well, every field but `resend` (which a manual resend adds). So retries
 *   and resends of one message share the key, and two payments differ by their time.
 * - Messages without a transaction: `pp:profile:<subscr_id | recurring_payment_id>:<txn_type>:<when>`,
 *   where `<when>` dates the fact: the signup or cancellation date (`subscr_date`), the
 *   profile's creation time, each failed attempt's own `retry_at`/`payment_date` (so a second
 *   failure is a new fact). It is empty for facts that happen once per profile (end of term,
 *   profile cancelled or expired). A resend repeats these fields unchanged.
 *
 * `ipn_track_id` is used only as that last resort: PayPal documents it only as "internal", and
 * whether a retry of one message keeps it is UNCONFIRMED (docs/protocols/paypal.md#ipn-duplicates). If retries carried new ids,
 * a key built on it would let every retry through as a new fact (a duplicate, which is better
 * than a lost payment); the fields above are the same in every copy.
 */
import { createHash } from 'node:crypto';
import { trimmedField } from './ipn-fields.js';

type Fields = Readonly<Record<string, string>>;

/** The fields, in order of preference, that date a repeatable lifecycle fact. */
const WHEN_FIELDS: Readonly<Record<string, readonly string[]>> = {
  subscr_signup: ['subscr_date'],
  subscr_cancel: ['subscr_date'],
  subscr_eot: [],
  subscr_failed: ['retry_at', 'payment_date'],
  subscr_suspended: ['payment_date'],
  recurring_payment_profile_created: ['time_created'],
  recurring_payment_profile_cancel: [],
  recurring_payment_expired: [],
  recurring_payment_failed: ['payment_date', 'next_payment_date'],
  recurring_payment_skipped: ['payment_date', 'next_payment_date'],
  recurring_payment_suspended: ['payment_date', 'next_payment_date'],
  recurring_payment_suspended_due_to_max_failed_payment: ['payment_date', 'next_payment_date'],
};

/** Key of a money message: the transaction and the state it reports. */
export function moneyDedupKey(txnId: string, paymentStatus: string): string {
  return `pp:txn:${txnId}:${paymentStatus}`;
}

/** Key of a subscription or recurring-profile message without a transaction of its own. */
export function lifecycleDedupKey(fields: Fields, profileId: string, txnType: string): string {
  const names = Object.hasOwn(WHEN_FIELDS, txnType)
    ? (WHEN_FIELDS[txnType] ?? [])
    : ['payment_date'];
  let when = '';
  for (const name of names) {
    const value = trimmedField(fields, name);
    if (value !== null) {
      when = value;
      break;
    }
  }
  return `pp:profile:${profileId}:${txnType}:${when}`;
}

/** The fields that say what a money message without txn_id reports; its time is added by {@link fallbackDedupKey}. */
const FACT_FIELDS = [
  'txn_type',
  'payment_status',
  'subscr_id',
  'recurring_payment_id',
  'parent_txn_id',
  'mc_gross',
  'mc_currency',
] as const;

/** Key of a money message without `txn_id` (see the module comment). */
export function fallbackDedupKey(fields: Fields): string {
  const when =
    trimmedField(fields, 'payment_date') ??
    trimmedField(fields, 'ipn_track_id') ??
    Object.keys(fields)
      .filter((name) => name !== 'resend')
      .sort()
      .map((name) => `${name}=${fields[name] ?? ''}`)
      .join('&');
  const facts = [...FACT_FIELDS.map((name) => trimmedField(fields, name) ?? ''), when];
  return `pp:notxn:${createHash('sha256').update(JSON.stringify(facts)).digest('hex').slice(0, 32)}`;
}
