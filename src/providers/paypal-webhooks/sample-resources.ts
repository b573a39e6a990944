/**
 * The `resource` objects of realistic sample webhook events, shaped like PayPal's own
 * deliveries (the vectors in fixtures/, PayPal's simulator payloads) and the resource facts of
 * docs/protocols/paypal.md#webhook-envelope-and-event-types: v2 captures and refunds, v1 sales and refunds, Orders v2 checkout
 * orders, Subscriptions API subscriptions and disputes.
 */
import { formatMoney, parseMoney } from '../../core/money.js';
import type { JsonObject } from './parse-event.js';

/** Everything a sample resource is built from, defaults already applied. */
export interface SampleFacts {
  api: string;
  createTime: string;
  transactionId: string;
  refundId: string;
  orderId: string;
  subscriptionId: string;
  planId: string;
  email: string;
  firstName: string;
  lastName: string;
  amount: string;
  currency: string;
  customId: string | null;
  subscriptionSale: boolean;
  subscriptionStatus: string;
  disputeOutcome: string;
}

const PRODUCT_NAME = 'Online course "Focus" (12 weeks)';
const PRODUCT_SKU = 'COURSE-FOCUS-12';
const MERCHANT = { email_address: 'seller@example.com', merchant_id: 'ABCDEFGHIJKL1' };
const ADDRESS = {
  address_line_1: 'Musterstraße 5',
  admin_area_2: 'Berlin',
  postal_code: '10115',
  country_code: 'DE',
};

function minor(facts: SampleFacts): number {
  return parseMoney(facts.amount, facts.currency) ?? 0;
}

function value(minorUnits: number, facts: SampleFacts): { currency_code: string; value: string } {
  return { currency_code: facts.currency, value: formatMoney(minorUnits, facts.currency) };
}

/** PayPal's standard rate for the sample: 2.49 % + 0.35. */
function fee(facts: SampleFacts): number {
  return Math.round(minor(facts) * 0.0249) + 35;
}

/** Gross → [net, tax] at 19 % VAT included (the German sample seller). */
function vatSplit(facts: SampleFacts): [number, number] {
  const net = Math.round(minor(facts) / 1.19);
  return [net, minor(facts) - net];
}

function link(href: string, rel: string, method = 'GET'): JsonObject {
  return { href, rel, method };
}

export function captureResource(facts: SampleFacts, status: string, reason?: string): JsonObject {
  const id = facts.transactionId;
  return {
    id,
    amount: value(minor(facts), facts),
    final_capture: true,
    seller_protection: {
      status: 'ELIGIBLE',
      dispute_categories: ['ITEM_NOT_RECEIVED', 'UNAUTHORIZED_TRANSACTION'],
    },
    disbursement_mode: 'INSTANT',
    seller_receivable_breakdown: {
      gross_amount: value(minor(facts), facts),
      paypal_fee: value(fee(facts), facts),
      net_amount: value(minor(facts) - fee(facts), facts),
    },
    invoice_id: `INV-${facts.orderId}`,
    ...(facts.customId === null ? {} : { custom_id: facts.customId }),
    status,
    ...(reason === undefined ? {} : { status_details: { reason } }),
    supplementary_data: { related_ids: { order_id: facts.orderId } },
    payee: MERCHANT,
    create_time: facts.createTime,
    update_time: facts.createTime,
    links: [
      link(`${facts.api}/v2/payments/captures/${id}`, 'self'),
      link(`${facts.api}/v2/payments/captures/${id}/refund`, 'refund', 'POST'),
      link(`${facts.api}/v2/checkout/orders/${facts.orderId}`, 'up'),
    ],
  };
}

/** A v2 refund: what `PAYMENT.CAPTURE.REFUNDED` and (usually) `.REVERSED` carry. */
export function refundResource(facts: SampleFacts, reversal: boolean): JsonObject {
  const refundFee = reversal ? 0 : Math.round(minor(facts) * 0.0249);
  return {
    id: facts.refundId,
    amount: value(minor(facts), facts),
    ...(reversal ? { note_to_payer: 'Payment reversed' } : {}),
    seller_payable_breakdown: {
      gross_amount: value(minor(facts), facts),
      paypal_fee: value(refundFee, facts),
      net_amount: value(minor(facts) - refundFee, facts),
      total_refunded_amount: value(minor(facts), facts),
    },
    invoice_id: `INV-${facts.orderId}`,
    ...(facts.customId === null ? {} : { custom_id: facts.customId }),
    status: 'COMPLETED',
    create_time: facts.createTime,
    update_time: facts.createTime,
    links: [
      link(`${facts.api}/v2/payments/refunds/${facts.refundId}`, 'self'),
      link(`${facts.api}/v2/payments/captures/${facts.transactionId}`, 'up'),
    ],
  };
}

