/**
 * `EventOrder` from each PayPal resource (docs/protocols/paypal.md#webhook-envelope-and-event-types resource facts).
 *
 * The order key (`order.id`, the ledger's order per source) must be the same for a payment and
 * everything that later happens to it, and a refund only knows its parent transaction:
 * - captures (Orders v2): the CAPTURE id. A v2 refund names its capture (`links[rel=up]` →
 *   `/v2/payments/captures/{id}`, or `supplementary_data.related_ids.capture_id`) but never
 *   the checkout order, so keying by the checkout order id would strand every refund.
 *   The checkout order id stays in `raw["resource.supplementary_data.related_ids.order_id"]`;
 *   `CHECKOUT.ORDER.APPROVED` (no capture exists yet) is keyed by the checkout order id.
 * - sales (v1): the subscription (`billing_agreement_id`) for subscription payments, so renewals
 *   land on the subscription's order; otherwise the SALE id, which v1 refunds name (`sale_id`).
 * - subscriptions: the subscription id `I-…`.
 * - disputes: the disputed seller transaction (the capture or sale id).
 * Canonical refunds and chargebacks carry positive amounts; PayPal's v1 refunds are negative.
 * `net` is the amount without VAT (as for Digistore24), so only set where the tax is known.
 */
import { emptyOrder } from '../../core/events.js';
import type { EventItem, EventOrder, EventType } from '../../core/events.js';
import { parseMoney } from '../../core/money.js';
import type { JsonObject } from './parse-event.js';
import { firstText, isoDate, list, money, object, text } from './json-fields.js';
import type { Money } from './json-fields.js';

function positive(minor: number | null | undefined): number | null {
  return minor === null || minor === undefined ? null : Math.abs(minor);
}

function withoutVat(amount: number | null, vat: number | null): number | null {
  return amount === null || vat === null ? null : amount - vat;
}

function count(value: string | null): number | null {
  if (value === null || !/^\d+$/.test(value)) return null;
  const n = Number(value);
  return Number.isSafeInteger(n) ? n : null;
}

/** The id at the end of a link's href, e.g. `rel: up` → `/v2/payments/captures/{id}`. */
function linkedId(resource: unknown, rel: string, path: RegExp): string | null {
  for (const link of list(resource, 'links')) {
    if (text(link, 'rel') !== rel) continue;
    const match = path.exec(text(link, 'href') ?? '');
    if (match?.[1]) return match[1];
  }
  return null;
}

/** Line items of an Orders v2 purchase unit; the item amount is unit price × quantity. */
export function purchaseUnitItems(unit: unknown): EventItem[] {
  return list(unit, 'items').flatMap((item, index): EventItem[] => {
    const name = text(item, 'name');
    const productId = text(item, 'sku') ?? name ?? `item-${index + 1}`;
    const quantity = count(text(item, 'quantity')) ?? 1;
    const unitPrice = money(object(item, 'unit_amount'));
    const amount =
      unitPrice?.minor === null || unitPrice === null ? null : unitPrice.minor * quantity;
    return [
      {
        productId,
        name,
        quantity,
        isAddon: false,
        amount: amount !== null && Number.isSafeInteger(amount) ? amount : null,
      },
    ];
  });
}

/** The tax total of an Orders v2 purchase unit in minor units, or null. */
export function purchaseUnitTax(unit: unknown): number | null {
  const currency = text(unit, 'amount', 'currency_code');
  return money(object(unit, 'amount', 'breakdown', 'tax_total'), currency)?.minor ?? null;
}

export interface CaptureExtras {
  items?: EventItem[];
  vat?: number | null;
  custom?: string | null;
}

/** `PAYMENT.CAPTURE.*` capture resources, and the captures inside a completed checkout order. */
export function captureOrder(capture: JsonObject, extras: CaptureExtras = {}): EventOrder | null {
  const id = text(capture, 'id');
  if (id === null) return null;
  const amount = money(object(capture, 'amount'));
  const vat = extras.vat ?? null;
  return {
    ...emptyOrder(id),
    transactionId: id,
    billingType: 'single_payment',
    paySequenceNo: 0,
    currency: amount?.currency ?? null,
    amount: amount?.minor ?? null,
    vat,
    net: withoutVat(amount?.minor ?? null, vat),
    fee: money(object(capture, 'seller_receivable_breakdown', 'paypal_fee'))?.minor ?? null,
    items: extras.items ?? [],
    custom: text(capture, 'custom_id') ?? extras.custom ?? null,
  };
}

/**
 * `PAYMENT.CAPTURE.REFUNDED` / `.REVERSED`: usually a v2 refund resource pointing `up` to its
 * capture; some reversals carry the capture itself (`resource_type: capture`).
 */
