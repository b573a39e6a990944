import * as z from 'zod';
import { EVENT_TYPES } from '../../../core/events.js';
import { deliveryListItem } from './deliveries.js';
import { instant, named, pageOf } from './registry.js';

export const eventType = named('EventType', z.enum(EVENT_TYPES));

const text = z.string().nullable();

export const eventAddress = named(
  'EventAddress',
  z.strictObject({
    street: text,
    street2: text,
    zipcode: text,
    city: text,
    state: text,
    country: text,
  }),
);

export const canonicalEventFields = {
  id: z.string(),
  type: eventType,
  occurredAt: instant,
  receivedAt: instant,
  source: z.strictObject({ id: z.string(), provider: z.string(), test: z.boolean() }),
  order: z
    .strictObject({
      id: text,
      transactionId: text,
      parentTransactionId: text,
      billingType: z.enum(['single_payment', 'subscription', 'installment']).nullable(),
      paySequenceNo: z.number().int().nullable(),
      currency: text,
      amount: z.number().int().nullable().meta({ description: 'Minor units.' }),
      vat: z.number().int().nullable(),
      net: z.number().int().nullable(),
      fee: z.number().int().nullable(),
      language: text,
      items: z.array(
        z.strictObject({
          productId: z.string(),
          name: text,
          quantity: z.number(),
          isAddon: z.boolean(),
          amount: z.number().int().nullable(),
        }),
      ),
      invoiceUrl: text,
      receiptUrl: text,
      nextPaymentAt: text.meta({ description: '`YYYY-MM-DD`' }),
      custom: text,
    })
    .nullable(),
  buyer: z
    .strictObject({
      email: text,
      firstName: text,
      lastName: text,
      company: text,
      phone: text,
      address: eventAddress.nullable(),
      newsletterConsent: z.boolean().nullable(),
      language: text,
    })
    .nullable(),
  affiliate: z.strictObject({ id: text, name: text, email: text }).nullable(),
  subscription: z.strictObject({ id: text, status: text }).nullable(),
  refund: z
    .strictObject({
      full: z.boolean().meta({
        description:
          'The refunds of the payment, this one included, add up to all of it (or cannot be compared with it).',
      }),
      paymentTransactionId: text.meta({
        description: "The provider's id of the payment this refund is counted against.",
      }),
      paymentAmount: z.number().int().nullable().meta({ description: 'Minor units.' }),
      refundedTotal: z.number().int().nullable().meta({
        description: 'All refunds of that payment so far, this one included; minor units.',
      }),
    })
    .nullable()
    .optional()
    .meta({
      description:
        'Refund events: whether they refund their payment in full. Null on other types; absent on events stored before ipnhub recorded it.',
    }),
  raw: z
    .record(z.string(), z.string())
    .meta({ description: 'Every field the provider sent, as decoded.' }),
};

export const canonicalEvent = named('CanonicalEvent', z.strictObject(canonicalEventFields));

export const eventListItem = named(
  'EventListItem',
  z.strictObject({
    id: z.string(),
    type: z.string(),
    sourceId: z.string(),
    orderId: z.string().nullable().meta({ description: "The provider's order id." }),
    email: z.string().nullable(),
    test: z.boolean(),
    occurredAt: instant,
    receivedAt: instant,
  }),
);

export const eventPage = pageOf('EventPage', eventListItem);

export const ledgerEffects = named(
  'LedgerEffects',
  z.strictObject({
    order: z
      .strictObject({
        id: z.string(),
        externalId: z.string(),
        status: z.string(),
        customerId: z.string().nullable(),
      })
      .nullable()
      .meta({
        description: 'The ledger order (`ord_…`) the event belongs to, with its status now.',
      }),
    transaction: z
      .strictObject({
        id: z.string(),
        kind: z.string(),
        externalId: z.string().nullable(),
        amount: z.number().int().nullable(),
        currency: z.string().nullable(),
      })
      .nullable()
      .meta({
        description: 'The transaction the event recorded (payments, refunds, chargebacks).',
      }),
  }),
);

export const eventDetail = named(
  'EventDetail',
  z.strictObject({
    ...canonicalEventFields,
    inboundRequestId: z.string(),
    dedupKey: z.string(),
    deliveries: z.array(deliveryListItem),
    ledger: ledgerEffects,
  }),
);
