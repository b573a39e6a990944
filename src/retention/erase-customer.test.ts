/**
 * Erasure of a buyer's personal data on both dialects, through the real ingest, worker and a
 * real webhook target: afterwards the e-mail and the name are nowhere in the database (on
 * SQLite: in no byte of the file and its WAL, also URL-encoded; on PostgreSQL: in no row of
 * any table), while amounts, order and transaction ids stay, another buyer is untouched, a
 * pending delivery is cancelled, and a later notification for the same e-mail makes a new
 * customer while an exact resend of an erased one changes nothing.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ManualClock } from '../lib/clock.js';
import type { InboundRequest } from '../providers/provider.js';
import type { WebhookSink } from '../../test/fakes/webhook-sink.js';
import { ds24Request } from '../../test/helpers/ds24.js';
import { enabledDialects } from '../../test/helpers/test-db.js';
import type { TestRuntime } from '../../test/helpers/test-runtime.js';
import { startRetentionStage } from './test-support/stage.js';
import type { RetentionStage } from './test-support/stage.js';
import { findTraces } from './test-support/traces.js';
import { CANCELLED_BY_ERASURE, eraseCustomer, erasedEmail } from './erase-customer.js';

const PASSPHRASE = 'erasure-passphrase';
const EMAIL = 'zelinda.quarantotto@example.net';
const FIRST = 'Zelinda';
const LAST = 'Quarantotto';
const STREET = 'Vicolo Brunoldi 17';
const OTHER = 'bruno.keller@example.org';

/** A signed payment of `email` with unmistakable names and street. */
function payment(
  sourceId: string,
  clock: ManualClock,
  email: string,
  orderId: string,
  transactionId: string,
  passphrase = PASSPHRASE,
): InboundRequest {
  const names: Record<string, string> =
    email.toLowerCase() === EMAIL
      ? {
          buyer_first_name: FIRST,
          buyer_last_name: LAST,
          address_first_name: FIRST,
          address_last_name: LAST,
          address_street: STREET,
        }
      : {};
  return {
    ...ds24Request(sourceId, passphrase, 'on_payment', {
      email,
      orderId,
      transactionId,
      amount: '49.00',
      extra: names,
    }),
    receivedAt: clock.now(),
  };
}

/** Every text the e-mail and the names may appear as. */
const SECRETS = [
  EMAIL,
  encodeURIComponent(EMAIL),
  'Zelinda.Quarantotto@Example.NET',
  FIRST,
  LAST,
  'Brunoldi',
];

