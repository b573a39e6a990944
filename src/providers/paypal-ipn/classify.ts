/**
 * Which canonical event an IPN is (docs/protocols/paypal.md#ipn-transaction-types-and-payment-statuses): money messages are decided by
 * `payment_status` (the same `txn_id` goes Pending → Completed, a refund is its own
 * transaction pointing at the payment), subscription and recurring-profile messages by
 * `txn_type` alone. What is never a buyer's payment is `ignored`; what the hub has no event for
 * is `unhandled` (held for review when it carries money), both with the reason.
 */
import type { EventType } from '../../core/events.js';
import { parseMoney } from '../../core/money.js';
import { quote } from '../../lib/quote.js';
import { trimmedField } from './ipn-fields.js';

export type IpnClassification =
  /** Money moved or was about to (a payment, its states, a refund or reversal). */
  | {
      kind: 'money';
      type: EventType;
      txnType: string;
      status: string /** Refund, reversal or its cancellation: `parent_txn_id` names the payment. */;
      reversal: boolean;
    }
  /** A subscription or recurring-profile fact without a transaction of its own. */
  | { kind: 'lifecycle'; type: EventType; txnType: string }
  /** A kind of message that is never a buyer's payment (a case opened, an outgoing mass payment, …). */
  | { kind: 'ignored'; reason: string }
  /** A kind the hub has no event for (an unknown txn_type or payment_status, a case settlement). */
  | { kind: 'unhandled'; reason: string }
  /** A message of a handled kind without a field that kind needs. */
  | { kind: 'incomplete'; field: string; reason: string };

/** One-off and recurring payments into the merchant's account (docs/protocols/paypal.md#ipn-transaction-types-and-payment-statuses table, docs/protocols/paypal.md#ipn-checks-after-verified). */
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

