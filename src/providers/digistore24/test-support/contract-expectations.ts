/**
 * The Digistore24 contract cases' expected results: what each signed example payload
 * (`fixtures/digistore24-ipn-examples.json`) becomes, by case name. Dedup keys follow
 * docs/protocols/digistore24.md#billing-types-rebills-and-idempotency.
 */
import { expectedEvents as events } from '../../provider-contract.js';
import type { ExpectedNormalized } from '../../provider-contract.js';

export const expectedDigistore24Normalized: Readonly<Record<string, ExpectedNormalized>> = {
  '1. on_payment — first (and only) payment of a single-payment product': events(
    { type: 'payment', dedupKey: 'ds24:K7QX2M9P:on_payment:91000001', test: false, orderId: 'K7QX2M9P', transactionId: '91000001', currency: 'EUR', amount: 9700, buyerEmail: 'anna.beispiel@example.com' },
  ),
  '2. on_payment — rebill of a monthly subscription (pay_sequence_no=4)': events(
    { type: 'payment', dedupKey: 'ds24:R3TW8N2D:on_payment:91000777', test: false, orderId: 'R3TW8N2D', transactionId: '91000777', currency: 'EUR', amount: 2900, buyerEmail: 'anna.beispiel@example.com' },
  ),
  '3. on_refund — refund of example 1': events(
    { type: 'refund', dedupKey: 'ds24:K7QX2M9P:on_refund:91000333', test: false, orderId: 'K7QX2M9P', transactionId: '91000333', currency: 'EUR', amount: 9700, buyerEmail: 'anna.beispiel@example.com' },
  ),
  '4. on_chargeback — chargeback on a payment of example 2': events(
    { type: 'chargeback', dedupKey: 'ds24:R3TW8N2D:on_chargeback:91000888', test: false, orderId: 'R3TW8N2D', transactionId: '91000888', currency: 'EUR', amount: 2900, buyerEmail: 'anna.beispiel@example.com' },
  ),
  '5. on_payment_missed — rebill of example 2 failed': events(
    { type: 'payment_missed', dedupKey: 'ds24:R3TW8N2D:on_payment_missed:5:', test: false, orderId: 'R3TW8N2D', transactionId: null, currency: 'EUR', amount: 2900, buyerEmail: 'anna.beispiel@example.com' },
  ),
  '6. on_rebill_cancelled — buyer cancelled the subscription of example 2': events(
    { type: 'rebill_cancelled', dedupKey: 'ds24:R3TW8N2D:on_rebill_cancelled:4:2024-05-10 20:15:00', test: false, orderId: 'R3TW8N2D', transactionId: null, currency: 'EUR', amount: 2900, buyerEmail: 'anna.beispiel@example.com' },
  ),
  '7. last_paid_day — paid period of example 2 has ended': events(
    { type: 'last_paid_day', dedupKey: 'ds24:R3TW8N2D:last_paid_day:4:2024-05-10 20:15:00', test: false, orderId: 'R3TW8N2D', transactionId: null, currency: 'EUR', amount: 2900, buyerEmail: 'anna.beispiel@example.com' },
  ),
  '8. on_affiliation — a new affiliate was accepted for a product': events(
    { type: 'affiliation', dedupKey: 'ds24:affiliation:maxpartner:543210', test: false, orderId: null, transactionId: null, currency: null, amount: null, buyerEmail: 'max.partner@example.org' },
  ),
  '9. connection_test — "Test connection" button in the IPN settings': events(
    { type: 'connection_test', dedupKey: 'ds24:connection_test', test: false, orderId: null, transactionId: null, currency: null, amount: null, buyerEmail: null },
  ),
  'an unknown event, signed': { kind: 'ignored' },
};
