/**
 * Realistic PayPal webhook bodies for the CLI `simulate` command, tests and the benchmark: the
 * envelope of docs/protocols/paypal.md#webhook-envelope-and-event-types (`id`, `event_version`, `create_time`, `resource_type`,
 * `resource_version`, `event_type`, `summary`, `resource`, `links`) around the resources of
 * `sample-resources.ts`. Defaults are fixed, so a sample is the same every time; a payment and
 * its refund share the capture/sale id, so they land on the same ledger order.
 */
import { PAYPAL_WEBHOOK_EVENT_TYPES } from './normalize.js';
import type { PayPalWebhookEventType } from './normalize.js';
import type { JsonObject } from './parse-event.js';
import {
  captureResource,
  checkoutOrderResource,
  disputeResource,
  refundResource,
  saleRefundResource,
  saleResource,
  subscriptionResource,
} from './sample-resources.js';
import type { SampleFacts } from './sample-resources.js';

/** Every PayPal event type the provider handles; each has a sample. */
export const PAYPAL_WEBHOOK_SAMPLE_EVENTS: readonly PayPalWebhookEventType[] =
  PAYPAL_WEBHOOK_EVENT_TYPES;

export interface PayPalWebhookSampleOverrides {
  /** The event id (`WH-…`), the dedup key: change it to send a new event rather than a resend. */
  eventId?: string;
  /** RFC 3339; the envelope's and the resource's `create_time`. */
  createTime?: string;
  /** The capture (Orders v2) or sale (v1) id: the payment itself, or what a refund, reversal or dispute refers to. */
  transactionId?: string;
  refundId?: string;
  /** The Orders v2 checkout order id. */
  orderId?: string;
  /** The subscription (`I-…`) of BILLING.SUBSCRIPTION.* events and of subscription sales. */
  subscriptionId?: string;
  planId?: string;
  email?: string;
  firstName?: string;
  lastName?: string;
  /** Gross amount as PayPal writes it, e.g. `97.00`. */
  amount?: string;
  currency?: string;
  /** The merchant's pass-through `custom_id`; null leaves it out. */
  customId?: string | null;
  /** PAYMENT.SALE.*: a subscription cycle with `billing_agreement_id` (default) or a one-off v1 sale. */
  subscriptionSale?: boolean;
  /** BILLING.SUBSCRIPTION.CREATED: the status it is created in (default APPROVAL_PENDING, as PayPal does). */
  subscriptionStatus?: string;
  /** CUSTOMER.DISPUTE.RESOLVED: `dispute_outcome.outcome_code` (default RESOLVED_SELLER_FAVOUR). */
  disputeOutcome?: string;
  /** Links on api.sandbox.paypal.com instead of api.paypal.com. */
  sandbox?: boolean;
}

interface Shape {
  resourceType: string;
  resourceVersion?: string;
  summary: (facts: SampleFacts) => string;
  resource: (facts: SampleFacts) => JsonObject;
}

const paid = (f: SampleFacts): string => `${f.currency} ${f.amount}`;

