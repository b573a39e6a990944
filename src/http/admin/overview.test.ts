import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ds24Request } from '../../../test/helpers/ds24.js';
import { enabledDialects } from '../../../test/helpers/test-db.js';
import { ManualClock } from '../../lib/clock.js';
import { startAdminHarness } from './test-support/admin-harness.js';
import type { AdminHarness } from './test-support/admin-harness.js';

const PASSPHRASE = 'overview-passphrase-0123';

interface OverviewBody {
  from: string;
  to: string;
  hourly: Array<{ hour: string; verdicts: Record<string, number>; events: Record<string, number> }>;
  deliveries: Record<string, number>;
  queue: { depth: number; oldestPendingAt: string | null; oldestPendingId: string | null };
  failingConnections: Array<Record<string, unknown>>;
  rejectingSources: Array<Record<string, unknown>>;
}

for (const dialect of enabledDialects()) {
  describe(`GET /overview on ${dialect}`, () => {
    const clock = new ManualClock('2026-03-01T00:00:00.000Z');
    let h: AdminHarness;
    let sourceId: string;
    let paypalId: string;
    let hookId: string;
    let mailId: string;

    /** A Digistore24 notification received at `at` (the clock stands there while it is stored). */
    async function receive(
      at: string,
      event: string,
      overrides: Parameters<typeof ds24Request>[3] = {},
      passphrase = PASSPHRASE,
    ): Promise<void> {
      clock.set(at);
      await h.runtime.ingest.receive(sourceId, {
        ...ds24Request(sourceId, passphrase, event, overrides),
        receivedAt: new Date(at),
      });
    }

    beforeAll(async () => {
      h = await startAdminHarness(dialect, { clock });
      sourceId = (
        await h.call('POST', '/sources', {
          provider: 'digistore24',
          name: 'Shop',
          config: { passphrase: PASSPHRASE },
        })
      ).json<{ id: string }>().id;
      paypalId = (
        await h.call('POST', '/sources', {
          provider: 'paypal-ipn',
          name: 'PayPal',
          config: { receiverEmail: 'sales@example.com' },
        })
      ).json<{ id: string }>().id;
      hookId = (
        await h.call('POST', '/connections', {
          connector: 'webhook',
          name: 'Billing',
          config: { url: 'https://billing.example.com/in' },
        })
      ).json<{ id: string }>().id;
      mailId = (
        await h.call('POST', '/connections', {
          connector: 'email',
          name: 'Chargebacks',
          filters: { eventTypes: ['chargeback'] },
          config: { to: ['me@example.com'] },
        })
      ).json<{ id: string }>().id;
      // Outside a 30-day window.
      await receive('2026-03-01T00:00:00.000Z', 'on_payment', {
        orderId: 'OLD1',
        transactionId: '1',
      });
      await receive('2026-05-10T09:15:00.000Z', 'on_payment', {
        orderId: 'A1',
        transactionId: '11',
      });
      await receive('2026-05-10T09:45:00.000Z', 'on_payment', {
        orderId: 'A2',
        transactionId: '12',
      });
      await receive('2026-05-10T11:05:00.000Z', 'on_refund', {
        orderId: 'A1',
        transactionId: '13',
      });
      await receive(
        '2026-05-10T11:10:00.000Z',
        'on_payment',
        { orderId: 'A3' },
        'a-wrong-passphrase',
      );
      clock.set('2026-05-10T12:30:00.000Z');

      // The billing hook: A1's payment died, A2's failed for good, the refund waits for a retry.
      const deliveries = await h.db
        .selectFrom('deliveries')
        .innerJoin('events', 'events.id', 'deliveries.event_id')
        .select(['deliveries.id as id', 'events.order_ref as order', 'events.type as type'])
        .execute();
      const of = (order: string, type: string) =>
        deliveries.find((d) => d.order === order && d.type === type)?.id ?? '';
      await h.db
        .updateTable('deliveries')
        .set({
          status: 'dead',
          attempts: 8,
          last_error: 'HTTP 503',
          completed_at: '2026-05-10T10:00:00.000Z',
          updated_at: '2026-05-10T10:00:00.000Z',
        })
        .where('id', '=', of('A1', 'payment'))
        .execute();
      await h.db
        .updateTable('deliveries')
        .set({
          status: 'failed',
          attempts: 1,
          last_error: 'HTTP 400 bad field',
          completed_at: '2026-05-10T10:30:00.000Z',
          updated_at: '2026-05-10T10:30:00.000Z',
        })
        .where('id', '=', of('A2', 'payment'))
        .execute();
      await h.db
        .updateTable('deliveries')
        .set({
          attempts: 2,
          last_error: 'timeout',
          next_attempt_at: '2026-05-10T13:00:00.000Z',
          updated_at: '2026-05-10T12:00:00.000Z',
        })
        .where('id', '=', of('A1', 'refund'))
        .execute();
      // A PayPal IPN whose postback has not got an answer yet.
      await h.db
        .insertInto('verifications')
        .values({
          inbound_request_id: 'req_01JPENDING0000000000000000',
          source_id: paypalId,
          attempts: 3,
          next_attempt_at: '2026-05-10T13:00:00.000Z',
          lease_until: null,
          last_error: 'HTTP 503',
        })
        .execute();
    });
    afterAll(async () => h.close());

    it('counts notifications per UTC hour by verdict and events by type, over the last 30 days by default', async () => {
      const res = await h.call('GET', '/overview');
      expect(res.status).toBe(200);
      const body = res.json<OverviewBody>();
      expect(body.from).toBe('2026-04-10T12:30:00.000Z');
      expect(body.to).toBe('2026-05-10T12:30:00.000Z');
      expect(body.hourly).toEqual([
        { hour: '2026-05-10T09', verdicts: { accepted: 2 }, events: { payment: 2 } },
        { hour: '2026-05-10T11', verdicts: { accepted: 1, rejected: 1 }, events: { refund: 1 } },
      ]);
    });

    it('counts the deliveries created in the window by status, and the queue now', async () => {
      const body = (await h.call('GET', '/overview')).json<OverviewBody>();
      expect(body.deliveries).toEqual({
        pending: 1,
        delivering: 0,
        delivered: 0,
        skipped: 0,
        failed: 1,
        dead: 1,
      });
      // The old payment's delivery is still pending: the queue is everything unfinished, whenever it was made.
      const old = await h.db
        .selectFrom('deliveries')
        .innerJoin('events', 'events.id', 'deliveries.event_id')
        .select('deliveries.id as id')
        .where('events.order_ref', '=', 'OLD1')
        .executeTakeFirstOrThrow();
      expect(body.queue).toEqual({
        depth: 2,
        oldestPendingAt: '2026-03-01T00:00:00.000Z',
        oldestPendingId: old.id,
      });
    });

    it('lists failing connections with their latest problem, and sources whose notifications are rejected or unverified', async () => {
      const body = (await h.call('GET', '/overview')).json<OverviewBody>();
      expect(body.failingConnections).toEqual([
        {
          id: hookId,
          name: 'Billing',
          connector: 'webhook',
          dead: 1,
          failed: 1,
          retrying: 1,
          lastError: 'timeout',
          lastAttemptAt: '2026-05-10T12:00:00.000Z',
        },
      ]);
      expect(body.failingConnections.map((c) => c.id)).not.toContain(mailId);
      expect(body.rejectingSources).toEqual([
        {
          id: sourceId,
          name: 'Shop',
          provider: 'digistore24',
          rejected: 1,
          lastCode: 'SIGNATURE_INVALID',
          lastReason: expect.any(String),
          lastAt: '2026-05-10T11:10:00.000Z',
          unverified: 0,
          lastVerificationError: null,
        },
        {
          id: paypalId,
          name: 'PayPal',
          provider: 'paypal-ipn',
          rejected: 0,
          lastCode: null,
          lastReason: null,
          lastAt: null,
          unverified: 1,
          lastVerificationError: 'HTTP 503',
        },
      ]);
    });

    it('takes the window in hours', async () => {
      const body = (await h.call('GET', '/overview?hours=2')).json<OverviewBody>();
      expect(body.from).toBe('2026-05-10T10:30:00.000Z');
      expect(body.hourly.map((hour) => hour.hour)).toEqual(['2026-05-10T11']);
      expect(body.deliveries).toEqual({
        pending: 1,
        delivering: 0,
        delivered: 0,
        skipped: 0,
        failed: 0,
        dead: 0,
      });
      // The dead delivery ended before the window, the failed one at its start; the retry is still waiting.
      expect(body.failingConnections).toEqual([
        expect.objectContaining({ id: hookId, dead: 0, failed: 1, retrying: 1 }),
      ]);
      const year = (await h.call('GET', '/overview?hours=8784')).json<OverviewBody>();
      expect(year.hourly.map((hour) => hour.hour)).toEqual([
        '2026-03-01T00',
        '2026-05-10T09',
        '2026-05-10T11',
      ]);
      for (const hours of ['0', '8785', '1.5', 'many']) {
        const res = await h.call('GET', `/overview?hours=${hours}`);
        expect(res.status, hours).toBe(400);
        expect(res.json<{ error: { code: string } }>().error.code).toBe('VALIDATION_FAILED');
      }
    });

    it('is empty on a quiet database', async () => {
      clock.set('2027-01-01T00:00:00.000Z');
      const body = (await h.call('GET', '/overview?hours=24')).json<OverviewBody>();
      clock.set('2026-05-10T12:30:00.000Z');
      expect(body.hourly).toEqual([]);
      expect(body.deliveries).toEqual({
        pending: 0,
        delivering: 0,
        delivered: 0,
        skipped: 0,
        failed: 0,
        dead: 0,
      });
      expect(body.failingConnections).toEqual([
        expect.objectContaining({ id: hookId, dead: 0, failed: 0, retrying: 1 }),
      ]);
      expect(body.rejectingSources).toEqual([
        expect.objectContaining({ id: paypalId, rejected: 0, unverified: 1 }),
      ]);
    });
  });
}
