/**
 * Digistore24 IPN fields → canonical event draft (docs/protocols/digistore24.md#events events, docs/protocols/digistore24.md#parameters
 * parameters, docs/protocols/digistore24.md#billing-types-rebills-and-idempotency billing and idempotency). Pure: decoded fields in, one draft out.
 */
import { emptyOrder } from '../../core/events.js';
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
import { berlinDateTimeToIso, berlinWallTimeToIso } from './berlin-time.js';

/** DS24 `event` → canonical type (docs/protocols/digistore24.md#events). Anything else is acknowledged and ignored. */
export const DIGISTORE24_EVENT_MAP = {
  on_payment: 'payment',
  on_refund: 'refund',
  on_chargeback: 'chargeback',
  on_payment_missed: 'payment_missed',
  payment_denial: 'payment_denied',
  on_rebill_cancelled: 'rebill_cancelled',
  on_rebill_resumed: 'rebill_resumed',
  last_paid_day: 'last_paid_day',
  on_affiliation: 'affiliation',
  connection_test: 'connection_test',
} as const satisfies Record<string, EventType>;

export type Digistore24Event = keyof typeof DIGISTORE24_EVENT_MAP;

const BILLING_TYPES: readonly BillingType[] = ['single_payment', 'subscription', 'installment'];

/** Longest event name quoted back in an `ignored` reason. */
const MAX_QUOTED_EVENT = 64;

type Fields = Readonly<Record<string, string>>;

function isDigistore24Event(event: string): event is Digistore24Event {
  return Object.hasOwn(DIGISTORE24_EVENT_MAP, event);
}

function isBillingType(value: string | null): value is BillingType {
  return value !== null && (BILLING_TYPES as readonly string[]).includes(value);
}

/** A field's value, or null when absent or empty ("absent facts are null"). */
function get(fields: Fields, name: string): string | null {
  const value = Object.hasOwn(fields, name) ? fields[name] : undefined;
  return value === undefined || value === '' ? null : value;
}

function first(fields: Fields, ...names: string[]): string | null {
  for (const name of names) {
    const value = get(fields, name);
    if (value !== null) return value;
  }
  return null;
}

function integer(value: string | null): number | null {
  if (value === null || !/^-?\d+$/.test(value)) return null;
  const number = Number(value);
  return Number.isSafeInteger(number) ? number : null;
}

function withoutSignature(fields: Fields): Record<string, string> {
  // Parsed fields (prototype-less) without a signature are the raw fields as they are: the
  // provider drops the signature from the fields it parsed once they are verified
  // (digistore24-provider.ts), and nothing changes an event's raw fields, so no copy.
  if (
    Object.getPrototypeOf(fields) === null &&
    !Object.hasOwn(fields, 'sha_sign') &&
    !Object.hasOwn(fields, 'SHASIGN')
  )
    return fields as Record<string, string>;
  // A prototype-less object, so even a field named __proto__ stays a plain field; one pass
  // without the entry arrays of fromEntries/filter (this runs for every notification).
  const raw = Object.create(null) as Record<string, string>;
  for (const name of Object.keys(fields)) {
    if (name !== 'sha_sign' && name !== 'SHASIGN') raw[name] = fields[name] ?? '';
  }
  return raw;
}

/**
 * The transaction's time when there is a transaction; a cancellation's `rebill_stop_noted_at`;
 * otherwise null, and the pipeline uses the receive time. `order_date_time` is deliberately not
 * used: on a missed payment or the last paid day it is the original order's date, which would
 * make the event look years older than it is.
 */
function occurredAt(fields: Fields): string | null {
  const date = get(fields, 'transaction_date');
  const time = get(fields, 'transaction_time');
  if (date !== null && time !== null) return berlinWallTimeToIso(date, time);
  const stopNoted =
    get(fields, 'event') === 'on_rebill_cancelled' ? get(fields, 'rebill_stop_noted_at') : null;
  return stopNoted === null ? null : berlinDateTimeToIso(stopNoted);
}

/**
 * docs/protocols/digistore24.md#marketing-and-consent: only `none` ("No entry") has been seen; the other values are UNCONFIRMED. Opt-out words
 * are checked first so `optout` never reads as consent.
 */
function newsletterConsent(choice: string | null): boolean | null {
  if (choice === null) return null;
  const value = choice.toLowerCase();
  if (value === 'none') return null;
  const words = value.split(/[^a-z]+/);
  if (/opt_?out/.test(value) || words.includes('no')) return false;
  if (/opt_?in/.test(value) || words.includes('yes')) return true;
  return null;
}

function address(fields: Fields): EventAddress | null {
  const streetName = get(fields, 'address_street_name');
  const streetNumber = get(fields, 'address_street_number');
  const joined = [streetName, streetNumber].filter((part) => part !== null).join(' ');
  const result: EventAddress = {
    street: get(fields, 'address_street') ?? (joined === '' ? null : joined),
    street2: get(fields, 'address_street2'),
    zipcode: get(fields, 'address_zipcode'),
    city: get(fields, 'address_city'),
    state: get(fields, 'address_state'),
    country: first(fields, 'address_country', 'country'),
  };
  return Object.values(result).every((value) => value === null) ? null : result;
}

