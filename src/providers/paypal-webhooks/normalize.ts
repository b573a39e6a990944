/**
 * PayPal webhook envelope → canonical event drafts (docs/protocols/paypal.md#webhook-envelope-and-event-types event types and
 * resource facts, docs/protocols/paypal.md#webhook-delivery-retries-and-idempotency idempotency; canonical types: src/core/events.ts, docs/domain-model.md).
 * Pure: parsed envelope and config in, drafts out. Decisions docs/protocols/paypal.md leaves open:
 * - `PAYMENT.CAPTURE.COMPLETED` is the paid signal (docs/protocols/paypal.md#webhook-envelope-and-event-types). `CHECKOUT.ORDER.COMPLETED` is a
 *   payment only for its captures with status COMPLETED; PayPal then also sends
 *   `PAYMENT.CAPTURE.COMPLETED`, so both key that payment by the capture
 *   (`ppwh:capture:<capture id>:payment`) and whichever arrives second is a duplicate —
 *   one payment, never two. Without a completed capture the order is only approved.
 * - `BILLING.SUBSCRIPTION.CREATED` while the subscription still awaits the buyer's approval
 *   (APPROVAL_PENDING/APPROVED, docs/protocols/paypal.md#webhook-envelope-and-event-types "not money, not active") is ignored; `ACTIVATED` follows.
 * - `CUSTOMER.DISPUTE.CREATED` is ignored: an opened dispute (often an inquiry) moves no money;
 *   a chargeback arrives as `PAYMENT.CAPTURE.REVERSED` / `PAYMENT.SALE.REVERSED`.
 *   `.RESOLVED` in the seller's favour (RESOLVED_SELLER_FAVOUR, RESOLVED_WITH_PAYOUT — PayPal
 *   paid the buyer itself —, CANCELED_BY_BUYER, DENIED) is `chargeback_reversed`; in the
 *   buyer's favour it is ignored, because the money that moved arrives as its own
 *   REVERSED/REFUNDED event and would otherwise be counted twice.
 * Every other draft's dedup key is `ppwh:<event id>` (docs/protocols/paypal.md#webhook-delivery-retries-and-idempotency: the event id is the idempotency key).
 */
import type {
  EventBuyer,
  EventDraft,
  EventOrder,
  EventSubscription,
  EventType,
} from '../../core/events.js';
import type { Normalized } from '../provider.js';
import { buyerFromDispute, buyerFromPayer, buyerFromSubscription } from './buyer.js';
import type { PayPalWebhooksConfig } from './config.js';
import { flattenJson } from './flatten-json.js';
import { isoTime, list, object, text } from './json-fields.js';
import {
  captureOrder,
  captureRefundOrder,
  checkoutOrder,
  disputeOrder,
  purchaseUnitItems,
  purchaseUnitTax,
  saleOrder,
  saleRefundOrder,
  subscriptionOrder,
} from './orders.js';
import type { JsonObject, PayPalEnvelope } from './parse-event.js';

/** PayPal event types that can produce events; every other type is acknowledged and ignored. */
export const PAYPAL_WEBHOOK_EVENT_TYPES = [
  'PAYMENT.CAPTURE.COMPLETED',
  'PAYMENT.CAPTURE.PENDING',
  'PAYMENT.CAPTURE.DENIED',
  'PAYMENT.CAPTURE.DECLINED',
  'PAYMENT.CAPTURE.REFUNDED',
  'PAYMENT.CAPTURE.REVERSED',
  'PAYMENT.SALE.COMPLETED',
  'PAYMENT.SALE.PENDING',
  'PAYMENT.SALE.DENIED',
  'PAYMENT.SALE.REFUNDED',
  'PAYMENT.SALE.REVERSED',
  'CHECKOUT.ORDER.APPROVED',
  'CHECKOUT.ORDER.COMPLETED',
  'BILLING.SUBSCRIPTION.CREATED',
  'BILLING.SUBSCRIPTION.ACTIVATED',
  'BILLING.SUBSCRIPTION.CANCELLED',
  'BILLING.SUBSCRIPTION.SUSPENDED',
  'BILLING.SUBSCRIPTION.EXPIRED',
  'BILLING.SUBSCRIPTION.PAYMENT.FAILED',
  'BILLING.SUBSCRIPTION.RE-ACTIVATED',
  'CUSTOMER.DISPUTE.CREATED',
  'CUSTOMER.DISPUTE.RESOLVED',
] as const;

export type PayPalWebhookEventType = (typeof PAYPAL_WEBHOOK_EVENT_TYPES)[number];

const MAX_QUOTED = 64;

const SUBSCRIPTION_STATUS: Readonly<Record<string, string>> = {
  APPROVAL_PENDING: 'approval_pending',
  APPROVED: 'approved',
  ACTIVE: 'active',
  SUSPENDED: 'suspended',
  CANCELLED: 'cancelled',
  EXPIRED: 'ended',
};

const STATUS_BY_TYPE: Partial<Record<EventType, string>> = {
  subscription_started: 'active',
  rebill_resumed: 'active',
  rebill_cancelled: 'cancelled',
  subscription_suspended: 'suspended',
  last_paid_day: 'ended',
};

