import { describe, expect, it } from 'vitest';
import {
  isFullRefund,
  refundedPayment,
  refundOutcome,
  refundsByPayment,
} from './refunded-payments.js';
import type { LedgerTransaction } from './refunded-payments.js';

let seq = 0;
function txn(kind: string, fields: Partial<LedgerTransaction> = {}): LedgerTransaction {
  seq += 1;
  return {
    id: `txn_${String(seq).padStart(4, '0')}`,
    kind,
    externalId: null,
    parentExternalId: null,
    productId: null,
    amount: 9700,
    currency: 'EUR',
    occurredAt: '2026-01-10T00:00:00.000Z',
    ...fields,
  };
}

describe('refundedPayment', () => {
  it('is the payment the refund names', () => {
    const first = txn('payment', { externalId: 'P1', occurredAt: '2026-01-01T00:00:00.000Z' });
    const second = txn('payment', { externalId: 'P2', occurredAt: '2026-02-01T00:00:00.000Z' });
    const refund = txn('refund', {
      parentExternalId: 'P1',
      occurredAt: '2026-03-01T00:00:00.000Z',
    });
    expect(refundedPayment(refund, [first, second, refund])).toBe(first);
  });

  it('is none when the named payment is not recorded (yet), even if other payments are', () => {
    const other = txn('payment', { externalId: 'P1' });
    const refund = txn('refund', { parentExternalId: 'P9' });
    expect(refundedPayment(refund, [other, refund])).toBeNull();
  });

  it('without a name: the latest payment of the refund’s product at or before it', () => {
    const course = txn('payment', { productId: 'course', occurredAt: '2026-01-01T00:00:00.000Z' });
    const upsell = txn('payment', { productId: 'upsell', occurredAt: '2026-01-01T00:05:00.000Z' });
    const refund = txn('refund', { productId: 'course', occurredAt: '2026-01-05T00:00:00.000Z' });
    expect(refundedPayment(refund, [course, upsell, refund])).toBe(course);
  });

  it('without a name or product match: the latest payment at or before the refund (the last rebill), else the latest', () => {
    const rebill1 = txn('payment', { occurredAt: '2026-01-01T00:00:00.000Z' });
    const rebill2 = txn('payment', { occurredAt: '2026-02-01T00:00:00.000Z' });
    const rebill3 = txn('payment', { occurredAt: '2026-03-01T00:00:00.000Z' });
    const refund = txn('refund', { productId: 'unknown', occurredAt: '2026-02-15T00:00:00.000Z' });
    expect(refundedPayment(refund, [rebill1, rebill2, rebill3, refund])).toBe(rebill2);
    const early = txn('refund', { occurredAt: '2025-12-01T00:00:00.000Z' });
    expect(refundedPayment(early, [rebill1, rebill2, rebill3, early])).toBe(rebill3);
    expect(refundedPayment(early, [early])).toBeNull();
  });
});

describe('refundsByPayment and isFullRefund', () => {
  it('adds the refunds of a payment up: partial until they reach the payment', () => {
    const payment = txn('payment', { externalId: 'P1', amount: 9700 });
    const first = txn('refund', { parentExternalId: 'P1', amount: 2000 });
    expect(refundsByPayment([payment, first]).get(payment.id)).toEqual({
      refunded: 2000,
      full: false,
    });
    expect(isFullRefund(first, [payment, first])).toBe(false);
    const rest = txn('refund', { parentExternalId: 'P1', amount: 7700 });
    expect(refundsByPayment([payment, first, rest]).get(payment.id)).toEqual({
      refunded: 9700,
      full: true,
    });
    expect(isFullRefund(rest, [payment, first, rest])).toBe(true);
  });

  it('counts more than was paid as a full refund', () => {
    const payment = txn('payment', { externalId: 'P1', amount: 1000 });
    const refund = txn('refund', { parentExternalId: 'P1', amount: 1500 });
    expect(isFullRefund(refund, [payment, refund])).toBe(true);
  });

  it('keeps the refunds of one payment apart from another payment of the order', () => {
    const rebill1 = txn('payment', { externalId: 'P1', amount: 2900 });
    const rebill2 = txn('payment', { externalId: 'P2', amount: 2900 });
    const refund = txn('refund', { parentExternalId: 'P2', amount: 2900 });
    const result = refundsByPayment([rebill1, rebill2, refund]);
    expect(result.get(rebill2.id)).toEqual({ refunded: 2900, full: true });
    expect(result.has(rebill1.id)).toBe(false);
  });

  it('takes what cannot be compared as a full refund: no payment, an unknown amount, another currency', () => {
    const lone = txn('refund', { parentExternalId: 'P1', amount: 1 });
    expect(isFullRefund(lone, [lone])).toBe(true);
    const unpriced = txn('payment', { externalId: 'P2', amount: null });
    const small = txn('refund', { parentExternalId: 'P2', amount: 1 });
    expect(isFullRefund(small, [unpriced, small])).toBe(true);
    const payment = txn('payment', { externalId: 'P3', amount: 9700 });
    const unknown = txn('refund', { parentExternalId: 'P3', amount: null });
    expect(refundsByPayment([payment, unknown]).get(payment.id)).toEqual({
      refunded: null,
      full: true,
    });
    const dollars = txn('refund', { parentExternalId: 'P3', amount: 100, currency: 'USD' });
    expect(isFullRefund(dollars, [payment, dollars])).toBe(true);
    const noCurrency = txn('refund', { parentExternalId: 'P3', amount: 100, currency: null });
    expect(isFullRefund(noCurrency, [payment, noCurrency])).toBe(false);
  });
});

describe('refundOutcome', () => {
  it('tells a refund, not yet recorded, whether it completes its payment, with the totals', () => {
    const payment = txn('payment', { externalId: 'P1', amount: 9700 });
    const first = txn('refund', { parentExternalId: 'P1', amount: 2000 });
    expect(refundOutcome(first, [payment])).toEqual({
      full: false,
      paymentTransactionId: 'P1',
      paymentAmount: 9700,
      refundedTotal: 2000,
    });
    const rest = txn('refund', { parentExternalId: 'P1', amount: 7700 });
    expect(refundOutcome(rest, [payment, first])).toEqual({
      full: true,
      paymentTransactionId: 'P1',
      paymentAmount: 9700,
      refundedTotal: 9700,
    });
  });

  it('is a full refund when its payment is not recorded, naming the payment it names', () => {
    const lone = txn('refund', { parentExternalId: 'P9', amount: 100 });
    expect(refundOutcome(lone, [])).toEqual({
      full: true,
      paymentTransactionId: 'P9',
      paymentAmount: null,
      refundedTotal: null,
    });
  });
});
