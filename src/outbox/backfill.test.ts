/**
 * Backfill ("send past events to this connection") through the admin API on both dialects:
 * the dry run, once per event and connection (a repeat, a live delivery that exists, two
 * backfills racing, and the unique index itself), order per order, the pace, live traffic
 * first in the claim, the delivery log's marker, and the refusals.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ds24Request } from '../../test/helpers/ds24.js';
import { enabledDialects } from '../../test/helpers/test-db.js';
import { startWebhookSink } from '../../test/fakes/webhook-sink.js';
import type { WebhookSink } from '../../test/fakes/webhook-sink.js';
import { claimDueDeliveries } from '../db/claim-deliveries.js';
import { ManualClock } from '../lib/clock.js';
import type { BackfillResult } from './backfill.js';
import { startAdminHarness } from '../http/admin/test-support/admin-harness.js';
import type { AdminHarness } from '../http/admin/test-support/admin-harness.js';

const PASSPHRASE = 'backfill-passphrase-0123';
const NOW = '2026-05-10T12:00:00.000Z';

type Backfilled = BackfillResult;

interface ListedDelivery {
  id: string;
  eventId: string;
  eventType: string;
  status: string;
  origin: string;
  nextAttemptAt: string;
}

for (const dialect of enabledDialects()) {
  describe(`backfill on ${dialect}`, () => {
    const clock = new ManualClock(NOW);
    let h: AdminHarness;
    let sink: WebhookSink;
    let sourceId: string;
    let otherSourceId: string;

    const receive = async (
      source: string,
      event: string,
      at: string,
      overrides: { orderId: string; transactionId: string; productId?: string },
    ) => {
      const result = await h.runtime.ingest.receive(source, {
        ...ds24Request(source, PASSPHRASE, event, overrides),
        receivedAt: new Date(at),
      });
      if (result.outcome.kind !== 'accepted') throw new Error(`not accepted: ${event}`);
      return result.outcome.eventIds[0] ?? '';
    };
    const addConnection = async (name: string, filters: object, active = true) =>
      (
        await h.call('POST', '/connections', {
          connector: 'webhook',
          name,
          active,
          filters,
          config: { url: `${sink.url}/${name}`, mapping: { order: 'order.id', event: 'event' } },
        })
      ).json<{ id: string }>().id;
    const backfill = (connectionId: string, body: object) =>
      h.call('POST', `/connections/${connectionId}/backfill`, body);
    const deliveriesOf = async (connectionId: string, query = '') =>
      (await h.call('GET', `/deliveries?connectionId=${connectionId}&limit=200${query}`)).json<{
        data: ListedDelivery[];
      }>().data;

    beforeAll(async () => {
      sink = await startWebhookSink();
      h = await startAdminHarness(dialect, { clock, config: { backfillPerSecond: 2 } });
      const create = async (name: string) =>
        (
          await h.call('POST', '/sources', {
            provider: 'digistore24',
            name,
            config: { passphrase: PASSPHRASE },
          })
        ).json<{ id: string }>().id;
      sourceId = await create('Shop');
      otherSourceId = await create('Other shop');
      // Past events, received before any connection existed.
      await receive(sourceId, 'on_payment', '2026-05-01T09:00:00.000Z', {
        orderId: 'O1',
        transactionId: '11',
      });
      await receive(sourceId, 'on_refund', '2026-05-02T09:00:00.000Z', {
        orderId: 'O1',
        transactionId: '12',
      });
      await receive(sourceId, 'on_payment', '2026-05-03T09:00:00.000Z', {
        orderId: 'O2',
        transactionId: '21',
      });
      // Not taken by the filters below (another product), and one of another source.
      await receive(sourceId, 'on_payment', '2026-05-03T10:00:00.000Z', {
        orderId: 'O3',
        transactionId: '31',
        productId: '999999',
      });
      await receive(otherSourceId, 'on_payment', '2026-05-04T09:00:00.000Z', {
        orderId: 'O4',
        transactionId: '41',
      });
    });
    afterAll(async () => {
      await h.close();
      await sink.close();
    });

    it("counts in a dry run what the connection's filters take, then creates each delivery once, marked backfill and paced", async () => {
      const hook = await addConnection('hook', { productIds: ['543210'] });
      const range = { from: '2026-05-01T00:00:00Z', to: '2026-05-05T00:00:00Z' };

      const dry = await backfill(hook, { ...range, dryRun: true });
      expect(dry.status).toBe(202);
      expect(dry.json<Backfilled>()).toEqual({
        dryRun: true,
        from: '2026-05-01T00:00:00.000Z',
        to: '2026-05-05T00:00:00.000Z',
        matched: 4,
        existing: 0,
        created: 4,
        lastDueAt: null,
      });
      expect(await deliveriesOf(hook)).toEqual([]);

      // Narrowed to one source and two types: O1's payment and refund and O2's payment.
      const narrow = { ...range, sources: [sourceId], eventTypes: ['payment', 'refund'] };
      expect((await backfill(hook, { ...narrow, dryRun: true })).json<Backfilled>().matched).toBe(
        3,
      );
      const done = (await backfill(hook, narrow)).json<Backfilled>();
      // Two per second: the third becomes due one second after the first two.
      expect(done).toEqual({
        ...done,
        dryRun: false,
        matched: 3,
        existing: 0,
        created: 3,
        lastDueAt: '2026-05-10T12:00:01.000Z',
      });
      const created = await deliveriesOf(hook);
      expect(created.map((d) => [d.eventType, d.status, d.origin])).toEqual([
        ['payment', 'pending', 'backfill'],
        ['refund', 'pending', 'backfill'],
        ['payment', 'pending', 'backfill'],
      ]);
      expect(created.map((d) => d.nextAttemptAt).sort()).toEqual([
        '2026-05-10T12:00:00.000Z',
        '2026-05-10T12:00:00.000Z',
        '2026-05-10T12:00:01.000Z',
      ]);
      expect(await deliveriesOf(hook, '&origin=backfill')).toHaveLength(3);
      expect(await deliveriesOf(hook, '&origin=live')).toEqual([]);

      // The whole range again: only the fourth event is new; the pace goes on after the others.
      const again = (await backfill(hook, range)).json<Backfilled>();
      expect(again).toMatchObject({ matched: 4, existing: 3, created: 1 });
      expect(again.lastDueAt).toBe('2026-05-10T12:00:02.000Z');
      expect((await backfill(hook, range)).json<Backfilled>()).toMatchObject({
        matched: 4,
        existing: 4,
        created: 0,
        lastDueAt: null,
      });
      expect(await deliveriesOf(hook)).toHaveLength(4);

      // They go out when due, each order in event order: O1's payment before its refund.
      clock.advance(5_000);
      const before = sink.requests.length;
      await h.runtime.worker.runOnce();
      await h.runtime.worker.runOnce();
      const sent = (await sink.waitForRequests(before + 4))
        .slice(before)
        .map((r) => JSON.stringify(r.json));
      expect(sent.indexOf('{"order":"O1","event":"payment"}')).toBeLessThan(
        sent.indexOf('{"order":"O1","event":"refund"}'),
      );
      expect([...sent].sort()).toEqual([
        '{"order":"O1","event":"payment"}',
        '{"order":"O1","event":"refund"}',
        '{"order":"O2","event":"payment"}',
        '{"order":"O4","event":"payment"}',
      ]);
      expect((await deliveriesOf(hook)).map((d) => d.status)).toEqual([
        'delivered',
        'delivered',
        'delivered',
        'delivered',
      ]);
    });

    it('never creates a second delivery for an event that has a live one, nor when two backfills race', async () => {
      const racing = await addConnection('racing', {});
      // A live event: fan-out gives it a delivery to the new connection at once.
      clock.set('2026-05-10T13:00:00.000Z');
      const live = await receive(sourceId, 'on_payment', '2026-05-10T12:30:00.000Z', {
        orderId: 'O9',
        transactionId: '91',
      });
      expect((await deliveriesOf(racing)).map((d) => [d.eventId, d.origin])).toEqual([
        [live, 'live'],
      ]);
      const range = { from: '2026-05-01T00:00:00Z', to: '2026-05-11T00:00:00Z' };
      const results = await Promise.all([
        h.runtime.admin.backfill({ connectionId: racing, ...range }),
        h.runtime.admin.backfill({ connectionId: racing, ...range }),
        h.runtime.admin.backfill({ connectionId: racing, ...range }),
      ]);
      for (const result of results) expect(result.matched).toBe(6);
      // Between them, every past event got exactly one delivery; the live one kept its own.
      expect(results.reduce((sum, r) => sum + r.created, 0)).toBe(5);
      const rows = await deliveriesOf(racing);
      expect(rows).toHaveLength(6);
      expect(new Set(rows.map((d) => d.eventId)).size).toBe(6);
      expect(rows.filter((d) => d.origin === 'live').map((d) => d.eventId)).toEqual([live]);

      // The database itself refuses a second delivery of an event to a connection.
      const [first] = rows;
      await expect(
        h.db
          .insertInto('deliveries')
          .values({
            id: 'dlv_second',
            event_id: first?.eventId ?? '',
            connection_id: racing,
            order_key: 'x',
            status: 'pending',
            attempts: 0,
            next_attempt_at: NOW,
            lease_owner: null,
            lease_expires_at: null,
            trigger: 'scheduled',
            last_error: null,
            created_at: NOW,
            updated_at: NOW,
            completed_at: null,
            origin: 'backfill',
          })
          .execute(),
      ).rejects.toSatisfy((err: unknown) => h.runtime.dbHandle.adapter.isUniqueViolation(err));
    });

    it('lets a live delivery queued after a big backfill go first', async () => {
      clock.set('2026-05-11T00:00:00.000Z');
      const big = await addConnection('big', {});
      for (let i = 0; i < 12; i++)
        await receive(otherSourceId, 'on_payment', `2026-05-05T10:00:${String(10 + i)}.000Z`, {
          orderId: `B${i}`,
          transactionId: `B${i}`,
        });
      // Only the backfill below is waiting: everything so far counts as sent, and the
      // connection's own live deliveries of the twelve are taken back.
      await h.db
        .updateTable('deliveries')
        .set({ status: 'delivered' })
        .where('status', 'in', ['pending', 'delivering'])
        .execute();
      await h.db.deleteFrom('deliveries').where('connection_id', '=', big).execute();
      const result = await h.runtime.admin.backfill({
        connectionId: big,
        from: '2026-05-01T00:00:00Z',
      });
      expect(result.created).toBe(18);
      // Later, every backfill delivery is due; then a live one arrives.
      clock.set('2026-05-12T00:00:00.000Z');
      const live = await receive(sourceId, 'on_payment', '2026-05-12T00:00:00.000Z', {
        orderId: 'LIVE',
        transactionId: 'LIVE1',
      });
      const claim = (limit: number) =>
        claimDueDeliveries(h.db, h.runtime.dbHandle.adapter, {
          now: clock.now().toISOString(),
          owner: 'test',
          leaseUntil: '2026-05-12T01:00:00.000Z',
          limit,
        });
      const [first, ...none] = await claim(1);
      expect(none).toEqual([]);
      expect([first?.event_id, first?.origin]).toEqual([live, 'live']);
      // The live event's other deliveries (to the earlier connections) next, then the backfill
      // ones in the slots left; O1's refund waits for its payment.
      const next = await claim(50);
      expect(next.map((d) => d.origin)).toEqual([
        'live',
        'live',
        ...Array.from({ length: 17 }, () => 'backfill'),
      ]);
    });

    it('refuses an unknown connection or source, an empty or future range and a switched-off connection; nothing matching creates nothing', async () => {
      clock.set(NOW);
      const off = await addConnection('off', {}, false);
      const narrow = await addConnection('narrow', { eventTypes: ['chargeback'] });
      const range = { from: '2026-05-01T00:00:00Z', to: '2026-05-05T00:00:00Z' };
      const code = async (connectionId: string, body: object) => {
        const res = await backfill(connectionId, body);
        return [res.status, res.json<{ error: { code: string } }>().error.code];
      };
      expect(await code('con_01JNOSUCHCONNECTION0000000', range)).toEqual([404, 'NOT_FOUND']);
      expect(await code(narrow, { ...range, sources: ['src_nosuch'] })).toEqual([404, 'NOT_FOUND']);
      expect(await code(narrow, { from: range.to, to: range.from })).toEqual([
        400,
        'INVALID_RANGE',
      ]);
      expect(await code(narrow, { from: range.from, to: range.from })).toEqual([
        400,
        'INVALID_RANGE',
      ]);
      expect(await code(narrow, { from: '2026-06-01T00:00:00Z' })).toEqual([400, 'INVALID_RANGE']);
      expect(await code(off, range)).toEqual([409, 'CONNECTION_INACTIVE']);
      expect(await code(narrow, {})).toEqual([400, 'VALIDATION_FAILED']);
      expect(await code(narrow, { ...range, eventTypes: ['purchase'] })).toEqual([
        400,
        'VALIDATION_FAILED',
      ]);
      expect((await backfill(narrow, range)).json<Backfilled>()).toMatchObject({
        matched: 0,
        created: 0,
        lastDueAt: null,
      });
      expect(await deliveriesOf(off)).toEqual([]);
      expect(await deliveriesOf(narrow)).toEqual([]);
    });
  });
}
