/**
 * The ledger as Digistore24 event sequences drive it (docs/protocols/digistore24.md#typical-sequences), through
 * the real ingest pipeline, on both dialects.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestRuntime } from '../../test/helpers/test-runtime.js';
import type { TestRuntime } from '../../test/helpers/test-runtime.js';
import { enabledDialects } from '../../test/helpers/test-db.js';
import { ds24Request } from '../../test/helpers/ds24.js';
import type { Digistore24SampleOverrides } from '../providers/digistore24/sign-request.js';

const PASS = 'ledger-pass';

for (const dialect of enabledDialects()) {
  describe(`ledger on ${dialect}`, () => {
    let rt: TestRuntime;
    let sourceId: string;

    beforeEach(async () => {
      rt = await createTestRuntime(dialect);
      sourceId = (
        await rt.sources.create({
          provider: 'digistore24',
          name: 'ds24',
          config: { passphrase: PASS },
        })
      ).id;
    });
    afterEach(async () => rt.dispose());

    const send = (
      event: string,
      overrides: Digistore24SampleOverrides & { extra?: Record<string, string> } = {},
    ) =>
      rt.ingest.receive(
        sourceId,
        ds24Request(sourceId, PASS, event, {
          email: 'anna@example.com',
          productId: '777',
          ...overrides,
        }),
      );

    async function access(orderId: string) {
      return rt.dbHandle.db
        .selectFrom('access')
        .innerJoin('orders', 'orders.id', 'access.order_id')
        .select(['access.status', 'access.paid_until', 'access.product_id'])
        .where('orders.external_id', '=', orderId)
        .execute();
    }

    async function subscription(orderId: string) {
      return rt.dbHandle.db
        .selectFrom('subscriptions')
        .innerJoin('orders', 'orders.id', 'subscriptions.order_id')
        .select([
          'subscriptions.status',
          'subscriptions.cancelled',
          'subscriptions.pay_sequence_no',
          'subscriptions.next_payment_at',
        ])
        .where('orders.external_id', '=', orderId)
        .executeTakeFirst();
    }

    async function counts() {
      const tables = [
        'events',
        'customers',
        'orders',
        'order_items',
        'transactions',
        'subscriptions',
        'access',
        'deliveries',
      ] as const;
      const out: Record<string, number> = {};
      for (const t of tables) {
        const row = await rt.dbHandle.db
          .selectFrom(t)
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow();
        out[t] = Number(row.n);
      }
      return out;
    }

    it('grants on payment and revokes on refund; the refund is recorded as a transaction', async () => {
      expect((await send('on_payment', { orderId: 'ORD1', transactionId: '1' })).outcome.kind).toBe(
        'accepted',
      );
      expect(await access('ORD1')).toEqual([
        { status: 'active', paid_until: null, product_id: '777' },
      ]);
      await send('on_refund', { orderId: 'ORD1', transactionId: '2' });
      expect(await access('ORD1')).toEqual([
        { status: 'revoked', paid_until: null, product_id: '777' },
      ]);
      const kinds = await rt.dbHandle.db
        .selectFrom('transactions')
        .select(['kind', 'amount', 'external_id'])
        .orderBy('external_id')
        .execute();
      expect(kinds).toEqual([
        { kind: 'payment', amount: 9700, external_id: '1' },
        { kind: 'refund', amount: 9700, external_id: '2' },
      ]);
      const order = await rt.dbHandle.db
        .selectFrom('orders')
        .select(['status', 'currency'])
        .where('external_id', '=', 'ORD1')
        .executeTakeFirstOrThrow();
      expect(order).toEqual({ status: 'refunded', currency: 'EUR' });
    });

    it('changes nothing when the same transaction is sent again', async () => {
      await send('on_payment', { orderId: 'ORD2', transactionId: '10' });
      const before = await counts();
      const again = await send('on_payment', { orderId: 'ORD2', transactionId: '10' });
      expect(again.outcome.kind).toBe('duplicate');
      expect(again.ack.body).toBe('OK');
      expect(await counts()).toEqual(before);
    });

    it('follows a subscription: pay, miss (suspend), pay again, cancel (still active), last paid day (ended)', async () => {
      const sub = { orderId: 'SUB1', billingType: 'subscription' as const };
      await send('on_payment', {
        ...sub,
        transactionId: '100',
        paySequenceNo: 1,
        extra: { next_payment_at: '2024-06-01' },
      });
      expect(await access('SUB1')).toEqual([
        { status: 'active', paid_until: '2024-06-01', product_id: '777' },
      ]);
      expect(await subscription('SUB1')).toMatchObject({
        status: 'active',
        cancelled: 0,
        pay_sequence_no: 1,
        next_payment_at: '2024-06-01',
      });

      await send('on_payment_missed', { ...sub, paySequenceNo: 2 });
      expect((await access('SUB1'))[0]?.status).toBe('suspended');
      expect(await subscription('SUB1')).toMatchObject({ status: 'suspended', pay_sequence_no: 1 });

      await send('on_payment', {
        ...sub,
        transactionId: '101',
        paySequenceNo: 2,
        extra: { next_payment_at: '2024-07-01' },
      });
      expect(await access('SUB1')).toEqual([
        { status: 'active', paid_until: '2024-07-01', product_id: '777' },
      ]);
      expect(await subscription('SUB1')).toMatchObject({
        status: 'active',
        pay_sequence_no: 2,
        next_payment_at: '2024-07-01',
      });

      await send('on_rebill_cancelled', { ...sub, paySequenceNo: 2 });
      expect((await access('SUB1'))[0]?.status).toBe('active');
      expect(await subscription('SUB1')).toMatchObject({ status: 'cancelled', cancelled: 1 });

      await send('on_rebill_resumed', { ...sub, paySequenceNo: 2 });
      expect(await subscription('SUB1')).toMatchObject({ status: 'active', cancelled: 0 });
      await send('on_rebill_cancelled', {
        ...sub,
        paySequenceNo: 2,
        extra: { rebill_stop_noted_at: '2024-06-20 10:00:00' },
      });
      expect(await subscription('SUB1')).toMatchObject({ cancelled: 1 });

      await send('last_paid_day', { ...sub, paySequenceNo: 2 });
      expect((await access('SUB1'))[0]?.status).toBe('ended');
      expect((await subscription('SUB1'))?.status).toBe('ended');
    });

    it('does not re-grant when a payment arrives after the refund that reversed it', async () => {
      await send('on_refund', { orderId: 'ORD3', transactionId: '21' });
      expect((await access('ORD3'))[0]?.status).toBe('revoked');
      await send('on_payment', { orderId: 'ORD3', transactionId: '20' });
      expect((await access('ORD3'))[0]?.status).toBe('revoked');
    });

    async function orderOf(orderId: string) {
      return rt.dbHandle.db
        .selectFrom('orders')
        .select(['status'])
        .where('external_id', '=', orderId)
        .executeTakeFirstOrThrow();
    }

    it('keeps access after a partial refund, records its amount, and revokes once the refunds add up to the payment', async () => {
      await send('on_payment', { orderId: 'PART1', transactionId: '300', amount: '97.00' });
      await send('on_refund', { orderId: 'PART1', transactionId: '301', amount: '20.00' });
      expect(await access('PART1')).toEqual([
        { status: 'active', paid_until: null, product_id: '777' },
      ]);
      expect(await orderOf('PART1')).toEqual({ status: 'partially_refunded' });
      const refunds = await rt.dbHandle.db
        .selectFrom('transactions')
        .select(['kind', 'amount', 'currency'])
        .where('external_id', '=', '301')
        .execute();
      expect(refunds).toEqual([{ kind: 'refund', amount: 2000, currency: 'EUR' }]);

      await send('on_refund', { orderId: 'PART1', transactionId: '302', amount: '77.00' });
      expect((await access('PART1'))[0]?.status).toBe('revoked');
      expect(await orderOf('PART1')).toEqual({ status: 'refunded' });

      // The stored refund events say so too, for the connectors that act on them.
      const events = await rt.dbHandle.db
        .selectFrom('events')
        .select(['payload'])
        .where('order_ref', '=', 'PART1')
        .where('type', '=', 'refund')
        .orderBy('id')
        .execute();
      expect(events.map((e) => (JSON.parse(e.payload) as { refund: unknown }).refund)).toEqual([
        { full: false, paymentTransactionId: '300', paymentAmount: 9700, refundedTotal: 2000 },
        { full: true, paymentTransactionId: '300', paymentAmount: 9700, refundedTotal: 9700 },
      ]);
    });

    it('compares a subscription refund with the rebill it refunds, not with everything paid', async () => {
      const sub = { orderId: 'SUBR1', billingType: 'subscription' as const, amount: '29.00' };
      await send('on_payment', {
        ...sub,
        transactionId: '400',
        paySequenceNo: 1,
        extra: { transaction_date: '2024-05-14', next_payment_at: '2024-06-14' },
      });
      await send('on_payment', {
        ...sub,
        transactionId: '401',
        paySequenceNo: 2,
        extra: { transaction_date: '2024-06-14', next_payment_at: '2024-07-14' },
      });
      // 10.00 of the June rebill back: access and the plan stay.
      await send('on_refund', {
        ...sub,
        transactionId: '402',
        paySequenceNo: 2,
        amount: '10.00',
        extra: { transaction_date: '2024-06-20' },
      });
      expect((await access('SUBR1'))[0]?.status).toBe('active');
      expect(await subscription('SUBR1')).toMatchObject({
        status: 'active',
        next_payment_at: '2024-07-14',
      });
      expect(await orderOf('SUBR1')).toEqual({ status: 'partially_refunded' });
      // The rest of that rebill: its refunds add up to it (19 + 10 = 29), though 58.00 were paid in all.
      await send('on_refund', {
        ...sub,
        transactionId: '403',
        paySequenceNo: 2,
        amount: '19.00',
        extra: { transaction_date: '2024-06-21' },
      });
      expect((await access('SUBR1'))[0]?.status).toBe('revoked');
      expect(await subscription('SUBR1')).toMatchObject({
        status: 'revoked',
        next_payment_at: null,
      });
      expect(await orderOf('SUBR1')).toEqual({ status: 'refunded' });
    });

    it('counts a refund against the payment of its own product in an order with an upsell', async () => {
      await send('on_payment', {
        orderId: 'UPS1',
        productId: '777',
        transactionId: '500',
        amount: '97.00',
        extra: { transaction_time: '09:00:00' },
      });
      await send('on_payment', {
        orderId: 'UPS1',
        productId: '778',
        upsellNo: 1,
        transactionId: '501',
        amount: '19.00',
        extra: { transaction_time: '09:05:00' },
      });
      const statuses = async () =>
        Object.fromEntries((await access('UPS1')).map((row) => [row.product_id, row.status]));
      // 50.00 of the main product's 97.00 back: partial, although more than the later upsell cost.
      await send('on_refund', {
        orderId: 'UPS1',
        productId: '777',
        transactionId: '502',
        amount: '50.00',
      });
      expect(await statuses()).toEqual({ '777': 'active', '778': 'active' });
      // All of the upsell's 19.00 back: only the upsell goes.
      await send('on_refund', {
        orderId: 'UPS1',
        productId: '778',
        upsellNo: 1,
        transactionId: '503',
        amount: '19.00',
      });
      expect(await statuses()).toEqual({ '777': 'active', '778': 'revoked' });
    });

    it('grants after all when a payment arrives after its partial refund, and not after a full one', async () => {
      await send('on_refund', {
        orderId: 'LATE1',
        transactionId: '601',
        amount: '20.00',
        extra: { parent_transaction_id: '600' },
      });
      // Nothing to compare with yet: treated as a full refund.
      expect((await access('LATE1'))[0]?.status).toBe('revoked');
      await send('on_payment', { orderId: 'LATE1', transactionId: '600', amount: '97.00' });
      expect((await access('LATE1'))[0]?.status).toBe('active');
      expect(await orderOf('LATE1')).toEqual({ status: 'partially_refunded' });

      await send('on_refund', {
        orderId: 'LATE2',
        transactionId: '611',
        amount: '97.00',
        extra: { parent_transaction_id: '610' },
      });
      await send('on_payment', { orderId: 'LATE2', transactionId: '610', amount: '97.00' });
      expect((await access('LATE2'))[0]?.status).toBe('revoked');
      expect(await orderOf('LATE2')).toEqual({ status: 'refunded' });
    });

    it('revokes on a chargeback of any amount', async () => {
      await send('on_payment', { orderId: 'CB1', transactionId: '700', amount: '97.00' });
      await send('on_chargeback', { orderId: 'CB1', transactionId: '701', amount: '10.00' });
      expect((await access('CB1'))[0]?.status).toBe('revoked');
      expect(await orderOf('CB1')).toEqual({ status: 'charged_back' });
      // A partial refund after the chargeback changes neither.
      await send('on_refund', { orderId: 'CB1', transactionId: '702', amount: '5.00' });
      expect((await access('CB1'))[0]?.status).toBe('revoked');
      expect(await orderOf('CB1')).toEqual({ status: 'charged_back' });
    });

    it('does not suspend for a missed payment that has already been paid', async () => {
      const sub = { orderId: 'SUB2', billingType: 'subscription' as const };
      await send('on_payment', { ...sub, transactionId: '200', paySequenceNo: 3 });
      await send('on_payment_missed', { ...sub, paySequenceNo: 3 });
      expect((await access('SUB2'))[0]?.status).toBe('active');
    });

    it('rebill_resumed and rebill_cancelled never create access', async () => {
      await send('on_rebill_resumed', { orderId: 'SUB3', billingType: 'subscription' });
      await send('on_rebill_cancelled', { orderId: 'SUB4', billingType: 'subscription' });
      expect(await access('SUB3')).toEqual([]);
      expect(await access('SUB4')).toEqual([]);
    });

    it('keeps one customer per e-mail and keeps known names when a later IPN leaves them empty', async () => {
      await send('on_payment', {
        orderId: 'ORD5',
        transactionId: '30',
        email: 'Mixed.Case@Example.com',
      });
      await send('on_payment', {
        orderId: 'ORD6',
        transactionId: '31',
        email: 'mixed.case@example.com',
        extra: { address_first_name: '', buyer_first_name: '' },
      });
      const customers = await rt.dbHandle.db
        .selectFrom('customers')
        .select(['email', 'first_name'])
        .execute();
      expect(customers).toEqual([{ email: 'mixed.case@example.com', first_name: 'Anna' }]);
      const orders = await rt.dbHandle.db.selectFrom('orders').select('customer_id').execute();
      expect(new Set(orders.map((o) => o.customer_id)).size).toBe(1);
    });

    it('records affiliations without an order id: no ledger order, and each delivery stands on its own', async () => {
      await rt.connections.create({
        connector: 'webhook',
        name: 'partners',
        config: { url: 'https://partners.example.com/hook' },
      });
      const first = await send('on_affiliation', {
        productId: '777',
        email: 'max.partner@example.org',
      });
      const second = await send('on_affiliation', {
        productId: '778',
        email: 'max.partner@example.org',
      });
      expect([first.outcome.kind, second.outcome.kind]).toEqual(['accepted', 'accepted']);
      const events = await rt.dbHandle.db
        .selectFrom('events')
        .select(['id', 'order_ref', 'dedup_key', 'payload'])
        .orderBy('id')
        .execute();
      expect(events.map((e) => e.order_ref)).toEqual([null, null]);
      expect(
        events.map((e) => (JSON.parse(e.payload) as { order: { id: string | null } }).order.id),
      ).toEqual([null, null]);
      // The internal key is only the dedup key.
      expect(events.map((e) => e.dedup_key)).toEqual([
        `${sourceId}:ds24:affiliation:maxpartner:777`,
        `${sourceId}:ds24:affiliation:maxpartner:778`,
      ]);
      expect((await counts()).orders).toBe(0);
      // Not one order key shared by every affiliation (which would queue them behind each other).
      const deliveries = await rt.dbHandle.db
        .selectFrom('deliveries')
        .select(['event_id', 'order_key'])
        .orderBy('event_id')
        .execute();
      expect(deliveries).toEqual(events.map((e) => ({ event_id: e.id, order_key: e.id })));
    });

    it('stores every request, also rejected and ignored ones, with its verdict', async () => {
      await rt.ingest.receive(
        sourceId,
        ds24Request(sourceId, 'wrong', 'on_payment', { orderId: 'X1' }),
      );
      await rt.ingest.receive(sourceId, ds24Request(sourceId, PASS, 'eticket', { orderId: 'X2' }));
      const rows = await rt.dbHandle.db
        .selectFrom('inbound_requests')
        .select(['verdict', 'verdict_code'])
        .orderBy('id')
        .execute();
      expect(rows).toEqual([
        { verdict: 'rejected', verdict_code: 'SIGNATURE_INVALID' },
        { verdict: 'ignored', verdict_code: null },
      ]);
      expect((await counts()).events).toBe(0);
    });

    it('commits concurrent notifications together and acknowledges each only after its commit', async () => {
      const results = await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          send('on_payment', { orderId: `CC${i}`, transactionId: String(5000 + i) }),
        ),
      );
      expect(results.every((r) => r.outcome.kind === 'accepted' && r.ack.body === 'OK')).toBe(true);
      expect((await counts()).events).toBe(40);
    });
  });
}