for (const dialect of enabledDialects()) {
  describe(`erasure of a buyer's personal data on ${dialect}`, () => {
    let clock: ManualClock;
    let runtime: TestRuntime;
    let sink: WebhookSink;
    let sourceId: string;
    let stage: RetentionStage;

    beforeEach(async () => {
      stage = await startRetentionStage(dialect, '2026-03-01T10:00:00.000Z', PASSPHRASE);
      ({ clock, runtime, sink, ds24: sourceId } = stage);
    });

    afterEach(() => stage.dispose());

    async function receive(req: InboundRequest): Promise<string> {
      const result = await runtime.ingest.receive(sourceId, req);
      return result.outcome.kind;
    }

    const traces = (): Promise<string[]> => findTraces(runtime, SECRETS);

    it('leaves no trace of the e-mail or the name, keeps the accounting, cancels what is pending', async () => {
      const { db } = runtime.dbHandle;
      expect(await receive(payment(sourceId, clock, EMAIL, 'ORD-A1', 'TX-A1'))).toBe('accepted');
      expect(await receive(payment(sourceId, clock, OTHER, 'ORD-B1', 'TX-B1'))).toBe('accepted');
      // Delivered: the attempt keeps what was sent, e-mail included.
      await runtime.worker.runOnce();
      expect(sink.requests.length).toBe(2);
      // A second order of the same buyer, written in capitals by the provider, still pending.
      clock.advance(60_000);
      expect(
        await receive(
          payment(sourceId, clock, 'Zelinda.Quarantotto@Example.NET', 'ORD-A2', 'TX-A2'),
        ),
      ).toBe('accepted');
      // A forged request that names the buyer: rejected, but stored with its body.
      expect(
        await receive(payment(sourceId, clock, EMAIL, 'ORD-A3', 'TX-A3', 'wrong-passphrase')),
      ).toBe('rejected');
      expect((await traces()).length).toBeGreaterThan(0);

      const customer = await db
        .selectFrom('customers')
        .select('id')
        .where('email', '=', EMAIL)
        .executeTakeFirstOrThrow();
      const erasure = await eraseCustomer(
        { db, adapter: runtime.dbHandle.adapter, clock },
        customer.id,
        'cli',
      );
      expect(erasure).not.toBeNull();
      expect(erasure?.removed).toMatchObject({
        customers: 1,
        events: 2,
        inboundRequests: 3,
        deliveriesCancelled: 1,
        attempts: 1,
      });

      expect(await traces()).toEqual([]);

      // The customer row stays, anonymised; its orders and their amounts stay.
      const row = await db
        .selectFrom('customers')
        .selectAll()
        .where('id', '=', customer.id)
        .executeTakeFirstOrThrow();
      expect(row).toMatchObject({
        email: erasedEmail(customer.id),
        first_name: null,
        last_name: null,
        address: null,
      });
      const orders = await db
        .selectFrom('orders')
        .innerJoin('transactions', 'transactions.order_id', 'orders.id')
        .select(['orders.external_id', 'transactions.external_id as tx', 'transactions.amount'])
        .where('orders.customer_id', '=', customer.id)
        .orderBy('orders.external_id')
        .execute();
      expect(orders.map((o) => [o.external_id, o.tx, Number(o.amount)])).toEqual([
        ['ORD-A1', 'TX-A1', 4900],
        ['ORD-A2', 'TX-A2', 4900],
      ]);
      // The pending delivery is cancelled; the audit record names no e-mail.
      const cancelled = await db
        .selectFrom('deliveries')
        .select(['status', 'last_error'])
        .where('status', '=', 'skipped')
        .execute();
      expect(cancelled).toEqual([{ status: 'skipped', last_error: CANCELLED_BY_ERASURE }]);
      const audit = await db.selectFrom('erasures').selectAll().executeTakeFirstOrThrow();
      expect(audit).toMatchObject({ customer_id: customer.id, actor: 'cli' });
      expect(JSON.stringify(audit)).not.toContain('zelinda');

      // The other buyer is untouched.
      const other = await db
        .selectFrom('customers')
        .select('id')
        .where('email', '=', OTHER)
        .executeTakeFirst();
      expect(other).toBeDefined();
      const otherBody = await db
        .selectFrom('inbound_requests')
        .innerJoin('events', 'events.inbound_request_id', 'inbound_requests.id')
        .select('inbound_requests.raw_body')
        .where('events.customer_email', '=', OTHER)
        .executeTakeFirstOrThrow();
      expect(Buffer.from(otherBody.raw_body).toString()).toContain(encodeURIComponent(OTHER));

      // An exact resend of an erased notification is a duplicate and makes no customer.
      clock.advance(60_000);
      expect(await receive(payment(sourceId, clock, EMAIL, 'ORD-A1', 'TX-A1'))).toBe('duplicate');
      expect(
        await db.selectFrom('customers').select('id').where('email', '=', EMAIL).execute(),
      ).toEqual([]);
      // A new notification for the same e-mail makes a new customer.
      expect(await receive(payment(sourceId, clock, EMAIL, 'ORD-A4', 'TX-A4'))).toBe('accepted');
      const again = await db
        .selectFrom('customers')
        .select('id')
        .where('email', '=', EMAIL)
        .executeTakeFirstOrThrow();
      expect(again.id).not.toBe(customer.id);
    });

    it('answers null for an unknown customer and records nothing', async () => {
      const { db, adapter } = runtime.dbHandle;
      expect(await eraseCustomer({ db, adapter, clock }, 'cus_unknown', 'cli')).toBeNull();
      expect(await db.selectFrom('erasures').selectAll().execute()).toEqual([]);
    });
  });
}
