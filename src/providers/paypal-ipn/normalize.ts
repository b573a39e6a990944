/**
 * A verified classic PayPal IPN → one canonical event draft (docs/protocols/paypal.md#ipn-checks-after-verified checks,
 * docs/protocols/paypal.md#ipn-transaction-types-and-payment-statuses types and statuses, docs/protocols/paypal.md#ipn-variables variables). Pure: decoded fields and the source's config in.
 *
 * Order ids, so that everything about one purchase lands on one ledger order (the ledger
 * keys orders by source and `order.id`):
 * - subscription and recurring-profile messages, and payments or refunds that name a profile:
 *   the profile id (`subscr_id`, else `recurring_payment_id`);
 * - refunds, reversals and cancelled reversals: `parent_txn_id`, the payment they reverse;
 * - other payments: their own `txn_id` (Pending and Completed share it).
 * A refund of a subscription payment that does not repeat the subscr_id lands on the order of
 * its parent transaction, not the subscription's.
 */
import type {
  BillingType,
  EventAddress,
  EventBuyer,
  EventDraft,
  EventItem,
  EventOrder,
  EventSubscription,
  EventType,
} from '../../core/events.js';
import { parseMoney } from '../../core/money.js';
import type { Normalized } from '../provider.js';
import { checkEnvironment, checkExpectedPrices, checkReceiver } from './checks.js';
import type { CheckResult } from './checks.js';
import { carriesMoney, classifyIpn, missingEssentialField, profileIdOf } from './classify.js';
import type { IpnClassification } from './classify.js';
import type { PayPalIpnConfig } from './config.js';
import { fallbackDedupKey, lifecycleDedupKey, moneyDedupKey } from './dedup-key.js';
import { ipnLines } from './ipn-lines.js';
import type { IpnLine } from './ipn-lines.js';
import { paypalDateToDay, paypalDateToIso } from './paypal-date.js';

type Fields = Readonly<Record<string, string>>;
type Handled = Extract<IpnClassification, { kind: 'money' | 'lifecycle' }>;

/** A field's value, or null when absent or blank ("absent facts are null"). */
function get(fields: Fields, name: string): string | null {
  const value = Object.hasOwn(fields, name) ? fields[name] : undefined;
  return value === undefined || value.trim() === '' ? null : value;
}

function trimmed(fields: Fields, name: string): string | null {
  return get(fields, name)?.trim() ?? null;
}

function allNull(record: object): boolean {
  return Object.values(record).every((value) => value === null);
}

function address(fields: Fields): EventAddress | null {
  // PayPal joins a second street line to the first with a line break.
  const [street = null, ...rest] = get(fields, 'address_street')?.split(/\r?\n/) ?? [];
  const result: EventAddress = {
    street,
    street2: rest.length > 0 ? rest.join(', ') : null,
    zipcode: get(fields, 'address_zip'),
    city: get(fields, 'address_city'),
    state: get(fields, 'address_state'),
    country: trimmed(fields, 'address_country_code')?.toUpperCase() ?? null,
  };
  return allNull(result) ? null : result;
}

function buyer(fields: Fields): EventBuyer | null {
  const result: EventBuyer = {
    email: trimmed(fields, 'payer_email')?.toLowerCase() ?? null,
    firstName: get(fields, 'first_name'),
    lastName: get(fields, 'last_name'),
    company: get(fields, 'payer_business_name'),
    phone: get(fields, 'contact_phone'),
    address: address(fields),
    newsletterConsent: null,
    language: null,
  };
  return allNull(result) ? null : result;
}

/** The message's own time: when it has one that dates this fact, else null (the pipeline uses the receive time). */
function occurredAt(fields: Fields, txnType: string): string | null {
  // subscr_date is the start date on a signup and the cancellation date on a cancel; every
  // recurring-profile message repeats time_created, which dates only the creation.
  if (txnType === 'subscr_signup' || txnType === 'subscr_cancel')
    return (
      paypalDateToIso(get(fields, 'subscr_date')) ?? paypalDateToIso(get(fields, 'payment_date'))
    );
  if (txnType === 'recurring_payment_profile_created')
    return paypalDateToIso(get(fields, 'time_created'));
  return paypalDateToIso(get(fields, 'payment_date'));
}

function items(lines: readonly IpnLine[], currency: string | null, priced: boolean): EventItem[] {
  return lines.map((line) => {
    const gross = priced ? parseMoney(line.gross, currency) : null;
    return {
      productId: line.productId,
      name: line.name,
      quantity: line.quantity,
      isAddon: false,
      amount: gross === null ? null : Math.abs(gross),
    };
  });
}

/** What a subscription is after the event; `profile_status` (recurring profiles) fills in for the others. */
const STATUS_BY_TYPE: Partial<Record<EventType, string>> = {
  payment: 'active',
  subscription_started: 'active',
  rebill_cancelled: 'cancelled',
  last_paid_day: 'ended',
  payment_missed: 'suspended',
  subscription_suspended: 'suspended',
};

const STATUS_BY_PROFILE_STATUS: Readonly<Record<string, string>> = {
  active: 'active',
  cancelled: 'cancelled',
  suspended: 'suspended',
  expired: 'ended',
};

function subscription(
  fields: Fields,
  type: EventType,
  profileId: string | null,
): EventSubscription | null {
  if (profileId === null) return null;
  const profileStatus = trimmed(fields, 'profile_status')?.toLowerCase() ?? '';
  const fromProfile = Object.hasOwn(STATUS_BY_PROFILE_STATUS, profileStatus)
    ? (STATUS_BY_PROFILE_STATUS[profileStatus] ?? null)
    : null;
  return { id: profileId, status: STATUS_BY_TYPE[type] ?? fromProfile };
}

