/**
 * The PayPal webhooks contract cases' expected results: what each verified delivery becomes, by
 * case name. Dedup keys follow docs/protocols/paypal.md#webhook-delivery-retries-and-idempotency.
 */
import { expectedEvents as events } from '../../provider-contract.js';
import type { ExpectedNormalized } from '../../provider-contract.js';

export const expectedPayPalWebhooksNormalized: Readonly<Record<string, ExpectedNormalized>> = {
  'PayPal sandbox vector WH-01': events({
    type: 'payment',
    dedupKey: 'ppwh:WH-0G2756385H040842W-5Y612302CV158622M',
    test: true,
    orderId: '4EU7004268015634R',
    transactionId: '4EU7004268015634R',
    currency: 'USD',
    amount: 2000,
    buyerEmail: null,
  }),
  'PayPal sandbox vector WH-02': events({
    type: 'payment',
    dedupKey: 'ppwh:WH-2W7266712B616591M-36507203HX6402335',
    test: true,
    orderId: '7DW85331GX749735N',
    transactionId: '7DW85331GX749735N',
    currency: 'USD',
    amount: 2000,
    buyerEmail: null,
  }),
  'PayPal sandbox vector WH-03': events({
    type: 'payment',
    dedupKey: 'ppwh:WH-9UG43882HX7271132-6E0871324L7949614',
    test: true,
    orderId: '80F85758S3080410K',
    transactionId: '80F85758S3080410K',
    currency: 'USD',
    amount: 2100,
    buyerEmail: null,
  }),
  'a completed capture signed by a test certificate': events({
    type: 'payment',
    dedupKey: 'ppwh:capture:3C679366HH908993F:payment',
    test: false,
    orderId: '3C679366HH908993F',
    transactionId: '3C679366HH908993F',
    currency: 'EUR',
    amount: 9700,
    buyerEmail: null,
  }),
  'a completed checkout order': events({
    type: 'payment',
    dedupKey: 'ppwh:capture:3C679366HH908993F:payment',
    test: false,
    orderId: '3C679366HH908993F',
    transactionId: '3C679366HH908993F',
    currency: 'EUR',
    amount: 9700,
    buyerEmail: 'anna.beispiel@example.com',
  }),
  'a subscription payment failure': events({
    type: 'payment_missed',
    dedupKey: 'ppwh:WH-SAMPLE-BILLING-SUBSCRIPTION-PAYMENT-FAILED',
    test: false,
    orderId: 'I-BW452GLLEP1G',
    transactionId: null,
    currency: 'EUR',
    amount: 9700,
    buyerEmail: 'anna.beispiel@example.com',
  }),
  'an event type the hub does not handle': { kind: 'ignored' },
};
