/**
 * The canonical, provider-neutral event: what every provider's `normalize` produces and what
 * every connector receives. See docs/domain-model.md.
 *
 * Rules:
 * - Event types are only ever added, never renamed: connections store them in their filters.
 * - Money is integer minor units plus an ISO 4217 currency (`amount: 9700, currency: 'EUR'`),
 *   never a float. Refunds and chargebacks carry the amount as a positive number; the event
 *   type says which direction the money went.
 * - Timestamps are ISO 8601 strings in UTC (`2024-05-14T09:12:44.000Z`); dates without a time
 *   (`nextPaymentAt`) are `YYYY-MM-DD`.
 * - Absent facts are `null`, never empty strings, so mapping templates can tell them apart.
 * - `raw` keeps every field the provider sent, exactly as decoded, for field mappings.
 */

export const EVENT_TYPES = [
  'payment',
  'payment_pending',
  'payment_denied',
  'refund',
  'chargeback',
  'chargeback_reversed',
  'payment_missed',
  'subscription_started',
  'rebill_cancelled',
  'rebill_resumed',
  'subscription_suspended',
  'last_paid_day',
  'order_approved',
  'affiliation',
  'connection_test',
] as const;

export type EventType = (typeof EVENT_TYPES)[number];

export type BillingType = 'single_payment' | 'subscription' | 'installment';

export interface EventItem {
  productId: string;
  name: string | null;
  quantity: number;
  /** True when the product was bought as an add-on (order bump / upsell), not as the main product. */
  isAddon: boolean;
  /** Gross amount of this item in minor units, or null when the provider does not say. */
  amount: number | null;
}

export interface EventAddress {
  street: string | null;
  street2: string | null;
  zipcode: string | null;
  city: string | null;
  state: string | null;
  /** ISO 3166-1 alpha-2 */
  country: string | null;
}

export interface EventBuyer {
  /** Lower-cased and trimmed; the ledger's customer key. */
  email: string | null;
  firstName: string | null;
  lastName: string | null;
  company: string | null;
  phone: string | null;
  address: EventAddress | null;
  /** true = opted in, false = declined, null = not asked / unknown. */
  newsletterConsent: boolean | null;
  /** The buyer's language (ISO 639-1) when the provider says. */
  language: string | null;
}

export interface EventOrder {
  /**
   * The provider's order id; all transactions of one order share it. Null when the
   * notification is not about an order (a Digistore24 affiliation: a product, but no sale).
   */
  id: string | null;
  transactionId: string | null;
  parentTransactionId: string | null;
  billingType: BillingType | null;
  /** Number of this payment in a plan: 0 for single payments, 1.. for rebills/instalments. */
  paySequenceNo: number | null;
  currency: string | null;
  /** Gross amount of this transaction in minor units. */
  amount: number | null;
  vat: number | null;
  net: number | null;
  fee: number | null;
  /** Order language (ISO 639-1). Connection language filters match on this. */
  language: string | null;
  items: EventItem[];
  invoiceUrl: string | null;
  receiptUrl: string | null;
  /** Next due payment, `YYYY-MM-DD`. */
  nextPaymentAt: string | null;
  /** The seller's own pass-through value (`custom` on Digistore24 and PayPal). */
  custom: string | null;
}

/** An order with nothing known but its id; providers fill in what their notification says. */
export function emptyOrder(id: string | null): EventOrder {
  return {
    id,
    transactionId: null,
    parentTransactionId: null,
    billingType: null,
    paySequenceNo: null,
    currency: null,
    amount: null,
    vat: null,
    net: null,
    fee: null,
    language: null,
    items: [],
    invoiceUrl: null,
    receiptUrl: null,
    nextPaymentAt: null,
    custom: null,
  };
}

export interface EventAffiliate {
  id: string | null;
  name: string | null;
  email: string | null;
}

export interface EventSubscription {
  id: string | null;
  /** Provider status words, normalised: 'active' | 'cancelled' | 'suspended' | 'ended' | … */
  status: string | null;
}

export interface EventSource {
  id: string;
  provider: string;
  /** True for test purchases (Digistore24 `api_mode=test`, PayPal `test_ipn=1`). */
  test: boolean;
}

/** What a provider produces; the pipeline adds `id`, `receivedAt` and the source id. */
export interface EventDraft {
  type: EventType;
  /** When the provider says it happened (falls back to the receive time). */
  occurredAt: string | null;
  test: boolean;
  order: EventOrder | null;
  buyer: EventBuyer | null;
  affiliate: EventAffiliate | null;
  subscription: EventSubscription | null;
  /** Every field the provider sent, as decoded strings. */
  raw: Record<string, string>;
  /**
   * Idempotency key, unique per source. Two notifications with the same key are the same
   * fact (a provider resend); only the first one changes anything.
   */
  dedupKey: string;
}

/**
 * What a refund does to the payment it gives money back for, decided by the ledger's rules
 * (`src/ledger/refunded-payments.ts`) when the event is stored. Connectors act on a partial
 * refund differently from a full one (a goodwill refund of part of the price must not take
 * the product's tags away).
 */
export interface EventRefund {
  /** The refunds of the payment, this one included, add up to all of it (or cannot be compared with it). */
  full: boolean;
  /** The provider's id of the payment this refund is counted against, when known. */
  paymentTransactionId: string | null;
  /** That payment's amount, minor units. */
  paymentAmount: number | null;
  /** All refunds of that payment so far, this one included, minor units; null when one has no amount. */
  refundedTotal: number | null;
}

export interface CanonicalEvent {
  id: string;
  type: EventType;
  occurredAt: string;
  receivedAt: string;
  source: EventSource;
  order: EventOrder | null;
  buyer: EventBuyer | null;
  affiliate: EventAffiliate | null;
  subscription: EventSubscription | null;
  /**
   * Set on `refund` events by the ledger, null on every other type. Events stored before this
   * field existed lack it: read it as `event.refund?.full === false` for "partial".
   */
  refund: EventRefund | null;
  raw: Record<string, string>;
}
