import * as z from 'zod';
import { eventAddress } from './events.js';
import { instant, named, pageOf } from './registry.js';

export const accessStatus = named(
  'AccessStatus',
  z.enum(['active', 'suspended', 'ended', 'revoked']),
);

const productName = z.string().nullable().meta({
  description: "The product's name as the order's item named it; null when the provider sent none.",
});

const minorUnits = z
  .number()
  .int()
  .nullable()
  .meta({ description: 'Minor units (cents), in `currency`.' });

export const customer = named(
  'Customer',
  z.strictObject({
    id: z.string(),
    email: z.string(),
    firstName: z.string().nullable(),
    lastName: z.string().nullable(),
    company: z.string().nullable(),
    phone: z.string().nullable(),
    address: eventAddress.nullable(),
    createdAt: instant,
    updatedAt: instant,
  }),
);

export const customerPage = pageOf('CustomerPage', customer);

const count = z.number().int().min(0);

export const erasure = named(
  'Erasure',
  z.strictObject({
    id: z.string(),
    customerId: z.string(),
    actor: z.string().meta({ description: '`cli`, `api:token` or `api:session`.' }),
    erasedAt: instant,
    removed: z
      .strictObject({
        customers: count,
        events: count,
        inboundRequests: count,
        verifications: count,
        deliveriesCancelled: count,
        deliveries: count,
        attempts: count,
        alerts: count,
        documents: count,
        documentMails: count,
        saleMails: count,
        manualRefunds: count,
      })
      .meta({ description: 'Rows changed per kind (docs/retention.md, "Erasure").' }),
  }),
);

export const accessRow = named(
  'AccessRow',
  z.strictObject({
    id: z.string(),
    customerId: z.string(),
    productId: z.string(),
    orderId: z.string().meta({ description: 'The ledger order (`ord_…`).' }),
    externalOrderId: z.string().meta({ description: "The provider's order id." }),
    productName: productName,
    status: accessStatus,
    paidUntil: z
      .string()
      .nullable()
      .meta({ description: 'Next due payment (`YYYY-MM-DD`) while active.' }),
    grantedAt: instant,
    updatedAt: instant,
  }),
);

export const orderListItem = named(
  'OrderListItem',
  z.strictObject({
    id: z.string(),
    sourceId: z.string(),
    provider: z.string(),
    externalId: z.string().meta({ description: "The provider's order id." }),
    customerId: z.string().nullable(),
    email: z.string().nullable(),
    billingType: z.string().nullable(),
    currency: z.string().nullable(),
    status: z.string().meta({
      description: 'open, pending, paid, denied, partially_refunded, refunded or charged_back.',
    }),
    test: z.boolean(),
    createdAt: instant,
    updatedAt: instant,
  }),
);

export const orderPage = pageOf('OrderPage', orderListItem);

export const customerDetail = named(
  'CustomerDetail',
  customer.extend({
    orders: z.array(orderListItem).meta({ description: 'Newest first, at most 500.' }),
    access: z.array(accessRow),
  }),
);

export const subscription = named(
  'Subscription',
  z.strictObject({
    id: z.string(),
    orderId: z.string(),
    externalOrderId: z.string(),
    billingType: z.string().nullable(),
    paySequenceNo: z.number().int().nullable(),
    nextPaymentAt: z
      .string()
      .nullable()
      .meta({ description: '`YYYY-MM-DD`; null once cancelled or ended.' }),
    cancelled: z.boolean(),
    status: z.string().meta({ description: 'active, suspended, cancelled, ended or revoked.' }),
    updatedAt: instant,
  }),
);

export const subscriptionPage = pageOf('SubscriptionPage', subscription);

export const transaction = named(
  'Transaction',
  z.strictObject({
    id: z.string(),
    eventId: z.string(),
    externalId: z.string().nullable(),
    parentExternalId: z.string().nullable(),
    kind: z.string().meta({ description: 'payment, refund, chargeback or chargeback_reversed.' }),
    amount: minorUnits,
    currency: z.string().nullable(),
    paySequenceNo: z.number().int().nullable(),
    occurredAt: instant,
    refundOf: z
      .string()
      .nullable()
      .meta({ description: 'Refunds: the payment (`txn_…`) the refund is counted against.' }),
    refundedAmount: minorUnits.meta({
      description: 'Payments: the refunds counted against it (minor units).',
    }),
    fullyRefunded: z.boolean(),
  }),
);

export const orderTimelineEntry = named(
  'OrderTimelineEntry',
  z.strictObject({
    id: z.string().meta({ description: 'The event (`evt_…`).' }),
    type: z.string(),
    occurredAt: instant,
    receivedAt: instant,
    test: z.boolean(),
  }),
);

export const orderDetail = named(
  'OrderDetail',
  orderListItem.extend({
    paidAmount: minorUnits.meta({ description: "Sum of the payments in the order's currency." }),
    refundedAmount: minorUnits.meta({ description: "Sum of the refunds in the order's currency." }),
    items: z.array(
      z.strictObject({
        productId: z.string(),
        name: z.string().nullable(),
        quantity: z.number(),
        isAddon: z.boolean(),
        amount: minorUnits,
      }),
    ),
    transactions: z.array(transaction).meta({ description: 'Oldest first.' }),
    subscription: subscription.nullable(),
    access: z.array(accessRow),
    events: z.array(orderTimelineEntry).meta({
      description:
        "The order's timeline: every event of this order (payments, rebills, missed payments, cancellations, refunds, chargebacks), in the order they were received.",
    }),
  }),
);

export const accessCheck = named(
  'AccessCheck',
  z.strictObject({
    email: z.string(),
    productId: z.string(),
    hasAccess: z.boolean(),
    status: z.enum(['active', 'suspended', 'ended', 'revoked', 'none']),
    paidUntil: z.string().nullable(),
    grants: z.array(
      z.strictObject({
        orderId: z.string().meta({ description: "The provider's order id." }),
        ledgerOrderId: z
          .string()
          .meta({ description: 'The ledger order (`ord_…`), for `GET /orders/:id`.' }),
        productName: productName,
        orderStatus: z.string(),
        status: accessStatus,
        paidUntil: z.string().nullable(),
        grantedAt: instant,
        updatedAt: instant,
        test: z.boolean(),
      }),
    ),
  }),
);