function buyer(fields: Fields): EventBuyer | null {
  const email =
    first(fields, 'email', 'buyer_email', 'address_email')?.trim().toLowerCase() ?? null;
  const result: EventBuyer = {
    email: email === '' ? null : email,
    firstName: first(fields, 'address_first_name', 'buyer_first_name'),
    lastName: first(fields, 'address_last_name', 'buyer_last_name'),
    company: first(fields, 'address_company', 'buyer_address_company'),
    phone: first(fields, 'address_phone_no', 'address_mobile_no'),
    address: address(fields),
    newsletterConsent: newsletterConsent(get(fields, 'newsletter_choice')),
    language: get(fields, 'buyer_language'),
  };
  return Object.values(result).every((value) => value === null) ? null : result;
}

/**
 * `product_id_2…N` / `product_idN` (docs/protocols/digistore24.md#order-and-product, multi-product IPNs, UNCONFIRMED when sent). They come
 * bundled with the main product ("group by upsells"), so they are add-ons; their price is not
 * itemised.
 */
function extraItems(fields: Fields): EventItem[] {
  const numbers = new Set<number>();
  for (const name of Object.keys(fields)) {
    // The prefix first: the expression runs only for the few names that can match.
    const match = name.startsWith('product_id') ? /^product_id_?(\d+)$/.exec(name) : null;
    if (match && Number(match[1]) >= 2 && get(fields, name) !== null) numbers.add(Number(match[1]));
  }
  return [...numbers]
    .sort((a, b) => a - b)
    .map((n) => ({
      productId: first(fields, `product_id_${n}`, `product_id${n}`) ?? '',
      name: first(fields, `product_name_${n}`, `product_name${n}`),
      quantity: integer(first(fields, `quantity_${n}`, `quantity${n}`)) ?? 1,
      isAddon: true,
      amount: null,
    }));
}

function order(fields: Fields, orderId: string, refundLike: boolean): EventOrder {
  const currency = first(fields, 'currency', 'transaction_currency');
  // Canonical refunds and chargebacks carry positive amounts; DS24's sign there is UNCONFIRMED (docs/protocols/digistore24.md#money).
  const money = (value: string | null): number | null => {
    const minor = parseMoney(value, currency);
    return minor !== null && refundLike ? Math.abs(minor) : minor;
  };
  const amount = money(first(fields, 'amount', 'transaction_amount', 'amount_brutto'));
  const billingType = get(fields, 'billing_type');
  const productId = get(fields, 'product_id');
  const extras = extraItems(fields);
  const items: EventItem[] = [];
  if (productId !== null) {
    items.push({
      productId,
      name: get(fields, 'product_name'),
      quantity: integer(get(fields, 'quantity')) ?? 1,
      // upsell_no (position in the upsell funnel, 0 = main product) is the only add-on signal
      // docs/protocols/digistore24.md#order-and-product documents.
      isAddon: (integer(get(fields, 'upsell_no')) ?? 0) > 0,
      // With bundled extra items the transaction amount covers all of them, not this one.
      amount: extras.length === 0 ? amount : null,
    });
  }
  items.push(...extras);
  const nextPayment = get(fields, 'next_payment_at');
  return {
    id: orderId,
    transactionId: get(fields, 'transaction_id'),
    parentTransactionId: get(fields, 'parent_transaction_id'),
    billingType: isBillingType(billingType) ? billingType : null,
    paySequenceNo: integer(get(fields, 'pay_sequence_no')),
    currency,
    amount,
    vat: money(first(fields, 'amount_vat', 'vat_amount')),
    net: money(get(fields, 'amount_netto')),
    fee: money(get(fields, 'amount_fee')),
    language: first(fields, 'language', 'product_language'),
    items,
    invoiceUrl: get(fields, 'invoice_url'),
    receiptUrl: get(fields, 'receipt_url'),
    nextPaymentAt:
      nextPayment !== null && /^\d{4}-\d{2}-\d{2}/.test(nextPayment)
        ? nextPayment.slice(0, 10)
        : null,
    custom: get(fields, 'custom'),
  };
}

/** The event says what happened to the plan; `billing_status` (docs/protocols/digistore24.md#billing-and-subscription-state) fills in for the others. */
const STATUS_BY_TYPE: Partial<Record<EventType, string>> = {
  payment: 'active',
  rebill_resumed: 'active',
  payment_missed: 'suspended',
  rebill_cancelled: 'cancelled',
  last_paid_day: 'ended',
};

const STATUS_BY_BILLING_STATUS: Readonly<Record<string, string>> = {
  paying: 'active',
  reminding: 'suspended',
  unpaid: 'suspended',
  aborted: 'cancelled',
  completed: 'ended',
};