/** A v1 sale; with `subscriptionSale` one billing cycle of the subscription (`billing_agreement_id`). */
export function saleResource(facts: SampleFacts, state: string): JsonObject {
  const id = facts.transactionId;
  const parentPayment = `PAY-${facts.orderId}`;
  return {
    id,
    state,
    amount: {
      total: formatMoney(minor(facts), facts.currency),
      currency: facts.currency,
      details: { subtotal: formatMoney(minor(facts), facts.currency) },
    },
    payment_mode: 'INSTANT_TRANSFER',
    ...(state === 'pending' ? { reason_code: 'ECHECK' } : {}),
    protection_eligibility: 'ELIGIBLE',
    protection_eligibility_type: 'ITEM_NOT_RECEIVED_ELIGIBLE,UNAUTHORIZED_PAYMENT_ELIGIBLE',
    transaction_fee: { value: formatMoney(fee(facts), facts.currency), currency: facts.currency },
    ...(facts.subscriptionSale
      ? { billing_agreement_id: facts.subscriptionId }
      : { parent_payment: parentPayment }),
    invoice_number: '',
    custom: facts.customId ?? '',
    create_time: facts.createTime,
    update_time: facts.createTime,
    links: [
      link(`${facts.api}/v1/payments/sale/${id}`, 'self'),
      link(`${facts.api}/v1/payments/sale/${id}/refund`, 'refund', 'POST'),
      ...(facts.subscriptionSale
        ? []
        : [link(`${facts.api}/v1/payments/payment/${parentPayment}`, 'parent_payment')]),
    ],
  };
}

/** A v1 refund of a sale (negative amounts). PayPal's v1 reversals carry no `sale_id`. */
export function saleRefundResource(facts: SampleFacts, reversal: boolean): JsonObject {
  const total = formatMoney(-minor(facts), facts.currency);
  if (reversal) {
    return {
      id: facts.refundId,
      create_time: facts.createTime,
      state: 'completed',
      amount: { total, currency: facts.currency, details: { subtotal: total } },
      links: [link(`${facts.api}/v1/payments/refund/${facts.refundId}`, 'self')],
    };
  }
  const parentPayment = `PAY-${facts.orderId}`;
  return {
    id: facts.refundId,
    create_time: facts.createTime,
    update_time: facts.createTime,
    state: 'completed',
    amount: { total, currency: facts.currency },
    refund_from_transaction_fee: {
      currency: facts.currency,
      value: formatMoney(fee(facts) - 35, facts.currency),
    },
    total_refunded_amount: {
      currency: facts.currency,
      value: formatMoney(minor(facts), facts.currency),
    },
    sale_id: facts.transactionId,
    ...(facts.subscriptionSale ? {} : { parent_payment: parentPayment }),
    links: [
      link(`${facts.api}/v1/payments/refund/${facts.refundId}`, 'self'),
      ...(facts.subscriptionSale
        ? []
        : [link(`${facts.api}/v1/payments/payment/${parentPayment}`, 'parent_payment')]),
      link(`${facts.api}/v1/payments/sale/${facts.transactionId}`, 'sale'),
    ],
  };
}

/** An Orders v2 checkout order, `APPROVED` or `COMPLETED` (then with its capture). */
export function checkoutOrderResource(
  facts: SampleFacts,
  status: 'APPROVED' | 'COMPLETED',
): JsonObject {
  const [net, tax] = vatSplit(facts);
  const {
    links: _links,
    supplementary_data: _related,
    ...capture
  } = captureResource(facts, 'COMPLETED');
  return {
    id: facts.orderId,
    intent: 'CAPTURE',
    status,
    payment_source: {
      paypal: {
        email_address: facts.email,
        account_id: 'QYR5Z8XDVJNXQ',
        account_status: 'VERIFIED',
        name: { given_name: facts.firstName, surname: facts.lastName },
        address: { country_code: 'DE' },
      },
    },
    purchase_units: [
      {
        reference_id: 'default',
        amount: {
          ...value(minor(facts), facts),
          breakdown: { item_total: value(net, facts), tax_total: value(tax, facts) },
        },
        payee: MERCHANT,
        ...(facts.customId === null ? {} : { custom_id: facts.customId }),
        invoice_id: `INV-${facts.orderId}`,
        items: [
          {
            name: PRODUCT_NAME,
            sku: PRODUCT_SKU,
            unit_amount: value(net, facts),
            tax: value(tax, facts),
            quantity: '1',
            category: 'DIGITAL_GOODS',
          },
        ],
        ...(status === 'COMPLETED'
          ? {
              payments: {
                captures: [
                  {
                    ...capture,
                    links: [
                      link(`${facts.api}/v2/payments/captures/${facts.transactionId}`, 'self'),
                    ],
                  },
                ],
              },
            }
          : {}),
      },
    ],
    payer: {
      name: { given_name: facts.firstName, surname: facts.lastName },
      email_address: facts.email,
      payer_id: 'QYR5Z8XDVJNXQ',
      address: { country_code: 'DE' },
    },
    create_time: facts.createTime,
    ...(status === 'COMPLETED' ? { update_time: facts.createTime } : {}),
    links:
      status === 'APPROVED'
        ? [
            link(`${facts.api}/v2/checkout/orders/${facts.orderId}`, 'self'),
            link(`${facts.api}/v2/checkout/orders/${facts.orderId}`, 'update', 'PATCH'),
            link(`${facts.api}/v2/checkout/orders/${facts.orderId}/capture`, 'capture', 'POST'),
          ]
        : [link(`${facts.api}/v2/checkout/orders/${facts.orderId}`, 'self')],
  };
}

