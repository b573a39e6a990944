/**
 * The body of the webhook connector's Zapier and Make presets (docs/protocols/webhooks.md#zapier-and-make-presets):
 * one flat JSON object per notification, snake_case names, no nesting and no arrays, so a
 * Zapier "Catch Hook" or a Make custom webhook offers every value as a field to map. The names
 * are a stable contract: fields are added, never renamed or removed (docs list them all).
 *
 * Money is given twice: `amount` as the decimal text a person reads ("97.00"), and
 * `amount_minor` as the integer of minor units (9700) for sums. Absent values are null, so a
 * field is always present in the sample the tool learns from.
 */
import type { CanonicalEvent } from '../../core/events.js';
import { formatMoney } from '../../core/money.js';
import { sampleEvent } from '../sample-event.js';

export type FlatValue = string | number | boolean | null;

/** Every field of the flat body, in order, with what it holds (docs/protocols/webhooks.md lists the same). */
export const FLAT_FIELDS = {
  event_id: 'ipnhub event id (evt_…), the same on every retry of this notification',
  event_type: 'payment, refund, chargeback, payment_missed, rebill_cancelled, …',
  occurred_at: 'when it happened (ISO 8601, UTC)',
  received_at: 'when ipnhub received it (ISO 8601, UTC)',
  test: 'true for test purchases',
  source_provider: 'digistore24, paypal-ipn or paypal-webhooks',
  source_id: 'the ipnhub source (src_…)',
  order_id: "the provider's order id",
  transaction_id: "the provider's transaction id of this payment, refund, …",
  parent_transaction_id: 'for a refund or chargeback: the payment it refers to',
  billing_type: 'single_payment, subscription, installment',
  pay_sequence_no: '0 for single payments, 1, 2, … for rebills and instalments',
  currency: 'ISO 4217, e.g. EUR',
  amount: 'gross amount as decimal text, e.g. "97.00"',
  amount_minor: 'gross amount in minor units (cents), e.g. 9700',
  vat: 'VAT as decimal text',
  net: 'net amount as decimal text',
  refund_full: 'for refunds: true when the whole payment was refunded, false for part of it',
  product_id: 'the first product of the order',
  product_name: 'its name',
  quantity: 'its quantity',
  product_ids: 'every product id of the order, comma-separated',
  product_names: 'every product name, comma-separated',
  order_language: 'ISO 639-1',
  next_payment_at: 'next due payment of a subscription (YYYY-MM-DD)',
  invoice_url: 'link to the invoice',
  receipt_url: 'link to the receipt',
  custom: 'your pass-through value from the order form',
  buyer_email: 'lower-cased',
  buyer_first_name: '',
  buyer_last_name: '',
  buyer_company: '',
  buyer_phone: '',
  buyer_street: '',
  buyer_street2: '',
  buyer_zipcode: '',
  buyer_city: '',
  buyer_state: '',
  buyer_country: 'ISO 3166-1 alpha-2, e.g. DE',
  buyer_language: 'ISO 639-1',
  newsletter_consent: 'true = the buyer opted in at checkout, false = declined, null = not asked',
  affiliate_id: '',
  affiliate_name: '',
  affiliate_email: '',
  subscription_id: '',
  subscription_status: 'active, cancelled, suspended, ended, …',
} as const;

export type FlatField = keyof typeof FLAT_FIELDS;

function money(
  minor: number | null | undefined,
  currency: string | null | undefined,
): string | null {
  return minor === null || minor === undefined ? null : formatMoney(minor, currency);
}

/** The flat body for `event`: every field of {@link FLAT_FIELDS}, in that order. */
export function flatBody(event: CanonicalEvent): Record<FlatField, FlatValue> {
  const order = event.order;
  const items = order?.items ?? [];
  const first = items[0];
  const buyer = event.buyer;
  const address = buyer?.address;
  const joined = (values: Array<string | null>) => {
    const present = values.filter((value): value is string => value !== null && value !== '');
    return present.length > 0 ? present.join(', ') : null;
  };
  return {
    event_id: event.id,
    event_type: event.type,
    occurred_at: event.occurredAt,
    received_at: event.receivedAt,
    test: event.source.test,
    source_provider: event.source.provider,
    source_id: event.source.id,
    order_id: order?.id ?? null,
    transaction_id: order?.transactionId ?? null,
    parent_transaction_id: order?.parentTransactionId ?? null,
    billing_type: order?.billingType ?? null,
    pay_sequence_no: order?.paySequenceNo ?? null,
    currency: order?.currency ?? null,
    amount: money(order?.amount, order?.currency),
    amount_minor: order?.amount ?? null,
    vat: money(order?.vat, order?.currency),
    net: money(order?.net, order?.currency),
    refund_full: event.type === 'refund' ? (event.refund?.full ?? null) : null,
    product_id: first?.productId ?? null,
    product_name: first?.name ?? null,
    quantity: first?.quantity ?? null,
    product_ids: joined(items.map((item) => item.productId)),
    product_names: joined(items.map((item) => item.name)),
    order_language: order?.language ?? null,
    next_payment_at: order?.nextPaymentAt ?? null,
    invoice_url: order?.invoiceUrl ?? null,
    receipt_url: order?.receiptUrl ?? null,
    custom: order?.custom ?? null,
    buyer_email: buyer?.email ?? null,
    buyer_first_name: buyer?.firstName ?? null,
    buyer_last_name: buyer?.lastName ?? null,
    buyer_company: buyer?.company ?? null,
    buyer_phone: buyer?.phone ?? null,
    buyer_street: address?.street ?? null,
    buyer_street2: address?.street2 ?? null,
    buyer_zipcode: address?.zipcode ?? null,
    buyer_city: address?.city ?? null,
    buyer_state: address?.state ?? null,
    buyer_country: address?.country ?? null,
    buyer_language: buyer?.language ?? null,
    newsletter_consent: buyer?.newsletterConsent ?? null,
    affiliate_id: event.affiliate?.id ?? null,
    affiliate_name: event.affiliate?.name ?? null,
    affiliate_email: event.affiliate?.email ?? null,
    subscription_id: event.subscription?.id ?? null,
    subscription_status: event.subscription?.status ?? null,
  };
}

/** What a catch hook is shown while it is set up: the flat body of a sample payment. */
export function flatSample(): Record<FlatField, FlatValue> {
  return flatBody(sampleEvent('payment'));
}