function subscription(fields: Fields, type: EventType, orderId: string): EventSubscription | null {
  const billingType = get(fields, 'billing_type');
  if (billingType !== 'subscription' && billingType !== 'installment') return null;
  const billingStatus = get(fields, 'billing_status');
  const fromBilling =
    billingStatus !== null && Object.hasOwn(STATUS_BY_BILLING_STATUS, billingStatus)
      ? (STATUS_BY_BILLING_STATUS[billingStatus] ?? null)
      : null;
  return { id: orderId, status: STATUS_BY_TYPE[type] ?? fromBilling };
}

function affiliate(fields: Fields): EventDraft['affiliate'] {
  const id = get(fields, 'affiliate_id');
  const name = get(fields, 'affiliate_name');
  return id === null && name === null ? null : { id, name, email: null };
}

function orderEvent(fields: Fields, event: string, type: EventType, orderId: string): EventDraft {
  const transactionId = get(fields, 'transaction_id');
  // docs/protocols/digistore24.md#billing-types-rebills-and-idempotency: (order_id, transaction_id) when DS24 names the transaction; otherwise the payment
  // number and the stop time tell repeated notifications of one order apart.
  const dedupKey =
    transactionId !== null
      ? `ds24:${orderId}:${event}:${transactionId}`
      : `ds24:${orderId}:${event}:${get(fields, 'pay_sequence_no') ?? ''}:${get(fields, 'rebill_stop_noted_at') ?? ''}`;
  return {
    type,
    occurredAt: occurredAt(fields),
    test: get(fields, 'api_mode') === 'test',
    order: order(fields, orderId, type === 'refund' || type === 'chargeback'),
    buyer: buyer(fields),
    affiliate: affiliate(fields),
    subscription: subscription(fields, type, orderId),
    raw: withoutSignature(fields),
    dedupKey,
  };
}

/**
 * docs/protocols/digistore24.md#events/docs/protocols/digistore24.md#affiliates: an affiliate was accepted for a product. There is no order, so `order.id` is
 * null; the product is put in `order.items` (so product filters work) and the affiliate's
 * contact data is the `buyer` (so e-mail/CRM connectors can add the affiliate like a contact).
 * `affiliation:<affiliate_name>:<product_id>` names the fact for deduplication only: it must
 * not reach a CRM as an order id. The ledger does not treat this as a purchase.
 */
function affiliationEvent(fields: Fields): EventDraft {
  const name = get(fields, 'affiliate_name');
  const productId = get(fields, 'product_id');
  const contact = buyer(fields);
  return {
    type: 'affiliation',
    occurredAt: null,
    test: get(fields, 'api_mode') === 'test',
    order: {
      ...emptyOrder(null),
      language: first(fields, 'language', 'product_language'),
      items:
        productId === null
          ? []
          : [
              {
                productId,
                name: get(fields, 'product_name'),
                quantity: 1,
                isAddon: false,
                amount: null,
              },
            ],
    },
    buyer: contact,
    affiliate: { id: get(fields, 'affiliate_id'), name, email: contact?.email ?? null },
    subscription: null,
    raw: withoutSignature(fields),
    dedupKey: `ds24:affiliation:${name ?? ''}:${productId ?? ''}`,
  };
}

function connectionTestEvent(fields: Fields): EventDraft {
  return {
    type: 'connection_test',
    occurredAt: null,
    test: get(fields, 'api_mode') === 'test',
    order: null,
    buyer: null,
    affiliate: null,
    subscription: null,
    raw: withoutSignature(fields),
    // A per-request key is impossible in a pure function; the pipeline handles connection tests itself.
    dedupKey: 'ds24:connection_test',
  };
}

/**
 * Maps one decoded DS24 IPN to one canonical event draft. A missing `event`, or an order event
 * without `order_id`, is `invalid` (MISSING_FIELD); an event the hub does not act on (eticket,
 * custom forms, names not in docs/protocols/digistore24.md#events) is `ignored`, which DS24 still gets `OK` for. Empty strings
 * become null; `raw` keeps every field but the signature. `dedupKey` has no source prefix.
 */
export function normalizeDigistore24(fields: Fields): Normalized {
  const event = get(fields, 'event');
  if (event === null) return { kind: 'invalid', code: 'MISSING_FIELD', reason: 'event is missing' };
  if (!isDigistore24Event(event)) {
    const quoted = event.length > MAX_QUOTED_EVENT ? `${event.slice(0, MAX_QUOTED_EVENT)}…` : event;
    return {
      kind: 'ignored',
      reason: `Digistore24 event "${quoted}" is not handled`,
      fields: withoutSignature(fields),
    };
  }
  const type = DIGISTORE24_EVENT_MAP[event];
  if (event === 'on_affiliation') return { kind: 'events', events: [affiliationEvent(fields)] };
  if (event === 'connection_test') return { kind: 'events', events: [connectionTestEvent(fields)] };
  // What is left are the eight order events (docs/protocols/digistore24.md#which-fields-come-with-which-event): they share the order payload and need its id.
  const orderId = get(fields, 'order_id');
  if (orderId === null)
    return {
      kind: 'invalid',
      code: 'MISSING_FIELD',
      reason: `order_id is missing for event ${event}`,
    };
  return { kind: 'events', events: [orderEvent(fields, event, type, orderId)] };
}