/** A Subscriptions API subscription in `status`; `paymentFailed` adds the failed cycle. */
export function subscriptionResource(
  facts: SampleFacts,
  status: string,
  paymentFailed: boolean,
): JsonObject {
  const id = facts.subscriptionId;
  const created = Date.parse(facts.createTime);
  // An unparsable createTime (tests use PayPal's own malformed samples) is echoed, not computed on.
  const next = Number.isNaN(created)
    ? facts.createTime
    : new Date(created + 30 * 86_400_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  return {
    id,
    plan_id: facts.planId,
    start_time: facts.createTime,
    quantity: '1',
    subscriber: {
      name: { given_name: facts.firstName, surname: facts.lastName },
      email_address: facts.email,
      payer_id: 'QYR5Z8XDVJNXQ',
      shipping_address: {
        name: { full_name: `${facts.firstName} ${facts.lastName}` },
        address: ADDRESS,
      },
    },
    billing_info: {
      outstanding_balance: value(paymentFailed ? minor(facts) : 0, facts),
      cycle_executions: [
        {
          tenure_type: 'REGULAR',
          sequence: 1,
          cycles_completed: 1,
          cycles_remaining: 0,
          current_pricing_scheme_version: 1,
          total_cycles: 0,
        },
      ],
      last_payment: { amount: value(minor(facts), facts), time: facts.createTime },
      ...(paymentFailed
        ? {
            last_failed_payment: {
              amount: value(minor(facts), facts),
              time: facts.createTime,
              reason_code: 'PAYMENT_DENIED',
              next_payment_retry_date: next,
            },
          }
        : {}),
      ...(status === 'ACTIVE' ? { next_billing_time: next } : {}),
      failed_payments_count: paymentFailed ? 1 : 0,
    },
    ...(facts.customId === null ? {} : { custom_id: facts.customId }),
    plan_overridden: false,
    status,
    status_update_time: facts.createTime,
    create_time: facts.createTime,
    update_time: facts.createTime,
    links: [
      link(`${facts.api}/v1/billing/subscriptions/${id}`, 'self'),
      link(`${facts.api}/v1/billing/subscriptions/${id}`, 'edit', 'PATCH'),
    ],
  };
}

/** A dispute about the sample capture; `resolved` adds the outcome. */
export function disputeResource(facts: SampleFacts, resolved: boolean): JsonObject {
  const id = 'PP-D-27803';
  return {
    dispute_id: id,
    create_time: facts.createTime,
    update_time: facts.createTime,
    disputed_transactions: [
      {
        seller_transaction_id: facts.transactionId,
        create_time: facts.createTime,
        transaction_status: 'COMPLETED',
        gross_amount: value(minor(facts), facts),
        invoice_number: `INV-${facts.orderId}`,
        ...(facts.customId === null ? {} : { custom: facts.customId }),
        buyer: { name: `${facts.firstName} ${facts.lastName}` },
        seller: { ...MERCHANT, name: 'Example Seller GmbH' },
      },
    ],
    reason: 'MERCHANDISE_OR_SERVICE_NOT_RECEIVED',
    status: resolved ? 'RESOLVED' : 'OPEN',
    dispute_amount: value(minor(facts), facts),
    ...(resolved ? { dispute_outcome: { outcome_code: facts.disputeOutcome } } : {}),
    dispute_life_cycle_stage: 'INQUIRY',
    dispute_channel: 'INTERNAL',
    links: [link(`${facts.api}/v1/customer/disputes/${id}`, 'self')],
  };
}