function order(
  fields: Fields,
  cls: Handled,
  orderId: string,
  profileId: string | null,
  lines: readonly IpnLine[],
): EventOrder {
  const currency =
    trimmed(fields, 'mc_currency')?.toUpperCase() ??
    trimmed(fields, 'currency_code')?.toUpperCase() ??
    null;
  // Refunds and reversals are negative on the wire; canonical amounts are positive (events.ts).
  const money = (name: string): number | null => {
    const minor = parseMoney(get(fields, name), currency);
    return minor === null ? null : Math.abs(minor);
  };
  const billingType: BillingType = profileId === null ? 'single_payment' : 'subscription';
  const priced = cls.kind === 'money' && !cls.reversal;
  return {
    id: orderId,
    transactionId: cls.kind === 'money' ? trimmed(fields, 'txn_id') : null,
    parentTransactionId: trimmed(fields, 'parent_txn_id'),
    billingType,
    // PayPal does not number subscription payments.
    paySequenceNo: billingType === 'single_payment' ? 0 : null,
    currency,
    amount: money('mc_gross'),
    vat: money('tax'),
    net: null,
    fee: money('mc_fee'),
    language: null,
    // A refund does not say what the refunded item cost, nor a lifecycle message what it sold.
    items: items(lines, currency, priced),
    invoiceUrl: null,
    receiptUrl: null,
    nextPaymentAt: paypalDateToDay(get(fields, 'next_payment_date')),
    custom: get(fields, 'custom'),
  };
}

function notAnIpn(fields: Fields): Normalized | null {
  const missing = missingEssentialField(fields);
  return missing === null
    ? null
    : { kind: 'invalid', code: 'MISSING_FIELD', reason: `${missing} is missing: not a PayPal IPN` };
}

/** The first failing check of `checks`, as the rejection it is, or null. */
function firstFailure(checks: readonly CheckResult[]): Normalized | null {
  const failed = checks.find((check) => !check.ok);
  return failed === undefined || failed.ok
    ? null
    : { kind: 'invalid', code: failed.code, reason: failed.reason };
}

/**
 * A verified message the hub has no event for. PayPal has its 200 and will not send it again,
 * so one that reports money on this source's account is held for review (and an alert goes
 * out) rather than dropped; one that does not is ignored (an unknown kind) or rejected (a
 * handled kind missing a field it needs, e.g. a subscription message without its profile).
 */
function withoutEvent(
  fields: Fields,
  cls: Extract<IpnClassification, { kind: 'unhandled' | 'incomplete' }>,
  config: PayPalIpnConfig,
): Normalized {
  if (!carriesMoney(fields)) {
    return cls.kind === 'unhandled'
      ? { kind: 'ignored', reason: cls.reason, fields: { ...fields } }
      : { kind: 'invalid', code: 'MISSING_FIELD', reason: cls.reason };
  }
  // Money on another account, or a sandbox message on a live source, is not ours to review.
  return (
    firstFailure([checkEnvironment(fields, config), checkReceiver(fields, config)]) ?? {
      kind: 'held',
      code: cls.kind === 'incomplete' ? 'MISSING_FIELD' : null,
      reason: cls.reason,
    }
  );
}

/**
 * Maps one decoded, verified IPN. Malformed messages and failed checks (docs/protocols/paypal.md#ipn-checks-after-verified:
 * TEST_MESSAGE_ON_LIVE_SOURCE, RECEIVER_MISMATCH) are `invalid`; a payment at another price
 * than configured (AMOUNT_MISMATCH) and a message reporting money the hub has no event for are
 * `held` for review; kinds that are never a buyer's payment are `ignored` and not checked.
 * `raw` keeps every field.
 */
export function normalizePayPalIpn(fields: Fields, config: PayPalIpnConfig): Normalized {
  const invalid = notAnIpn(fields);
  if (invalid !== null) return invalid;
  const cls = classifyIpn(fields);
  const raw = Object.fromEntries(Object.entries(fields));
  if (cls.kind === 'ignored') return { kind: 'ignored', reason: cls.reason, fields: raw };
  if (cls.kind === 'unhandled' || cls.kind === 'incomplete')
    return withoutEvent(fields, cls, config);

  const lines = ipnLines(fields);
  const rejected = firstFailure([checkEnvironment(fields, config), checkReceiver(fields, config)]);
  if (rejected !== null) return rejected;
  // Money arrived, only not at the price configured: a person decides, nothing is granted meanwhile.
  const price = checkExpectedPrices(fields, cls.type, lines, config);
  if (!price.ok) return { kind: 'held', code: price.code, reason: price.reason };

  const profileId = profileIdOf(fields);
  const txnId = trimmed(fields, 'txn_id');
  const parentTxnId = trimmed(fields, 'parent_txn_id');
  // classify guarantees an order: a profile id, a reversal's parent_txn_id or a payment's txn_id.
  const orderId = profileId ?? (cls.kind === 'money' && cls.reversal ? parentTxnId : txnId) ?? '';
  const dedupKey =
    cls.kind === 'money'
      ? txnId === null
        ? fallbackDedupKey(fields)
        : moneyDedupKey(txnId, cls.status)
      : lifecycleDedupKey(fields, profileId ?? '', cls.txnType);

  const event: EventDraft = {
    type: cls.type,
    occurredAt: occurredAt(fields, cls.txnType),
    test: trimmed(fields, 'test_ipn') === '1',
    order: order(fields, cls, orderId, profileId, lines),
    buyer: buyer(fields),
    affiliate: null,
    subscription: subscription(fields, cls.type, profileId),
    raw,
    dedupKey,
  };
  return { kind: 'events', events: [event] };
}