/** docs/protocols/paypal.md#ipn-transaction-types-and-payment-statuses payment_status. `Created` is a German ELV payment, treated as completed like Magento does. */
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
 * docs/protocols/paypal.md#ipn-transaction-types-and-payment-statuses subscription and recurring-profile types. PayPal also sends `recurring_payment_*` for
 * Standard subscriptions (docs/protocols/paypal.md#ipn-transaction-types-and-payment-statuses practice notes), so both families share one profile id space.
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

/** Known types that are never a buyer's payment: recorded, not turned into events, never held. */
const IGNORED_TYPES: Readonly<Record<string, string>> = {
  new_case:
    'a buyer opened a PayPal case; there is no canonical dispute event, and money taken back arrives as its own Reversed or Refunded message',
  subscr_modify: 'a subscription was modified; there is no canonical event for changed terms',
  masspay: 'an outgoing Mass Pay sent by the merchant, not income',
  payout: 'a payout for a Global Shipping transaction, not a buyer payment',
  merch_pmt: 'a PayPal merchant fee or reference-transaction payment, not handled',
  mp_signup: 'a billing agreement was created; payments under it arrive as their own messages',
  mp_cancel: 'a billing agreement was cancelled; not linked to an order',
};

/**
 * Known types that may move money the hub has no event for: a settled case can be a
 * chargeback, a reversal or a refund, and only `reason_code` says which (docs/protocols/paypal.md#ipn-transaction-types-and-payment-statuses). Held for review
 * when they carry money.
 */
const UNHANDLED_TYPES: Readonly<Record<string, string>> = {
  adjustment:
    'a PayPal case was settled (adjustment); whether money went to the buyer or back to you depends on its reason_code',
};

/** docs/protocols/paypal.md#ipn-transaction-types-and-payment-statuses: statuses that mean money was added to or taken from the account. */
const MONEY_MOVED: ReadonlySet<string> = new Set([
  'Completed',
  'Created',
  'Refunded',
  'Reversed',
  'Canceled_Reversal',
]);

/**
 * The field a message lacks to be an IPN at all, or null: it needs a `txn_type` or a
 * `payment_status`. Deliberately lenient, because a message rejected here is never verified
 * and PayPal gives up on it after its retries; `classify` asks for what each kind needs.
 */
export function missingEssentialField(fields: Readonly<Record<string, string>>): string | null {
  return trimmedField(fields, 'txn_type') === null &&
    trimmedField(fields, 'payment_status') === null
    ? 'txn_type'
    : null;
}

/**
 * Whether the message reports money: a status that means money moved (docs/protocols/paypal.md#ipn-transaction-types-and-payment-statuses), or a non-zero
 * gross. A verified message that reports money is never just ignored (see normalize.ts).
 */
export function carriesMoney(fields: Readonly<Record<string, string>>): boolean {
  const status = trimmedField(fields, 'payment_status');
  if (status !== null && MONEY_MOVED.has(status)) return true;
  return ['mc_gross', 'payment_gross'].some((name) => {
    const minor = parseMoney(trimmedField(fields, name));
    return minor !== null && minor !== 0;
  });
}

/**
 * Without a txn_type, PayPal sends refunds, reversals and their cancellation (docs/protocols/paypal.md#ipn-transaction-types-and-payment-statuses), but a
 * payment state without txn_type has been seen too. It is taken as a payment only when it looks
 * like one: no parent transaction and no negative gross (money leaving would otherwise become
 * a "payment" with a positive amount).
 */
function looksLikeIncomingPayment(fields: Readonly<Record<string, string>>): boolean {
  const gross = parseMoney(trimmedField(fields, 'mc_gross'));
  return trimmedField(fields, 'parent_txn_id') === null && (gross === null || gross >= 0);
}

/** Classifies a message that passed {@link missingEssentialField}. */
export function classifyIpn(fields: Readonly<Record<string, string>>): IpnClassification {
  const txnType = trimmedField(fields, 'txn_type') ?? '';
  const status = trimmedField(fields, 'payment_status');
  const ignored = Object.hasOwn(IGNORED_TYPES, txnType) ? IGNORED_TYPES[txnType] : undefined;
  if (ignored !== undefined) return { kind: 'ignored', reason: `txn_type ${txnType}: ${ignored}` };
  const unhandled = Object.hasOwn(UNHANDLED_TYPES, txnType) ? UNHANDLED_TYPES[txnType] : undefined;
  if (unhandled !== undefined)
    return { kind: 'unhandled', reason: `txn_type ${txnType}: ${unhandled}` };
  const lifecycle = Object.hasOwn(LIFECYCLE_TYPES, txnType) ? LIFECYCLE_TYPES[txnType] : undefined;
  if (lifecycle !== undefined) {
    if (profileIdOf(fields) === null) {
      return {
        kind: 'incomplete',
        field: 'subscr_id',
        reason: `subscr_id or recurring_payment_id is missing for txn_type ${txnType}`,
      };
    }
    return { kind: 'lifecycle', type: lifecycle, txnType };
  }

  const known = txnType === '' || PAYMENT_TXN_TYPES.has(txnType);
  if (!known) return { kind: 'unhandled', reason: `txn_type ${quote(txnType)} is not handled` };
  if (status === null)
    return {
      kind: 'incomplete',
      field: 'payment_status',
      reason: `payment_status is missing for txn_type ${txnType}`,
    };
  const mapped = Object.hasOwn(STATUS_TYPES, status) ? STATUS_TYPES[status] : undefined;
  if (mapped === undefined)
    return { kind: 'unhandled', reason: `payment_status ${quote(status)} is not handled` };
  if (txnType === '' && !mapped.reversal && !looksLikeIncomingPayment(fields)) {
    return {
      kind: 'unhandled',
      reason: `payment_status ${status} without txn_type names a parent transaction or a negative amount; it is not a payment`,
    };
  }
  // The order a message belongs to: its subscription, else the payment a reversal reverses,
  // else the payment itself. A missing txn_id is no obstacle when the order is known
  // (dedup-key.ts has a key for that); a message naming no order cannot be recorded.
  if (profileIdOf(fields) === null) {
    if (mapped.reversal && trimmedField(fields, 'parent_txn_id') === null) {
      return {
        kind: 'incomplete',
        field: 'parent_txn_id',
        reason: `parent_txn_id is missing for payment_status ${status}`,
      };
    }
    if (!mapped.reversal && trimmedField(fields, 'txn_id') === null) {
      return {
        kind: 'incomplete',
        field: 'txn_id',
        reason: `txn_id is missing for payment_status ${status}`,
      };
    }
  }
  return { kind: 'money', type: mapped.type, txnType, status, reversal: mapped.reversal };
}

/** The subscription or recurring profile a message is about (`subscr_id`, else `recurring_payment_id`), or null. */
export function profileIdOf(fields: Readonly<Record<string, string>>): string | null {
  return trimmedField(fields, 'subscr_id') ?? trimmedField(fields, 'recurring_payment_id');
}