const SELLER_FAVOUR_OUTCOMES: ReadonlySet<string> = new Set([
  'RESOLVED_SELLER_FAVOUR',
  'RESOLVED_WITH_PAYOUT',
  'CANCELED_BY_BUYER',
  'DENIED',
]);

interface Context {
  envelope: PayPalEnvelope;
  resource: JsonObject;
  raw: Record<string, string>;
  test: boolean;
}

type Result = { drafts: EventDraft[] } | { ignored: string } | { missing: string };

function draft(
  ctx: Context,
  type: EventType,
  order: EventOrder,
  buyer: EventBuyer | null,
  subscription: EventSubscription | null,
  dedupKey = `ppwh:${ctx.envelope.id}`,
): EventDraft {
  return {
    type,
    occurredAt: isoTime(ctx.envelope.body['create_time']),
    test: ctx.test,
    order,
    buyer,
    affiliate: null,
    subscription,
    raw: ctx.raw,
    dedupKey,
  };
}

function one(
  ctx: Context,
  type: EventType,
  order: EventOrder | null,
  buyer: EventBuyer | null = null,
  subscription: EventSubscription | null = null,
): Result {
  if (order === null) return { missing: `resource has no id for ${ctx.envelope.eventType}` };
  return { drafts: [draft(ctx, type, order, buyer, subscription)] };
}

function capturePayment(ctx: Context, order: EventOrder, buyer: EventBuyer | null): EventDraft {
  return draft(ctx, 'payment', order, buyer, null, `ppwh:capture:${order.id}:payment`);
}

function subscriptionOfSale(order: EventOrder | null, type: EventType): EventSubscription | null {
  if (order === null || order.billingType !== 'subscription') return null;
  return { id: order.id, status: type === 'payment' ? 'active' : null };
}

function sale(ctx: Context, type: EventType): Result {
  const order = saleOrder(ctx.resource);
  return one(ctx, type, order, null, subscriptionOfSale(order, type));
}

function saleRefund(ctx: Context, type: EventType): Result {
  const order = saleRefundOrder(ctx.resource);
  return one(ctx, type, order, null, subscriptionOfSale(order, type));
}

function orderCompleted(ctx: Context): Result {
  const buyer = buyerFromPayer(
    object(ctx.resource, 'payer'),
    object(ctx.resource, 'purchase_units', 0, 'shipping'),
  );
  const drafts: EventDraft[] = [];
  for (const unit of list(ctx.resource, 'purchase_units')) {
    const captures = list(unit, 'payments', 'captures');
    for (const entry of captures) {
      const capture = object(entry);
      if (capture === null || text(capture, 'status') !== 'COMPLETED') continue;
      // The unit's tax belongs to a capture only when that capture took the whole unit.
      const wholeUnit =
        captures.length === 1 && text(capture, 'amount', 'value') === text(unit, 'amount', 'value');
      const order = captureOrder(capture, {
        items: purchaseUnitItems(unit),
        vat: wholeUnit ? purchaseUnitTax(unit) : null,
        custom: text(unit, 'custom_id'),
      });
      if (order !== null) drafts.push(capturePayment(ctx, order, buyer));
    }
  }
  if (drafts.length > 0) return { drafts };
  return one(ctx, 'order_approved', checkoutOrder(ctx.resource), buyer);
}

function subscriptionEvent(ctx: Context, type: EventType): Result {
  const id = text(ctx.resource, 'id');
  const status = text(ctx.resource, 'status')?.toUpperCase() ?? '';
  const word = Object.hasOwn(SUBSCRIPTION_STATUS, status) ? SUBSCRIPTION_STATUS[status] : undefined;
  const subscription: EventSubscription | null =
    id === null ? null : { id, status: word ?? STATUS_BY_TYPE[type] ?? null };
  return one(
    ctx,
    type,
    subscriptionOrder(ctx.resource, type),
    buyerFromSubscription(ctx.resource),
    subscription,
  );
}

function subscriptionCreated(ctx: Context): Result {
  const status = text(ctx.resource, 'status')?.toUpperCase();
  if (status === 'APPROVAL_PENDING' || status === 'APPROVED') {
    return {
      ignored: `subscription created with status ${status}: it starts with BILLING.SUBSCRIPTION.ACTIVATED`,
    };
  }
  return subscriptionEvent(ctx, 'subscription_started');
}

function disputeResolved(ctx: Context): Result {
  const outcome = text(ctx.resource, 'dispute_outcome', 'outcome_code') ?? 'none';
  if (!SELLER_FAVOUR_OUTCOMES.has(outcome)) {
    return {
      ignored: `dispute resolved with outcome ${outcome.slice(0, MAX_QUOTED)}: money returned to the buyer arrives as its own REVERSED or REFUNDED event`,
    };
  }
  const transaction = list(ctx.resource, 'disputed_transactions')[0];
  return one(ctx, 'chargeback_reversed', disputeOrder(ctx.resource), buyerFromDispute(transaction));
}

