/**
 * A complete, realistic canonical event for connection tests and connector contract tests,
 * shaped like a Digistore24 `on_payment` IPN (docs/protocols/digistore24.md#example-payloads, example 1): order
 * K7QX2M9P, product 543210 "Online Course Basic", 97.00 EUR, buyer Anna Beispiel in Berlin.
 * Every field is filled, so mappings and templates show what they will produce.
 */
import type { CanonicalEvent, EventType } from '../core/events.js';

/** Digistore24's `event` parameter for each canonical type (docs/protocols/digistore24.md#events). */
const DIGISTORE24_EVENT_NAMES: Readonly<Record<EventType, string>> = {
  payment: 'on_payment',
  payment_pending: 'on_payment',
  payment_denied: 'payment_denial',
  refund: 'on_refund',
  chargeback: 'on_chargeback',
  chargeback_reversed: 'on_chargeback',
  payment_missed: 'on_payment_missed',
  subscription_started: 'on_payment',
  rebill_cancelled: 'on_rebill_cancelled',
  rebill_resumed: 'on_rebill_resumed',
  subscription_suspended: 'on_payment_missed',
  last_paid_day: 'last_paid_day',
  order_approved: 'on_payment',
  affiliation: 'on_affiliation',
  connection_test: 'connection_test',
};

/** Returns a fresh object each call; `overrides` replace whole top-level fields. */
export function sampleEvent(
  type: EventType = 'payment',
  overrides: Partial<CanonicalEvent> = {},
): CanonicalEvent {
  return {
    id: 'evt_01HXZ3M8Q4000000000000SAMP',
    type,
    occurredAt: '2024-05-14T07:12:45.000Z',
    receivedAt: '2024-05-14T07:12:46.000Z',
    source: { id: 'src_01HXZ3M8Q40000000000000SRC', provider: 'digistore24', test: false },
    order: {
      id: 'K7QX2M9P',
      transactionId: '91000001',
      parentTransactionId: null,
      billingType: 'single_payment',
      paySequenceNo: 0,
      currency: 'EUR',
      amount: 9700,
      vat: 1549,
      net: 8151,
      fee: null,
      language: 'en',
      items: [
        {
          productId: '543210',
          name: 'Online Course Basic',
          quantity: 1,
          isAddon: false,
          amount: 9700,
        },
      ],
      invoiceUrl: 'https://www.digistore24.com/invoice/K7QX2M9P/91000001/ABCD1234.pdf',
      receiptUrl: 'https://www.digistore24.com/receipt/543210/K7QX2M9P/ABCD1234',
      nextPaymentAt: null,
      custom: 'crm_contact=42',
    },
    buyer: {
      email: 'anna.beispiel@example.com',
      firstName: 'Anna',
      lastName: 'Beispiel',
      company: null,
      phone: null,
      address: {
        street: 'Musterstraße 5',
        street2: null,
        zipcode: '10115',
        city: 'Berlin',
        state: null,
        country: 'DE',
      },
      newsletterConsent: null,
      language: 'en',
    },
    affiliate: null,
    subscription: null,
    refund:
      type === 'refund'
        ? { full: true, paymentTransactionId: '91000001', paymentAmount: 9700, refundedTotal: 9700 }
        : null,
    raw: {
      api_mode: 'live',
      ipn_version: '1.6',
      event: DIGISTORE24_EVENT_NAMES[type],
      order_id: 'K7QX2M9P',
      order_date_time: '2024-05-14 09:12:44',
      product_id: '543210',
      product_name: 'Online Course Basic',
      quantity: '1',
      billing_type: 'single_payment',
      pay_sequence_no: '0',
      currency: 'EUR',
      amount: '97.00',
      amount_netto: '81.51',
      amount_vat: '15.49',
      transaction_id: '91000001',
      transaction_type: type === 'refund' ? 'refund' : 'payment',
      email: 'anna.beispiel@example.com',
      buyer_email: 'anna.beispiel@example.com',
      buyer_first_name: 'Anna',
      buyer_last_name: 'Beispiel',
      address_street: 'Musterstraße 5',
      address_zipcode: '10115',
      address_city: 'Berlin',
      address_country: 'DE',
      language: 'en',
      custom: 'crm_contact=42',
      newsletter_choice: 'none',
      invoice_url: 'https://www.digistore24.com/invoice/K7QX2M9P/91000001/ABCD1234.pdf',
      receipt_url: 'https://www.digistore24.com/receipt/543210/K7QX2M9P/ABCD1234',
    },
    ...overrides,
  };
}
