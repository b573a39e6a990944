/**
 * Which canonical event an IPN is (reference paypal.md §A4): money messages are decided by
 * `payment_status` (the same `txn_id` goes Pending → Completed, a refund is its own
 * transaction pointing at the payment), subscription and recurring-profile messages by
 * `txn_type` alone. What the hub does not act on is `ignored`, with the reason.
 */
import type { EventType } from '../../core/events.js';

export type IpnClassification =
  /** Money moved or was about to: has `txn_id` and `payment_status`. */
  | { kind: 'money'; type: EventType; txnType: string; status: string; /** Refund, reversal or its cancellation: `parent_txn_id` names the payment. */ reversal: boolean }
  /** A subscription or recurring-profile fact without a transaction of its own. */
  | { kind: 'lifecycle'; type: EventType; txnType: string }
  | { kind: 'ignored'; reason: string }
  /** A message of a handled kind without a field that kind needs. */
  | { kind: 'incomplete'; field: string; reason: string };

/** One-off and recurring payments into the merchant's account (§A4 table, §A3.5). */
const PAYMENT_TXN_TYPES: ReadonlySet<string> = new Set([
  'web_accept',
  'cart',
  'express_checkout',
  'send_money',
  'virtual_terminal',
  'pro_hosted',
  'paypal_here',
  'subscr_payment',
  'recurring_payment',
]);

/** §A4 payment_status. `Created` is a German ELV payment, treated as completed like Magento does. */
const STATUS_TYPES: Readonly<Record<string, { type: EventType; reversal: boolean }>> = {
  Completed: { type: 'payment', reversal: false },
  Created: { type: 'payment', reversal: false },
  Pending: { type: 'payment_pending', reversal: false },
  Denied: { type: 'payment_denied', reversal: false },
  Failed: { type: 'payment_denied', reversal: false },
  Expired: { type: 'payment_denied', reversal: false },
  Voided: { type: 'payment_denied', reversal: false },
  // Sent by PayPal's IPN simulator; django-paypal accepts it.
  Declined: { type: 'payment_denied', reversal: false },
  Refunded: { type: 'refund', reversal: true },
  Reversed: { type: 'chargeback', reversal: true },
  Canceled_Reversal: { type: 'chargeback_reversed', reversal: true },
};

/**
 * §A4 subscription and recurring-profile types. PayPal also sends `recurring_payment_*` for
 * Standard subscriptions (§A4 practice notes), so both families share one profile id space.
 */
export const LIFECYCLE_TYPES: Readonly<Record<string, EventType>> = {
  subscr_signup: 'subscription_started',
  subscr_cancel: 'rebill_cancelled',
  subscr_eot: 'last_paid_day',
  subscr_failed: 'payment_missed',
  subscr_suspended: 'subscription_suspended',
  recurring_payment_profile_created: 'subscription_started',
  recurring_payment_profile_cancel: 'rebill_cancelled',
  recurring_payment_expired: 'last_paid_day',
  recurring_payment_failed: 'payment_missed',
  recurring_payment_skipped: 'payment_missed',
  recurring_payment_suspended: 'subscription_suspended',
  recurring_payment_suspended_due_to_max_failed_payment: 'subscription_suspended',
};

/** Known types the hub records but does not turn into events. */
const IGNORED_TYPES: Readonly<Record<string, string>> = {
  new_case:
    'a buyer opened a PayPal case; there is no canonical dispute event, and money taken back arrives as its own Reversed or Refunded message',
  adjustment: 'a PayPal case was settled (adjustment); the reversal itself arrives as its own Reversed message',
  subscr_modify: 'a subscription was modified; there is no canonical event for changed terms',
  masspay: 'an outgoing Mass Pay sent by the merchant, not income',
  payout: 'a payout for a Global Shipping transaction, not a buyer payment',
  merch_pmt: 'a PayPal merchant fee or reference-transaction payment, not handled',
  mp_signup: 'a billing agreement was created; payments under it arrive as their own messages',
  mp_cancel: 'a billing agreement was cancelled; not linked to an order',
};

const MAX_QUOTED = 64;

function quote(value: string): string {
  return JSON.stringify(value.length > MAX_QUOTED ? `${value.slice(0, MAX_QUOTED)}…` : value);
}

function present(fields: Readonly<Record<string, string>>, name: string): string | null {
  const value = Object.hasOwn(fields, name) ? fields[name] : undefined;
  return value === undefined || value.trim() === '' ? null : value.trim();
}

/**
 * The field a message lacks to be an IPN at all, or null: it needs a `txn_type`, or a
 * `payment_status` with the `txn_id` it is about (refunds and reversals have no txn_type).
 * Deliberately lenient; `classify` asks for what each kind of message needs.
 */
export function missingEssentialField(fields: Readonly<Record<string, string>>): string | null {
  if (present(fields, 'txn_type') !== null) return null;
  if (present(fields, 'payment_status') === null) return 'txn_type';
  return present(fields, 'txn_id') === null ? 'txn_id' : null;
}

/** Classifies a message that passed {@link missingEssentialField}. */
export function classifyIpn(fields: Readonly<Record<string, string>>): IpnClassification {
  const txnType = present(fields, 'txn_type') ?? '';
  const status = present(fields, 'payment_status');
  const ignored = Object.hasOwn(IGNORED_TYPES, txnType) ? IGNORED_TYPES[txnType] : undefined;
  if (ignored !== undefined) return { kind: 'ignored', reason: `txn_type ${txnType}: ${ignored}` };
  const lifecycle = Object.hasOwn(LIFECYCLE_TYPES, txnType) ? LIFECYCLE_TYPES[txnType] : undefined;
  if (lifecycle !== undefined) {
    if (present(fields, 'subscr_id') === null && present(fields, 'recurring_payment_id') === null) {
      return { kind: 'incomplete', field: 'subscr_id', reason: `subscr_id or recurring_payment_id is missing for txn_type ${txnType}` };
    }
    return { kind: 'lifecycle', type: lifecycle, txnType };
  }

  const known = txnType === '' || PAYMENT_TXN_TYPES.has(txnType);
  if (!known) return { kind: 'ignored', reason: `txn_type ${quote(txnType)} is not handled` };
  if (status === null) return { kind: 'incomplete', field: 'payment_status', reason: `payment_status is missing for txn_type ${txnType}` };
  const mapped = Object.hasOwn(STATUS_TYPES, status) ? STATUS_TYPES[status] : undefined;
  if (mapped === undefined) return { kind: 'ignored', reason: `payment_status ${quote(status)} is not handled` };
  // Without txn_type only refunds, reversals and their cancellation are defined (§A4).
  if (txnType === '' && !mapped.reversal) return { kind: 'ignored', reason: `payment_status ${status} without txn_type is not handled` };
  if (present(fields, 'txn_id') === null) return { kind: 'incomplete', field: 'txn_id', reason: `txn_id is missing for payment_status ${status}` };
  if (mapped.reversal && present(fields, 'parent_txn_id') === null) {
    return { kind: 'incomplete', field: 'parent_txn_id', reason: `parent_txn_id is missing for payment_status ${status}` };
  }
  return { kind: 'money', type: mapped.type, txnType, status, reversal: mapped.reversal };
}