export function captureRefundOrder(
  resource: JsonObject,
  resourceType: string | null,
): EventOrder | null {
  const id = text(resource, 'id');
  if (id === null) return null;
  const isCapture = resourceType === 'capture';
  const captureId = isCapture
    ? id
    : (text(resource, 'supplementary_data', 'related_ids', 'capture_id') ??
      linkedId(resource, 'up', /\/v2\/payments\/captures\/([^/?#]+)/));
  const amount = money(object(resource, 'amount'));
  const breakdown = isCapture ? 'seller_receivable_breakdown' : 'seller_payable_breakdown';
  return {
    ...emptyOrder(captureId ?? id),
    transactionId: isCapture ? null : id,
    parentTransactionId: captureId,
    billingType: 'single_payment',
    currency: amount?.currency ?? null,
    amount: positive(amount?.minor),
    fee: positive(money(object(resource, breakdown, 'paypal_fee'))?.minor),
    custom: text(resource, 'custom_id'),
  };
}

/** `PAYMENT.SALE.COMPLETED` / `.PENDING` / `.DENIED`: a v1 sale, a subscription cycle when it has `billing_agreement_id`. */
export function saleOrder(sale: JsonObject): EventOrder | null {
  const id = text(sale, 'id');
  if (id === null) return null;
  const agreement = text(sale, 'billing_agreement_id');
  const amount = money(object(sale, 'amount'));
  const tax = text(sale, 'amount', 'details', 'tax');
  const vat = tax === null ? null : parseMoney(tax, amount?.currency ?? null);
  return {
    ...emptyOrder(agreement ?? id),
    transactionId: id,
    billingType: agreement === null ? 'single_payment' : 'subscription',
    paySequenceNo: agreement === null ? 0 : null,
    currency: amount?.currency ?? null,
    amount: amount?.minor ?? null,
    vat,
    net: withoutVat(amount?.minor ?? null, vat),
    fee: money(object(sale, 'transaction_fee'), amount?.currency ?? null)?.minor ?? null,
    custom: text(sale, 'custom'),
  };
}

/** `PAYMENT.SALE.REFUNDED` / `.REVERSED`: a v1 refund naming its sale (`sale_id` or `links[rel=sale]`). */
export function saleRefundOrder(refund: JsonObject): EventOrder | null {
  const id = text(refund, 'id');
  if (id === null) return null;
  const saleId =
    text(refund, 'sale_id') ?? linkedId(refund, 'sale', /\/v1\/payments\/sale\/([^/?#]+)/);
  const agreement = text(refund, 'billing_agreement_id');
  const amount = money(object(refund, 'amount'));
  return {
    ...emptyOrder(agreement ?? saleId ?? id),
    transactionId: id,
    parentTransactionId: saleId,
    billingType: agreement === null ? null : 'subscription',
    currency: amount?.currency ?? null,
    amount: positive(amount?.minor),
    fee: positive(
      money(object(refund, 'refund_from_transaction_fee'), amount?.currency ?? null)?.minor,
    ),
    custom: text(refund, 'custom'),
  };
}

/** `BILLING.SUBSCRIPTION.*`: Subscriptions API resources (and deprecated v1 agreements). */
export function subscriptionOrder(subscription: JsonObject, type: EventType): EventOrder | null {
  const id = text(subscription, 'id');
  if (id === null) return null;
  const planId = text(subscription, 'plan_id');
  const failed =
    type === 'payment_missed'
      ? money(object(subscription, 'billing_info', 'last_failed_payment', 'amount'))
      : null;
  const currency =
    failed?.currency ??
    firstText(
      subscription,
      ['billing_info', 'last_payment', 'amount', 'currency_code'],
      ['plan', 'curr_code'],
    );
  return {
    ...emptyOrder(id),
    billingType: 'subscription',
    currency,
    amount: failed?.minor ?? null,
    items:
      planId === null
        ? []
        : [
            {
              productId: planId,
              name: null,
              quantity: count(text(subscription, 'quantity')) ?? 1,
              isAddon: false,
              amount: null,
            },
          ],
    nextPaymentAt: isoDate(
      firstText(
        subscription,
        ['billing_info', 'next_billing_time'],
        ['agreement_details', 'next_billing_date'],
      ),
    ),
    custom: text(subscription, 'custom_id'),
  };
}

/** `CHECKOUT.ORDER.APPROVED` (and a completed order without a completed capture): keyed by the checkout order id. */
export function checkoutOrder(order: JsonObject): EventOrder | null {
  const id = text(order, 'id');
  if (id === null) return null;
  const units = list(order, 'purchase_units');
  const amounts = units.map((unit) => money(object(unit, 'amount')));
  const taxes = units.map((unit) => money(object(unit, 'amount', 'breakdown', 'tax_total')));
  const currency = amounts[0]?.currency ?? null;
  const sum = (values: Array<Money | null>): number | null =>
    values.length > 0 &&
    values.every((m) => m !== null && m.minor !== null && m.currency === currency)
      ? values.reduce((total, m) => total + (m?.minor ?? 0), 0)
      : null;
  const amount = sum(amounts);
  const vat = sum(taxes);
  return {
    ...emptyOrder(id),
    billingType: 'single_payment',
    currency,
    amount,
    vat,
    net: withoutVat(amount, vat),
    items: units.flatMap(purchaseUnitItems),
    custom: firstText(units[0], ['custom_id']),
  };
}

/** `CUSTOMER.DISPUTE.*`: keyed by the disputed seller transaction (capture or sale id). */
export function disputeOrder(dispute: JsonObject): EventOrder | null {
  const id = text(dispute, 'dispute_id');
  if (id === null) return null;
  const transaction = list(dispute, 'disputed_transactions')[0];
  const sellerTransaction = text(transaction, 'seller_transaction_id');
  const amount = money(object(dispute, 'dispute_amount'));
  return {
    ...emptyOrder(sellerTransaction ?? id),
    transactionId: id,
    parentTransactionId: sellerTransaction,
    currency: amount?.currency ?? null,
    amount: positive(amount?.minor),
    custom: text(transaction, 'custom'),
  };
}
