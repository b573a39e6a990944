/**
 * The PayPal IPN contract cases' expected results: what each fixture body
 * (`fixtures/paypal-ipn-bodies.json`) becomes once PayPal has confirmed it, by case name.
 * Dedup keys follow docs/providers.md#duplicates.
 */
import { expectedEvents as events } from '../../provider-contract.js';
import type { ExpectedNormalized } from '../../provider-contract.js';

export const expectedPayPalIpnNormalized: Readonly<Record<string, ExpectedNormalized>> = {
  'web-accept-windows-1252': events(
    { type: 'payment', dedupKey: 'pp:txn:61E67681CH3238416:Completed', test: false, orderId: '61E67681CH3238416', transactionId: '61E67681CH3238416', currency: 'EUR', amount: 1999, buyerEmail: 'joerg.mueller@example.com' },
  ),
  'web-accept-utf-8': events(
    { type: 'payment', dedupKey: 'pp:txn:7MS60425RC391734V:Completed', test: false, orderId: '7MS60425RC391734V', transactionId: '7MS60425RC391734V', currency: 'USD', amount: 1200, buyerEmail: 'j.mueller@example.org' },
  ),
  'express-checkout-no-charset': events(
    { type: 'payment', dedupKey: 'pp:txn:51403485VH153354B:Completed', test: true, orderId: '51403485VH153354B', transactionId: '51403485VH153354B', currency: 'USD', amount: 1000, buyerEmail: 'buyer_1233269544_per@example.com' },
  ),
  'cart-two-items': events(
    { type: 'payment', dedupKey: 'pp:txn:8RT24956LC1702412:Completed', test: false, orderId: '8RT24956LC1702412', transactionId: '8RT24956LC1702412', currency: 'EUR', amount: 2899, buyerEmail: 'joerg.mueller@example.com' },
  ),
  'cart-three-items': events(
    { type: 'payment', dedupKey: 'pp:txn:0VX53729RP4418205:Completed', test: false, orderId: '0VX53729RP4418205', transactionId: '0VX53729RP4418205', currency: 'EUR', amount: 4299, buyerEmail: 'joerg.mueller@example.com' },
  ),
  'subscr-signup': events(
    { type: 'subscription_started', dedupKey: 'pp:profile:I-8XJ5R2NPKW3Q:subscr_signup:10:14:58 May 14, 2024 PDT', test: false, orderId: 'I-8XJ5R2NPKW3Q', transactionId: null, currency: 'EUR', amount: null, buyerEmail: 'joerg.mueller@example.com' },
  ),
  'subscr-payment': events(
    { type: 'payment', dedupKey: 'pp:txn:3KD92741YH556204M:Completed', test: false, orderId: 'I-8XJ5R2NPKW3Q', transactionId: '3KD92741YH556204M', currency: 'EUR', amount: 990, buyerEmail: 'joerg.mueller@example.com' },
  ),
  'subscr-cancel': events(
    { type: 'rebill_cancelled', dedupKey: 'pp:profile:I-8XJ5R2NPKW3Q:subscr_cancel:18:03:11 Jun 02, 2024 PDT', test: false, orderId: 'I-8XJ5R2NPKW3Q', transactionId: null, currency: 'EUR', amount: null, buyerEmail: 'joerg.mueller@example.com' },
  ),
  'subscr-eot': events(
    { type: 'last_paid_day', dedupKey: 'pp:profile:I-8XJ5R2NPKW3Q:subscr_eot:', test: false, orderId: 'I-8XJ5R2NPKW3Q', transactionId: null, currency: 'EUR', amount: null, buyerEmail: 'joerg.mueller@example.com' },
  ),
  'subscr-failed': events(
    { type: 'payment_missed', dedupKey: 'pp:profile:I-8XJ5R2NPKW3Q:subscr_failed:03:00:00 Jun 17, 2024 PDT', test: false, orderId: 'I-8XJ5R2NPKW3Q', transactionId: null, currency: 'EUR', amount: 990, buyerEmail: 'joerg.mueller@example.com' },
  ),
  'recurring-payment': events(
    { type: 'payment', dedupKey: 'pp:txn:9TT32013VN872093K:Completed', test: false, orderId: 'I-C7PXW4M2HB9T', transactionId: '9TT32013VN872093K', currency: 'EUR', amount: 2900, buyerEmail: 'joerg.mueller@example.com' },
  ),
  'recurring-payment-profile-created': events(
    { type: 'subscription_started', dedupKey: 'pp:profile:I-C7PXW4M2HB9T:recurring_payment_profile_created:09:58:21 Mar 14, 2024 PDT', test: false, orderId: 'I-C7PXW4M2HB9T', transactionId: null, currency: 'EUR', amount: null, buyerEmail: 'joerg.mueller@example.com' },
  ),
  'recurring-payment-profile-cancel': events(
    { type: 'rebill_cancelled', dedupKey: 'pp:profile:I-C7PXW4M2HB9T:recurring_payment_profile_cancel:', test: false, orderId: 'I-C7PXW4M2HB9T', transactionId: null, currency: 'EUR', amount: null, buyerEmail: 'joerg.mueller@example.com' },
  ),
  'recurring-payment-skipped': events(
    { type: 'payment_missed', dedupKey: 'pp:profile:I-C7PXW4M2HB9T:recurring_payment_skipped:03:04:11 Jun 14, 2024 PDT', test: false, orderId: 'I-C7PXW4M2HB9T', transactionId: null, currency: 'EUR', amount: null, buyerEmail: 'joerg.mueller@example.com' },
  ),
  'recurring-payment-suspended-max-failed': events(
    { type: 'subscription_suspended', dedupKey: 'pp:profile:I-C7PXW4M2HB9T:recurring_payment_suspended_due_to_max_failed_payment:03:04:11 Jul 24, 2024 PDT', test: false, orderId: 'I-C7PXW4M2HB9T', transactionId: null, currency: 'EUR', amount: null, buyerEmail: 'joerg.mueller@example.com' },
  ),
  'refund-full': events(
    { type: 'refund', dedupKey: 'pp:txn:1P566839F9694230H:Refunded', test: false, orderId: '61E67681CH3238416', transactionId: '1P566839F9694230H', currency: 'EUR', amount: 1999, buyerEmail: 'joerg.mueller@example.com' },
  ),
  'refund-partial': events(
    { type: 'refund', dedupKey: 'pp:txn:2RX71204KJ9958331:Refunded', test: false, orderId: '61E67681CH3238416', transactionId: '2RX71204KJ9958331', currency: 'EUR', amount: 500, buyerEmail: 'joerg.mueller@example.com' },
  ),
  'reversal': events(
    { type: 'chargeback', dedupKey: 'pp:txn:9AB12345CD6789012:Reversed', test: false, orderId: '61E67681CH3238416', transactionId: '9AB12345CD6789012', currency: 'EUR', amount: 1999, buyerEmail: 'joerg.mueller@example.com' },
  ),
  'canceled-reversal': events(
    { type: 'chargeback_reversed', dedupKey: 'pp:txn:4CR55102MN7730294:Canceled_Reversal', test: false, orderId: '61E67681CH3238416', transactionId: '4CR55102MN7730294', currency: 'EUR', amount: 1999, buyerEmail: 'joerg.mueller@example.com' },
  ),
  'pending-echeck': events(
    { type: 'payment_pending', dedupKey: 'pp:txn:5EC12345AB6789012:Pending', test: false, orderId: '5EC12345AB6789012', transactionId: '5EC12345AB6789012', currency: 'EUR', amount: 1999, buyerEmail: 'joerg.mueller@example.com' },
  ),
  'completed-echeck': events(
    { type: 'payment', dedupKey: 'pp:txn:5EC12345AB6789012:Completed', test: false, orderId: '5EC12345AB6789012', transactionId: '5EC12345AB6789012', currency: 'EUR', amount: 1999, buyerEmail: 'joerg.mueller@example.com' },
  ),
  'denied': events(
    { type: 'payment_denied', dedupKey: 'pp:txn:5EC12345AB6789012:Denied', test: false, orderId: '5EC12345AB6789012', transactionId: '5EC12345AB6789012', currency: 'EUR', amount: 1999, buyerEmail: 'joerg.mueller@example.com' },
  ),
  'new-case': { kind: 'ignored' },
  'unknown-txn-type': { kind: 'held', code: null },
  'a payment_status without txn_id': { kind: 'invalid', code: 'RECEIVER_MISMATCH' },
};
