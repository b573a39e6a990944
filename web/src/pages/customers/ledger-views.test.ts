/**
 * The ledger as the pages read it: a buyer's access per product (the server's rule for the
 * deciding grant) and an order's timeline with what each refund did at its time.
 */
import { describe, expect, it } from 'vitest';
import { accessByProduct } from './access-summary.js';
import type { AccessRow } from './access-summary.js';
import { orderTimeline, refundFacts } from './order-timeline.js';
import type { OrderDetail, Transaction } from './order-timeline.js';

function grant(
  id: string,
  productId: string,
  status: AccessRow['status'],
  paidUntil: string | null,
  grantedAt: string,
  productName: string | null = null,
): AccessRow {
  return {
    id,
    customerId: 'cus_1',
    productId,
    productName,
    orderId: `ord_${id}`,
    externalOrderId: `O-${id}`,
    status,
    paidUntil,
    grantedAt,
    updatedAt: grantedAt,
  };
}

describe('access per product', () => {
  it('decides by the best grant: any active one gives access, with the latest paid-until among the active', () => {
    const products = accessByProduct([
      grant('1', 'P1', 'revoked', null, '2026-01-01T00:00:00.000Z', 'Course'),
      grant('2', 'P1', 'active', '2026-06-01', '2026-02-01T00:00:00.000Z'),
      grant('3', 'P1', 'active', '2026-07-01', '2026-03-01T00:00:00.000Z'),
      grant('4', 'P2', 'suspended', null, '2026-01-05T00:00:00.000Z'),
      grant('5', 'P2', 'ended', null, '2026-01-06T00:00:00.000Z'),
    ]);
    expect(
      products.map((p) => [
        p.productId,
        p.productName,
        p.status,
        p.paidUntil,
        p.grants.map((g) => g.id),
      ]),
    ).toEqual([
      ['P1', 'Course', 'active', '2026-07-01', ['3', '2', '1']],
      ['P2', null, 'suspended', null, ['4', '5']],
    ]);
  });

  it('lists products with access first, then by name', () => {
    const products = accessByProduct([
      grant('1', 'B', 'revoked', null, '2026-01-01T00:00:00.000Z', 'Beta'),
      grant('2', 'Z', 'active', null, '2026-01-01T00:00:00.000Z', 'Zeta'),
      grant('3', 'A', 'active', null, '2026-01-01T00:00:00.000Z', 'Alpha'),
    ]);
    expect(products.map((p) => p.productId)).toEqual(['A', 'Z', 'B']);
    expect(accessByProduct([])).toEqual([]);
  });
});

function txn(
  id: string,
  kind: string,
  amount: number | null,
  extra: Partial<Transaction> = {},
): Transaction {
  return {
    id,
    eventId: `evt_${id}`,
    externalId: id,
    parentExternalId: null,
    kind,
    amount,
    currency: 'EUR',
    paySequenceNo: null,
    occurredAt: '2026-05-01T00:00:00.000Z',
    refundOf: null,
    refundedAmount: null,
    fullyRefunded: false,
    ...extra,
  };
}

describe('refunds on the timeline', () => {
  const payment = txn('p1', 'payment', 9700, { refundedAmount: 9700, fullyRefunded: true });
  const first = txn('r1', 'refund', 2000, { refundOf: 'p1' });
  const second = txn('r2', 'refund', 7700, {
    refundOf: 'p1',
    occurredAt: '2026-06-03T00:00:00.000Z',
  });
  const transactions = [payment, first, second];

  it('say what each refund did at its time: the first was partial, the second completed the payment', () => {
    expect(refundFacts(first, transactions)).toEqual({ payment, full: false, refundedSoFar: 2000 });
    expect(refundFacts(second, transactions)).toEqual({ payment, full: true, refundedSoFar: 9700 });
  });

  it('count as full what cannot be compared: no recorded payment, no amount, another currency', () => {
    const orphan = txn('r3', 'refund', 500);
    expect(refundFacts(orphan, [orphan])).toEqual({
      payment: null,
      full: true,
      refundedSoFar: null,
    });
    const unknown = txn('r4', 'refund', null, { refundOf: 'p1' });
    expect(refundFacts(unknown, [payment, unknown]).full).toBe(true);
    const dollars = txn('r5', 'refund', 100, { refundOf: 'p1', currency: 'USD' });
    expect(refundFacts(dollars, [payment, dollars])).toMatchObject({
      full: true,
      refundedSoFar: null,
    });
  });

  it('puts every event of the order in the order received, each with the transaction it recorded', () => {
    const order = {
      currency: 'EUR',
      test: false,
      transactions,
      events: [
        {
          id: 'evt_p1',
          type: 'payment',
          occurredAt: '2026-05-01T00:00:00.000Z',
          receivedAt: '2026-05-01T00:00:01.000Z',
          test: false,
        },
        {
          id: 'evt_m1',
          type: 'payment_missed',
          occurredAt: '2026-06-01T00:00:00.000Z',
          receivedAt: '2026-06-01T00:00:01.000Z',
          test: false,
        },
        {
          id: 'evt_r1',
          type: 'refund',
          occurredAt: '2026-06-02T00:00:00.000Z',
          receivedAt: '2026-06-02T00:00:01.000Z',
          test: false,
        },
      ],
    } as unknown as OrderDetail;
    const timeline = orderTimeline(order);
    expect(
      timeline.map((entry) => [
        entry.type,
        entry.transaction?.id ?? null,
        entry.refund?.full ?? null,
      ]),
    ).toEqual([
      ['payment', 'p1', null],
      ['payment_missed', null, null],
      ['refund', 'r1', false],
      // A transaction whose event is listed under another order still shows here.
      ['refund', 'r2', true],
    ]);
  });
});