const HANDLERS: Readonly<Record<PayPalWebhookEventType, (ctx: Context) => Result>> = {
  'PAYMENT.CAPTURE.COMPLETED': (ctx) => {
    const order = captureOrder(ctx.resource);
    return order === null
      ? { missing: `resource has no id for ${ctx.envelope.eventType}` }
      : { drafts: [capturePayment(ctx, order, null)] };
  },
  'PAYMENT.CAPTURE.PENDING': (ctx) => one(ctx, 'payment_pending', captureOrder(ctx.resource)),
  'PAYMENT.CAPTURE.DENIED': (ctx) => one(ctx, 'payment_denied', captureOrder(ctx.resource)),
  'PAYMENT.CAPTURE.DECLINED': (ctx) => one(ctx, 'payment_denied', captureOrder(ctx.resource)),
  'PAYMENT.CAPTURE.REFUNDED': (ctx) =>
    one(ctx, 'refund', captureRefundOrder(ctx.resource, text(ctx.envelope.body, 'resource_type'))),
  'PAYMENT.CAPTURE.REVERSED': (ctx) =>
    one(
      ctx,
      'chargeback',
      captureRefundOrder(ctx.resource, text(ctx.envelope.body, 'resource_type')),
    ),
  'PAYMENT.SALE.COMPLETED': (ctx) => sale(ctx, 'payment'),
  'PAYMENT.SALE.PENDING': (ctx) => sale(ctx, 'payment_pending'),
  'PAYMENT.SALE.DENIED': (ctx) => sale(ctx, 'payment_denied'),
  'PAYMENT.SALE.REFUNDED': (ctx) => saleRefund(ctx, 'refund'),
  'PAYMENT.SALE.REVERSED': (ctx) => saleRefund(ctx, 'chargeback'),
  'CHECKOUT.ORDER.APPROVED': (ctx) =>
    one(
      ctx,
      'order_approved',
      checkoutOrder(ctx.resource),
      buyerFromPayer(
        object(ctx.resource, 'payer'),
        object(ctx.resource, 'purchase_units', 0, 'shipping'),
      ),
    ),
  'CHECKOUT.ORDER.COMPLETED': orderCompleted,
  'BILLING.SUBSCRIPTION.CREATED': subscriptionCreated,
  'BILLING.SUBSCRIPTION.ACTIVATED': (ctx) => subscriptionEvent(ctx, 'subscription_started'),
  'BILLING.SUBSCRIPTION.CANCELLED': (ctx) => subscriptionEvent(ctx, 'rebill_cancelled'),
  'BILLING.SUBSCRIPTION.SUSPENDED': (ctx) => subscriptionEvent(ctx, 'subscription_suspended'),
  'BILLING.SUBSCRIPTION.EXPIRED': (ctx) => subscriptionEvent(ctx, 'last_paid_day'),
  'BILLING.SUBSCRIPTION.PAYMENT.FAILED': (ctx) => subscriptionEvent(ctx, 'payment_missed'),
  'BILLING.SUBSCRIPTION.RE-ACTIVATED': (ctx) => subscriptionEvent(ctx, 'rebill_resumed'),
  'CUSTOMER.DISPUTE.CREATED': () => ({
    ignored:
      'an opened dispute moves no money by itself; a chargeback arrives as PAYMENT.CAPTURE.REVERSED or PAYMENT.SALE.REVERSED',
  }),
  'CUSTOMER.DISPUTE.RESOLVED': disputeResolved,
};

/** True for the event types in {@link PAYPAL_WEBHOOK_EVENT_TYPES}. */
export function isHandledEventType(eventType: string): eventType is PayPalWebhookEventType {
  return Object.hasOwn(HANDLERS, eventType);
}

/**
 * Maps one verified envelope to drafts. An unhandled event type, or a handled one PayPal's
 * rules say to skip, is `ignored` (PayPal still gets its 200); a handled type without its
 * `resource` object or the resource's id is `invalid` (MISSING_FIELD). `raw` is the whole body
 * flattened to dot paths. `test` is true for sandbox sources.
 */
export function normalizePayPalWebhook(
  envelope: PayPalEnvelope,
  config: Pick<PayPalWebhooksConfig, 'environment'>,
): Normalized {
  const raw = flattenJson(envelope.body);
  const { eventType } = envelope;
  if (!isHandledEventType(eventType)) {
    const quoted = eventType.length > MAX_QUOTED ? `${eventType.slice(0, MAX_QUOTED)}…` : eventType;
    return { kind: 'ignored', reason: `PayPal event "${quoted}" is not handled`, fields: raw };
  }
  const resource = object(envelope.body, 'resource');
  if (resource === null)
    return {
      kind: 'invalid',
      code: 'MISSING_FIELD',
      reason: `${eventType} has no resource object`,
    };
  const result = HANDLERS[eventType]({
    envelope,
    resource,
    raw,
    test: config.environment === 'sandbox',
  });
  if ('ignored' in result) return { kind: 'ignored', reason: result.ignored, fields: raw };
  if ('missing' in result)
    return { kind: 'invalid', code: 'MISSING_FIELD', reason: result.missing };
  return { kind: 'events', events: result.drafts };
}
