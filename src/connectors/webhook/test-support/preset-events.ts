/**
 * One sample event per event type for the flat-body fixture
 * (`../fixtures/flat-bodies.json`): the sample payment, with what each type carries on top of
 * it (the refunded payment, the subscription, the affiliate, the buyer's consent).
 */
import type { CanonicalEvent, EventType } from '../../../core/events.js';
import { sampleEvent } from '../../sample-event.js';

const SUBSCRIPTION_TYPES: readonly EventType[] = [
  'subscription_started',
  'payment_missed',
  'rebill_cancelled',
  'rebill_resumed',
  'subscription_suspended',
  'last_paid_day',
];

export function presetEvent(type: EventType): CanonicalEvent {
  const base = sampleEvent(type);
  const { order, buyer } = base;
  // The sample event always has both; the check keeps the types honest.
  if (!order || !buyer) throw new Error('the sample event lacks its order or buyer');
  if (type === 'refund' || type === 'chargeback' || type === 'chargeback_reversed')
    return sampleEvent(type, {
      order: {
        ...order,
        transactionId: '91000002',
        parentTransactionId: '91000001',
        // Amounts are positive for refunds too (docs/providers.md).
      },
      ...(type === 'refund'
        ? {
            refund: {
              full: true,
              paymentTransactionId: '91000001',
              paymentAmount: 9700,
              refundedTotal: 9700,
            },
          }
        : {}),
    });
  if (SUBSCRIPTION_TYPES.includes(type))
    return sampleEvent(type, {
      order: {
        ...order,
        billingType: 'subscription',
        paySequenceNo: 2,
        nextPaymentAt: '2024-06-14',
      },
      subscription: {
        id: 'SUB-4711',
        status: type === 'rebill_cancelled' ? 'cancelled' : 'active',
      },
    });
  if (type === 'affiliation')
    return sampleEvent(type, {
      affiliate: { id: 'maxpartner', name: 'Max Partner', email: 'max@partner.example' },
    });
  if (type === 'payment')
    return sampleEvent(type, {
      buyer: { ...buyer, phone: '+49 30 1234567', newsletterConsent: true },
      affiliate: { id: 'maxpartner', name: 'Max Partner', email: 'max@partner.example' },
    });
  return base;
}
