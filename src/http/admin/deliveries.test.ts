import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enabledDialects } from '../../../test/helpers/test-db.js';
import { newId } from '../../core/ids.js';
import { ManualClock } from '../../lib/clock.js';
import { insertDelivery, insertEvent, startAdminHarness } from './test-support/admin-harness.js';
import type { AdminHarness } from './test-support/admin-harness.js';

const NOW = '2026-03-01T10:00:00.000Z';

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
      const id = await insertDelivery(h.db, { eventId, connectionId: newId('connection'), status: 'dead', attempts: 2, lastError: 'HTTP 500' });
      await h.db
        .insertInto('attempts')
        .values([
          { id: newId('attempt'), delivery_id: id, attempt_no: 1, trigger: 'scheduled', started_at: '2026-01-01T00:00:00.000Z', duration_ms: 12, outcome: 'retry', status_code: 503, response: 'busy', error: 'HTTP 503' },
          { id: newId('attempt'), delivery_id: id, attempt_no: 2, trigger: 'scheduled', started_at: '2026-01-01T00:00:05.000Z', duration_ms: 30, outcome: 'failed', status_code: null, response: null, error: 'HTTP 500' },
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
        attempts: [
          { attemptNo: 1, trigger: 'scheduled', startedAt: '2026-01-01T00:00:00.000Z', durationMs: 12, outcome: 'retry', statusCode: 503, response: 'busy', error: 'HTTP 503' },
          { attemptNo: 2, trigger: 'scheduled', durationMs: 30, outcome: 'failed', statusCode: null, response: null, error: 'HTTP 500' },
        ],
      });
      expect((await h.call('GET', '/deliveries/dlv_missing')).json<ErrorBody>().error.code).toBe('NOT_FOUND');
    });

    it('redelivers a dead delivery: pending again, due now, trigger manual', async () => {
      const id = await insertDelivery(h.db, { eventId, connectionId: newId('connection'), status: 'dead', attempts: 8, lastError: 'HTTP 500' });
      const res = await h.call('POST', `/deliveries/${id}/redeliver`);
      expect(res.status).toBe(202);
      expect(res.json()).toEqual({ id, status: 'pending' });
      const row = await h.db.selectFrom('deliveries').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
      expect(row).toMatchObject({ status: 'pending', trigger: 'manual', next_attempt_at: NOW, completed_at: null, lease_owner: null });
      const view = await h.call('GET', `/deliveries/${id}`);
      expect(view.json()).toMatchObject({ status: 'pending', trigger: 'manual', nextAttemptAt: NOW });
    });

    it('answers 409 DELIVERY_IN_PROGRESS while an attempt holds the lease, and leaves the row alone', async () => {
      const id = await insertDelivery(h.db, { eventId, connectionId: newId('connection'), status: 'delivering', attempts: 1, leaseExpiresAt: '2026-03-01T10:01:00.000Z' });
      const res = await h.call('POST', `/deliveries/${id}/redeliver`);
      expect(res.status).toBe(409);
      expect(res.json<ErrorBody>().error.code).toBe('DELIVERY_IN_PROGRESS');
      const row = await h.db.selectFrom('deliveries').select(['status', 'trigger']).where('id', '=', id).executeTakeFirstOrThrow();
      expect(row).toEqual({ status: 'delivering', trigger: 'scheduled' });
    });

    it('redelivers a delivery whose lease has expired (a crashed worker)', async () => {
      const id = await insertDelivery(h.db, { eventId, connectionId: newId('connection'), status: 'delivering', attempts: 1, leaseExpiresAt: '2026-03-01T09:59:00.000Z' });
      const res = await h.call('POST', `/deliveries/${id}/redeliver`);
      expect(res.status).toBe(202);
    });

    it('answers 404 NOT_FOUND for an unknown delivery', async () => {
      const res = await h.call('POST', '/deliveries/dlv_missing/redeliver');
      expect(res.status).toBe(404);
      expect(res.json<ErrorBody>().error.code).toBe('NOT_FOUND');
    });
  });
}