const SHAPES: Readonly<Record<PayPalWebhookEventType, Shape>> = {
  'PAYMENT.CAPTURE.COMPLETED': {
    resourceType: 'capture',
    resourceVersion: '2.0',
    summary: (f) => `Payment completed for ${paid(f)}`,
    resource: (f) => captureResource(f, 'COMPLETED'),
  },
  'PAYMENT.CAPTURE.PENDING': {
    resourceType: 'capture',
    resourceVersion: '2.0',
    summary: (f) => `Payment pending for ${paid(f)}`,
    resource: (f) => captureResource(f, 'PENDING', 'PENDING_REVIEW'),
  },
  'PAYMENT.CAPTURE.DENIED': {
    resourceType: 'capture',
    resourceVersion: '2.0',
    summary: (f) => `Payment denied for ${paid(f)}`,
    resource: (f) => captureResource(f, 'DECLINED'),
  },
  'PAYMENT.CAPTURE.DECLINED': {
    resourceType: 'capture',
    resourceVersion: '2.0',
    summary: (f) => `A payment capture for ${paid(f)} was declined.`,
    resource: (f) => captureResource(f, 'DECLINED'),
  },
  'PAYMENT.CAPTURE.REFUNDED': {
    resourceType: 'refund',
    resourceVersion: '2.0',
    summary: (f) => `A ${paid(f)} capture payment was refunded`,
    resource: (f) => refundResource(f, false),
  },
  'PAYMENT.CAPTURE.REVERSED': {
    resourceType: 'refund',
    resourceVersion: '2.0',
    summary: (f) => `A ${paid(f)} capture payment was reversed`,
    resource: (f) => refundResource(f, true),
  },
  'PAYMENT.SALE.COMPLETED': {
    resourceType: 'sale',
    summary: (f) => `Payment completed for ${paid(f)}`,
    resource: (f) => saleResource(f, 'completed'),
  },
  'PAYMENT.SALE.PENDING': {
    resourceType: 'sale',
    summary: (f) => `Payment pending for ${paid(f)}`,
    resource: (f) => saleResource(f, 'pending'),
  },
  'PAYMENT.SALE.DENIED': {
    resourceType: 'sale',
    summary: (f) => `A ${paid(f)} sale payment was denied`,
    resource: (f) => saleResource(f, 'denied'),
  },
  'PAYMENT.SALE.REFUNDED': {
    resourceType: 'sale',
    summary: (f) => `A ${paid(f)} sale payment was refunded`,
    resource: (f) => saleRefundResource(f, false),
  },
  'PAYMENT.SALE.REVERSED': {
    resourceType: 'sale',
    summary: (f) => `A ${paid(f)} sale payment was reversed`,
    resource: (f) => saleRefundResource(f, true),
  },
  'CHECKOUT.ORDER.APPROVED': {
    resourceType: 'checkout-order',
    resourceVersion: '2.0',
    summary: () => 'An order has been approved by buyer',
    resource: (f) => checkoutOrderResource(f, 'APPROVED'),
  },
  'CHECKOUT.ORDER.COMPLETED': {
    resourceType: 'checkout-order',
    resourceVersion: '2.0',
    summary: () => 'Checkout Order Completed',
    resource: (f) => checkoutOrderResource(f, 'COMPLETED'),
  },
  'BILLING.SUBSCRIPTION.CREATED': {
    resourceType: 'subscription',
    resourceVersion: '2.0',
    summary: () => 'Subscription created',
    resource: (f) => subscriptionResource(f, f.subscriptionStatus, false),
  },
  'BILLING.SUBSCRIPTION.ACTIVATED': {
    resourceType: 'subscription',
    resourceVersion: '2.0',
    summary: () => 'Subscription activated',
    resource: (f) => subscriptionResource(f, 'ACTIVE', false),
  },
  'BILLING.SUBSCRIPTION.CANCELLED': {
    resourceType: 'subscription',
    resourceVersion: '2.0',
    summary: () => 'Subscription cancelled',
    resource: (f) => subscriptionResource(f, 'CANCELLED', false),
  },
  'BILLING.SUBSCRIPTION.SUSPENDED': {
    resourceType: 'subscription',
    resourceVersion: '2.0',
    summary: () => 'Subscription suspended',
    resource: (f) => subscriptionResource(f, 'SUSPENDED', false),
  },
  'BILLING.SUBSCRIPTION.EXPIRED': {
    resourceType: 'subscription',
    resourceVersion: '2.0',
    summary: () => 'Subscription expired',
    resource: (f) => subscriptionResource(f, 'EXPIRED', false),
  },
  'BILLING.SUBSCRIPTION.PAYMENT.FAILED': {
    resourceType: 'subscription',
    resourceVersion: '2.0',
    summary: () => 'Subscription payment failed',
    resource: (f) => subscriptionResource(f, 'ACTIVE', true),
  },
  'BILLING.SUBSCRIPTION.RE-ACTIVATED': {
    resourceType: 'subscription',
    resourceVersion: '2.0',
    summary: () => 'Subscription re-activated',
    resource: (f) => subscriptionResource(f, 'ACTIVE', false),
  },
  'CUSTOMER.DISPUTE.CREATED': {
    resourceType: 'dispute',
    resourceVersion: '1.0',
    summary: () => 'A new dispute opened',
    resource: (f) => disputeResource(f, false),
  },
  'CUSTOMER.DISPUTE.RESOLVED': {
    resourceType: 'dispute',
    resourceVersion: '1.0',
    summary: () => 'A dispute was resolved',
    resource: (f) => disputeResource(f, true),
  },
};

function defaultEventId(eventType: string): string {
  return `WH-SAMPLE-${eventType.replace(/[^A-Z0-9]+/g, '-')}`;
}

function facts(eventType: PayPalWebhookEventType, o: PayPalWebhookSampleOverrides): SampleFacts {
  const sale = eventType.startsWith('PAYMENT.SALE.');
  return {
    api: o.sandbox === true ? 'https://api.sandbox.paypal.com' : 'https://api.paypal.com',
    createTime: o.createTime ?? '2024-05-14T07:12:45.123Z',
    transactionId: o.transactionId ?? (sale ? '80021663DE681814L' : '3C679366HH908993F'),
    refundId: o.refundId ?? '1Y107995YT783435V',
    orderId: o.orderId ?? '5O190127TN364715T',
    subscriptionId: o.subscriptionId ?? 'I-BW452GLLEP1G',
    planId: o.planId ?? 'P-5ML4271244454362WXNWU5NQ',
    email: o.email ?? 'anna.beispiel@example.com',
    firstName: o.firstName ?? 'Anna',
    lastName: o.lastName ?? 'Beispiel',
    amount: o.amount ?? '97.00',
    currency: o.currency ?? 'EUR',
    customId: o.customId === undefined ? 'crm-42' : o.customId,
    subscriptionSale: o.subscriptionSale ?? true,
    subscriptionStatus: o.subscriptionStatus ?? 'APPROVAL_PENDING',
    disputeOutcome: o.disputeOutcome ?? 'RESOLVED_SELLER_FAVOUR',
  };
}

/** A webhook body (parsed JSON) of `eventType`, as PayPal would POST it; `JSON.stringify` it to send. */
export function samplePayPalWebhookEvent(
  eventType: PayPalWebhookEventType,
  overrides: PayPalWebhookSampleOverrides = {},
): JsonObject {
  const shape = SHAPES[eventType];
  const f = facts(eventType, overrides);
  const id = overrides.eventId ?? defaultEventId(eventType);
  return {
    id,
    event_version: '1.0',
    create_time: f.createTime,
    resource_type: shape.resourceType,
    ...(shape.resourceVersion === undefined ? {} : { resource_version: shape.resourceVersion }),
    event_type: eventType,
    summary: shape.summary(f),
    resource: shape.resource(f),
    links: [
      { href: `${f.api}/v1/notifications/webhooks-events/${id}`, rel: 'self', method: 'GET' },
      {
        href: `${f.api}/v1/notifications/webhooks-events/${id}/resend`,
        rel: 'resend',
        method: 'POST',
      },
    ],
  };
}
