import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { claimDueDeliveries, nextDueAt, releaseDeliveries } from './claim-deliveries.js';
import { createTestDb, enabledDialects } from '../../test/helpers/test-db.js';
import type { TestDb } from '../../test/helpers/test-db.js';
import type { Insertable } from 'kysely';
import type { DeliveriesTable } from './schema.js';

const T0 = '2026-01-01T00:00:00.000Z';
const T1 = '2026-01-01T00:00:10.000Z';
const LATER = '2026-01-01T01:00:00.000Z';

function delivery(
  id: string,
  eventId: string,
  orderKey: string,
  overrides: Partial<Insertable<DeliveriesTable>> = {},
) {
  return {
    id,
    event_id: eventId,
    connection_id: 'con_1',
    order_key: orderKey,
    status: 'pending' as const,
    attempts: 0,
    next_attempt_at: T0,
    lease_owner: null,
    lease_expires_at: null,
    trigger: 'scheduled',
    last_error: null,
    created_at: T0,
    updated_at: T0,
    completed_at: null,
    origin: 'live' as const,
    ...overrides,
  };
}

for (const dialect of enabledDialects()) {
  describe(`claimDueDeliveries on ${dialect}`, () => {
    let h: TestDb;
    beforeEach(async () => {
      h = await createTestDb(dialect);
    });
    afterEach(async () => h.dispose());

    const claim = (owner: string, now = T1, limit = 10) =>
      claimDueDeliveries(h.db, h.adapter, { now, owner, leaseUntil: LATER, limit });

    it('claims due deliveries once and leases them to the claimer', async () => {
      await h.db
        .insertInto('deliveries')
        .values([delivery('dlv_a', 'evt_1', 'o1'), delivery('dlv_b', 'evt_2', 'o2')])
        .execute();
      const first = await claim('w1');
      expect(first.map((d) => d.id).sort()).toEqual(['dlv_a', 'dlv_b']);
      expect(
        first.every(
          (d) =>
            d.status === 'delivering' && d.lease_owner === 'w1' && d.lease_expires_at === LATER,
        ),
      ).toBe(true);
      expect(await claim('w2')).toEqual([]);
    });

    it('gives back only the deliveries still leased to the releaser: pending again, due as they were, no attempt counted', async () => {
      await h.db
        .insertInto('deliveries')
        .values([
          delivery('dlv_a', 'evt_1', 'o1'),
          delivery('dlv_b', 'evt_2', 'o2'),
          delivery('dlv_c', 'evt_3', 'o3'),
        ])
        .execute();
      expect(await claim('w1')).toHaveLength(3);
      // dlv_c was taken over by another worker meanwhile.
      await h.db
        .updateTable('deliveries')
        .set({ lease_owner: 'w2' })
        .where('id', '=', 'dlv_c')
        .execute();
      const released = await releaseDeliveries(h.db, {
        ids: ['dlv_a', 'dlv_b', 'dlv_c'],
        owner: 'w1',
        now: T1,
      });
      expect([...released].sort()).toEqual(['dlv_a', 'dlv_b']);
      const rows = await h.db.selectFrom('deliveries').selectAll().orderBy('id').execute();
      expect(
        rows.map((r) => [
          r.id,
          r.status,
          Number(r.attempts),
          r.next_attempt_at,
          r.lease_owner,
          r.lease_expires_at,
        ]),
      ).toEqual([
        ['dlv_a', 'pending', 0, T0, null, null],
        ['dlv_b', 'pending', 0, T0, null, null],
        ['dlv_c', 'delivering', 0, T0, 'w2', LATER],
      ]);
      expect((await claim('w3')).map((d) => d.id).sort()).toEqual(['dlv_a', 'dlv_b']);
      expect(await releaseDeliveries(h.db, { ids: [], owner: 'w1', now: T1 })).toEqual(new Set());
    });

    it('does not claim deliveries scheduled for later', async () => {
      await h.db
        .insertInto('deliveries')
        .values(delivery('dlv_a', 'evt_1', 'o1', { next_attempt_at: LATER }))
        .execute();
      expect(await claim('w1')).toEqual([]);
      expect((await claim('w1', LATER)).map((d) => d.id)).toEqual(['dlv_a']);
    });

    it('holds a later event of the same order and connection back while an earlier one is unfinished', async () => {
      await h.db
        .insertInto('deliveries')
        .values([
          delivery('dlv_pay', 'evt_1', 'o1', { next_attempt_at: LATER }),
          delivery('dlv_refund', 'evt_2', 'o1'),
          delivery('dlv_other', 'evt_3', 'o2'),
          delivery('dlv_other_con', 'evt_4', 'o1', { connection_id: 'con_2' }),
        ])
        .execute();
      expect((await claim('w1')).map((d) => d.id).sort()).toEqual(['dlv_other', 'dlv_other_con']);
      await h.db
        .updateTable('deliveries')
        .set({ status: 'dead' })
        .where('id', '=', 'dlv_pay')
        .execute();
      expect((await claim('w1')).map((d) => d.id)).toEqual(['dlv_refund']);
    });

    it('takes over deliveries whose lease expired (crashed worker)', async () => {
      await h.db
        .insertInto('deliveries')
        .values([
          delivery('dlv_stuck', 'evt_1', 'o1', {
            status: 'delivering',
            lease_owner: 'dead-worker',
            lease_expires_at: T0,
          }),
          delivery('dlv_busy', 'evt_2', 'o2', {
            status: 'delivering',
            lease_owner: 'live-worker',
            lease_expires_at: LATER,
          }),
        ])
        .execute();
      const taken = await claim('w2');
      expect(taken.map((d) => [d.id, d.lease_owner])).toEqual([['dlv_stuck', 'w2']]);
    });

    it('respects the limit and claims oldest due first', async () => {
      await h.db
        .insertInto('deliveries')
        .values([
          delivery('dlv_1', 'evt_1', 'a'),
          delivery('dlv_2', 'evt_2', 'b', { next_attempt_at: '2025-12-31T00:00:00.000Z' }),
          delivery('dlv_3', 'evt_3', 'c'),
        ])
        .execute();
      expect((await claim('w1', T1, 1)).map((d) => d.id)).toEqual(['dlv_2']);
      expect(await claim('w1', T1, 0)).toEqual([]);
    });

    it('claims and gives back batches of any size, each delivery once (id lists are padded to a power of two)', async () => {
      await h.db
        .insertInto('deliveries')
        .values(Array.from({ length: 5 }, (_, i) => delivery(`dlv_${i}`, `evt_${i}`, `o${i}`)))
        .execute();
      const claimed = await claim('w1', T1, 5);
      expect(claimed.map((d) => d.id)).toEqual(['dlv_0', 'dlv_1', 'dlv_2', 'dlv_3', 'dlv_4']);
      const given = await releaseDeliveries(h.db, {
        ids: ['dlv_0', 'dlv_2', 'dlv_4'],
        owner: 'w1',
        now: T1,
      });
      expect([...given].sort()).toEqual(['dlv_0', 'dlv_2', 'dlv_4']);
      const statuses = await h.db
        .selectFrom('deliveries')
        .select(['id', 'status'])
        .orderBy('id')
        .execute();
      expect(statuses.map((r) => r.status)).toEqual([
        'pending',
        'delivering',
        'pending',
        'delivering',
        'pending',
      ]);
    });

    it('takes expired leases first, then pending deliveries by due time and event id, up to the limit', async () => {
      await h.db
        .insertInto('deliveries')
        .values([
          delivery('dlv_p2', 'evt_5', 'a', { next_attempt_at: T0 }),
          delivery('dlv_p1', 'evt_6', 'b', { next_attempt_at: '2025-12-31T00:00:00.000Z' }),
          delivery('dlv_p3', 'evt_4', 'c', { next_attempt_at: T0 }),
          delivery('dlv_x2', 'evt_2', 'd', {
            status: 'delivering',
            lease_owner: 'gone',
            lease_expires_at: T0,
          }),
          delivery('dlv_x1', 'evt_3', 'e', {
            status: 'delivering',
            lease_owner: 'gone',
            lease_expires_at: '2025-12-31T12:00:00.000Z',
          }),
          delivery('dlv_late', 'evt_1', 'f', { next_attempt_at: LATER }),
        ])
        .execute();
      expect((await claim('w1', T1, 4)).map((d) => d.id)).toEqual([
        'dlv_x1',
        'dlv_x2',
        'dlv_p1',
        'dlv_p3',
      ]);
      expect((await claim('w1', T1, 4)).map((d) => d.id)).toEqual(['dlv_p2']);
    });

    it('puts at most one delivery of a connection and order key in a batch', async () => {
      await h.db
        .insertInto('deliveries')
        .values([
          delivery('dlv_1', 'evt_1', 'o1'),
          delivery('dlv_2', 'evt_2', 'o1'),
          delivery('dlv_3', 'evt_3', 'o2'),
          delivery('dlv_4', 'evt_4', 'o1'),
          delivery('dlv_5', 'evt_5', 'o2'),
        ])
        .execute();
      expect((await claim('w1', T1, 10)).map((d) => d.id)).toEqual(['dlv_1', 'dlv_3']);
      expect(await claim('w1', T1, 10)).toEqual([]);
      await h.db
        .updateTable('deliveries')
        .set({ status: 'delivered' })
        .where('id', 'in', ['dlv_1', 'dlv_3'])
        .execute();
      expect((await claim('w1', T1, 10)).map((d) => d.id)).toEqual(['dlv_2', 'dlv_5']);
    });

    it('reports the next due time of pending deliveries, or the next one after a given time', async () => {
      expect(await nextDueAt(h.db)).toBeNull();
      await h.db
        .insertInto('deliveries')
        .values([
          delivery('dlv_1', 'evt_1', 'o1', { next_attempt_at: T0 }),
          delivery('dlv_2', 'evt_2', 'o2', { next_attempt_at: LATER }),
          delivery('dlv_3', 'evt_3', 'o3', {
            status: 'delivering',
            next_attempt_at: '2025-01-01T00:00:00.000Z',
          }),
        ])
        .execute();
      expect(await nextDueAt(h.db)).toBe(T0);
      expect(await nextDueAt(h.db, T0)).toBe(LATER);
      expect(await nextDueAt(h.db, LATER)).toBeNull();
    });

    it('claims due live deliveries before due backfill ones, and backfill ones into the slots left', async () => {
      await h.db
        .insertInto('deliveries')
        .values([
          delivery('dlv_b1', 'evt_1', 'o1', { origin: 'backfill' }),
          delivery('dlv_b2', 'evt_2', 'o2', { origin: 'backfill' }),
          delivery('dlv_b3', 'evt_3', 'o3', { origin: 'backfill' }),
          // Due later than the backfill ones and with a later event, still first.
          delivery('dlv_live', 'evt_9', 'o9', { next_attempt_at: T1 }),
        ])
        .execute();
      expect((await claim('w1', T1, 1)).map((d) => d.id)).toEqual(['dlv_live']);
      expect((await claim('w1', T1, 2)).map((d) => d.id)).toEqual(['dlv_b1', 'dlv_b2']);
    });

    it('reports the next due time over live and backfill deliveries alike', async () => {
      await h.db
        .insertInto('deliveries')
        .values([
          delivery('dlv_1', 'evt_1', 'o1', { next_attempt_at: LATER }),
          delivery('dlv_2', 'evt_2', 'o2', { next_attempt_at: T1, origin: 'backfill' }),
        ])
        .execute();
      expect(await nextDueAt(h.db)).toBe(T1);
      expect(await nextDueAt(h.db, T1)).toBe(LATER);
    });

    it('never hands one delivery to two concurrent claimers', async () => {
      const rows = Array.from({ length: 60 }, (_, i) =>
        delivery(`dlv_${String(i).padStart(3, '0')}`, `evt_${String(i).padStart(3, '0')}`, `o${i}`),
      );
      await h.db.insertInto('deliveries').values(rows).execute();
      const results = await Promise.all(['w1', 'w2', 'w3', 'w4'].map((w) => claim(w, T1, 20)));
      const ids = results.flat().map((d) => d.id);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids.length).toBeLessThanOrEqual(60);
      const again = await claim('w5', T1, 100);
      expect(ids.length + again.length).toBe(60);
    });
  });
}
