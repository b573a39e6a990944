import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enabledDialects } from '../../../test/helpers/test-db.js';
import { newId } from '../../core/ids.js';
import { ManualClock } from '../../lib/clock.js';
import { insertDelivery, insertEvent, startAdminHarness } from './test-support/admin-harness.js';
import type { AdminHarness } from './test-support/admin-harness.js';

const NOW = '2026-03-01T10:00:00.000Z';
/** When `insertDelivery` makes a delivery due unless told otherwise. */
const SEEDED = '2026-01-01T00:00:00.000Z';

interface ErrorBody {
  error: { code: string; message: string };
}

for (const dialect of enabledDialects()) {
  describe(`admin API deliveries on ${dialect}`, () => {
    let h: AdminHarness;
    let eventId: string;

    beforeAll(async () => {
      h = await startAdminHarness(dialect, { clock: new ManualClock(NOW) });
      eventId = await insertEvent(h.db, { type: 'payment' });
    });
    afterAll(async () => h.close());

    it('shows a delivery with its attempts, oldest first', async () => {
      const id = await insertDelivery(h.db, {
        eventId,
        connectionId: newId('connection'),
        status: 'dead',
        attempts: 2,
        lastError: 'HTTP 500',
      });
      await h.db
        .insertInto('attempts')
        .values([
          {
            id: newId('attempt'),
            delivery_id: id,
            attempt_no: 1,
            trigger: 'scheduled',
            started_at: '2026-01-01T00:00:00.000Z',
            duration_ms: 12,
            outcome: 'retry',
            status_code: 503,
            response: 'busy',
            error: 'HTTP 503',
          },
          {
            id: newId('attempt'),
            delivery_id: id,
            attempt_no: 2,
            trigger: 'scheduled',
            started_at: '2026-01-01T00:00:05.000Z',
            duration_ms: 30,
            outcome: 'failed',
            status_code: null,
            response: null,
            error: 'HTTP 500',
          },
        ])
        .execute();
      const res = await h.call('GET', `/deliveries/${id}`);
      expect(res.status).toBe(200);
      expect(res.json()).toMatchObject({
        id,
        eventId,
        eventType: 'payment',
        status: 'dead',
        attemptCount: 2,
        lastError: 'HTTP 500',
        // Its connection id names no connection (deleted since).
        connectionActive: null,
        attempts: [
          {
            attemptNo: 1,
            trigger: 'scheduled',
            startedAt: '2026-01-01T00:00:00.000Z',
            durationMs: 12,
            outcome: 'retry',
            statusCode: 503,
            response: 'busy',
            error: 'HTTP 503',
          },
          {
            attemptNo: 2,
            trigger: 'scheduled',
            durationMs: 30,
            outcome: 'failed',
            statusCode: null,
            response: null,
            error: 'HTTP 500',
          },
        ],
      });
      expect((await h.call('GET', '/deliveries/dlv_missing')).json<ErrorBody>().error.code).toBe(
        'NOT_FOUND',
      );
    });

    it('redelivers a dead delivery: pending again, due now, trigger manual', async () => {
      const id = await insertDelivery(h.db, {
        eventId,
        connectionId: newId('connection'),
        status: 'dead',
        attempts: 8,
        lastError: 'HTTP 500',
      });
      const res = await h.call('POST', `/deliveries/${id}/redeliver`);
      expect(res.status).toBe(202);
      expect(res.json()).toEqual({ id, status: 'pending' });
      const row = await h.db
        .selectFrom('deliveries')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      expect(row).toMatchObject({
        status: 'pending',
        trigger: 'manual',
        next_attempt_at: NOW,
        completed_at: null,
        lease_owner: null,
      });
      const view = await h.call('GET', `/deliveries/${id}`);
      expect(view.json()).toMatchObject({
        status: 'pending',
        trigger: 'manual',
        nextAttemptAt: NOW,
      });
    });

    it('answers 409 DELIVERY_IN_PROGRESS while an attempt holds the lease, and leaves the row alone', async () => {
      const id = await insertDelivery(h.db, {
        eventId,
        connectionId: newId('connection'),
        status: 'delivering',
        attempts: 1,
        leaseExpiresAt: '2026-03-01T10:01:00.000Z',
      });
      const res = await h.call('POST', `/deliveries/${id}/redeliver`);
      expect(res.status).toBe(409);
      expect(res.json<ErrorBody>().error.code).toBe('DELIVERY_IN_PROGRESS');
      const row = await h.db
        .selectFrom('deliveries')
        .select(['status', 'trigger'])
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      expect(row).toEqual({ status: 'delivering', trigger: 'scheduled' });
    });

    it('redelivers a delivery whose lease has expired (a crashed worker)', async () => {
      const id = await insertDelivery(h.db, {
        eventId,
        connectionId: newId('connection'),
        status: 'delivering',
        attempts: 1,
        leaseExpiresAt: '2026-03-01T09:59:00.000Z',
      });
      const res = await h.call('POST', `/deliveries/${id}/redeliver`);
      expect(res.status).toBe(202);
    });

    it('says why an unfinished delivery waits: held back by the earliest unfinished one of its order, scheduled, due, attempting', async () => {
      const connectionId = newId('connection');
      const orderKey = `order:${newId('order')}`;
      const payment = await insertEvent(h.db, { type: 'payment' });
      const refund = await insertEvent(h.db, { type: 'refund' });
      const chargeback = await insertEvent(h.db, { type: 'chargeback' });
      const later = '2026-03-01T10:05:00.000Z';
      const first = await insertDelivery(h.db, {
        eventId: payment,
        connectionId,
        orderKey,
        status: 'pending',
        attempts: 2,
        lastError: 'HTTP 503',
        nextAttemptAt: later,
      });
      const second = await insertDelivery(h.db, {
        eventId: refund,
        connectionId,
        orderKey,
        status: 'pending',
      });
      const third = await insertDelivery(h.db, {
        eventId: chargeback,
        connectionId,
        orderKey,
        status: 'pending',
      });
      const waiting = async (id: string) =>
        (await h.call('GET', `/deliveries/${id}`)).json<{
          waiting: Record<string, unknown> | null;
        }>().waiting;

      expect(await waiting(first)).toEqual({
        reason: 'scheduled',
        nextAttemptAt: later,
        message: `Next attempt at ${later}. The connection was removed: the attempt will mark it skipped.`,
      });
      const heldBackBy = {
        id: first,
        eventId: payment,
        status: 'pending',
        nextAttemptAt: later,
        attemptCount: 2,
      };
      for (const id of [second, third]) {
        expect(await waiting(id)).toEqual({
          reason: 'held_back',
          nextAttemptAt: SEEDED,
          heldBackBy,
          message: `Held back by delivery ${first} (event ${payment}, pending, next attempt ${later}): deliveries of one order go to a connection in event order, so this one waits until that one is delivered, skipped, failed or dead. The connection was removed: the attempt will mark it skipped.`,
        });
      }

      // Another connection's queue, or the same order to another connection, is not held back.
      const elsewhere = await insertDelivery(h.db, {
        eventId: chargeback,
        connectionId: newId('connection'),
        orderKey,
        status: 'pending',
      });
      expect(await waiting(elsewhere)).toMatchObject({ reason: 'due', nextAttemptAt: SEEDED });

      await h.db
        .updateTable('deliveries')
        .set({ status: 'delivering', lease_expires_at: '2026-03-01T10:01:00.000Z' })
        .where('id', '=', first)
        .execute();
      expect(await waiting(first)).toEqual({
        reason: 'attempting',
        leaseExpiresAt: '2026-03-01T10:01:00.000Z',
        message: 'A worker is attempting it now (its lease runs until 2026-03-01T10:01:00.000Z).',
      });
      expect(await waiting(second)).toMatchObject({
        reason: 'held_back',
        heldBackBy: { id: first, status: 'delivering' },
      });

      await h.db
        .updateTable('deliveries')
        .set({ lease_expires_at: '2026-03-01T09:59:00.000Z' })
        .where('id', '=', first)
        .execute();
      expect(await waiting(first)).toMatchObject({
        reason: 'lease_expired',
        leaseExpiresAt: '2026-03-01T09:59:00.000Z',
      });

      // A dead delivery no longer holds the order back: the next one is due, the one after it waits for that.
      await h.db
        .updateTable('deliveries')
        .set({ status: 'dead', lease_expires_at: null })
        .where('id', '=', first)
        .execute();
      expect(await waiting(first)).toBeNull();
      expect(await waiting(second)).toMatchObject({ reason: 'due', nextAttemptAt: SEEDED });
      expect(await waiting(third)).toMatchObject({
        reason: 'held_back',
        heldBackBy: { id: second, eventId: refund },
      });
    });

    it('notes that a pending delivery of a disabled connection will be skipped, unless it was queued by hand', async () => {
      const { connection } = await h.runtime.connections.create({
        connector: 'webhook',
        name: 'Off',
        active: false,
        config: { url: 'https://billing.example.com/ipn' },
      });
      const id = await insertDelivery(h.db, {
        eventId,
        connectionId: connection.id,
        status: 'pending',
      });
      const view = await h.call('GET', `/deliveries/${id}`);
      expect(view.json<{ connectionActive: boolean | null }>().connectionActive).toBe(false);
      expect(view.json<{ waiting: unknown }>().waiting).toEqual({
        reason: 'due',
        nextAttemptAt: SEEDED,
        message: `Due since ${SEEDED}; a running worker (ipnhub serve or ipnhub worker) attempts it. The connection is disabled: the attempt will mark it skipped (enable it first with ipnhub connection enable).`,
      });
      await h.db
        .updateTable('deliveries')
        .set({ trigger: 'manual' })
        .where('id', '=', id)
        .execute();
      expect(
        (await h.call('GET', `/deliveries/${id}`)).json<{ waiting: { message: string } }>().waiting
          .message,
      ).toBe(`Due since ${SEEDED}; a running worker (ipnhub serve or ipnhub worker) attempts it.`);
      await h.runtime.connections.update(connection.id, { active: true });
      expect(
        (await h.call('GET', `/deliveries/${id}`)).json<{ connectionActive: boolean | null }>()
          .connectionActive,
      ).toBe(true);
    });

    it('answers 404 NOT_FOUND for an unknown delivery', async () => {
      const res = await h.call('POST', '/deliveries/dlv_missing/redeliver');
      expect(res.status).toBe(404);
      expect(res.json<ErrorBody>().error.code).toBe('NOT_FOUND');
    });
  });
}
