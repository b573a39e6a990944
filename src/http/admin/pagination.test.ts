import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enabledDialects } from '../../../test/helpers/test-db.js';
import { encodeCursor } from '../../db/page.js';
import { insertDelivery, insertEvent, startAdminHarness } from './test-support/admin-harness.js';
import type { AdminHarness } from './test-support/admin-harness.js';

interface PageBody {
  data: Array<{ id: string }>;
  nextCursor: string | null;
}

interface ErrorBody {
  error: { code: string; message: string };
}

for (const dialect of enabledDialects()) {
  describe(`admin API pagination and list filters on ${dialect}`, () => {
    let h: AdminHarness;
    const eventIds: string[] = [];
    const deliveryIds: string[] = [];
    const sourceIds: string[] = [];

    beforeAll(async () => {
      h = await startAdminHarness(dialect);
      for (let i = 0; i < 7; i++) {
        eventIds.push(
          await insertEvent(h.db, {
            type: i % 2 === 0 ? 'payment' : 'refund',
            sourceId: i < 4 ? 'src_01JAAAAAAAAAAAAAAAAAAAAAAA' : 'src_01JBBBBBBBBBBBBBBBBBBBBBBB',
            orderRef: i === 3 ? 'ORDER3' : `ORDER-${i}`,
            email: i === 5 ? 'five@example.com' : `buyer${i}@example.com`,
            test: i === 6,
            occurredAt: `2026-02-0${i + 1}T12:00:00.000Z`,
          }),
        );
      }
      for (const [i, eventId] of eventIds.entries()) {
        deliveryIds.push(
          await insertDelivery(h.db, {
            eventId,
            connectionId:
              i < 5 ? 'con_01JAAAAAAAAAAAAAAAAAAAAAAA' : 'con_01JBBBBBBBBBBBBBBBBBBBBBBB',
            status: i < 2 ? 'dead' : 'delivered',
          }),
        );
      }
      for (let i = 0; i < 5; i++) {
        const res = await h.call('POST', '/sources', {
          provider: 'digistore24',
          name: `source ${i}`,
          config: { passphrase: `pass-${i}` },
        });
        sourceIds.push(res.json<{ id: string }>().id);
      }
    });
    afterAll(async () => h.close());

    /** Follows nextCursor from the first page to the last; returns every id and the page sizes. */
    async function walk(path: string, limit: number): Promise<{ ids: string[]; sizes: number[] }> {
      const ids: string[] = [];
      const sizes: number[] = [];
      let cursor: string | null = null;
      do {
        const sep = path.includes('?') ? '&' : '?';
        const res = await h.call(
          'GET',
          `${path}${sep}limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`,
        );
        expect(res.status).toBe(200);
        const page: PageBody = res.json<PageBody>();
        ids.push(...page.data.map((row) => row.id));
        sizes.push(page.data.length);
        cursor = page.nextCursor;
      } while (cursor !== null && sizes.length < 20);
      return { ids, sizes };
    }

    const newestFirst = (ids: readonly string[]) => [...ids].reverse();

    it('walks events page by page, newest first, without duplicates or gaps', async () => {
      const { ids, sizes } = await walk('/events', 3);
      expect(sizes).toEqual([3, 3, 1]);
      expect(ids).toEqual(newestFirst(eventIds));
    });

    it('ends with a null cursor when the last page is exactly full', async () => {
      const { ids, sizes } = await walk('/events', 7);
      expect(sizes).toEqual([7]);
      expect(ids).toEqual(newestFirst(eventIds));
    });

    it('walks deliveries and sources the same way', async () => {
      const deliveries = await walk('/deliveries', 2);
      expect(deliveries.sizes).toEqual([2, 2, 2, 1]);
      expect(deliveries.ids).toEqual(newestFirst(deliveryIds));
      const sources = await walk('/sources', 2);
      expect(sources.sizes).toEqual([2, 2, 1]);
      expect(sources.ids).toEqual(newestFirst(sourceIds));
    });

    it('keeps filters across pages', async () => {
      const payments = await walk('/events?type=payment', 2);
      expect(payments.ids).toEqual(newestFirst(eventIds.filter((_, i) => i % 2 === 0)));
      const dead = await walk('/deliveries?status=dead', 1);
      expect(dead.ids).toEqual(newestFirst(deliveryIds.slice(0, 2)));
    });

    it('filters events by source, order, e-mail and time', async () => {
      const ids = async (query: string) =>
        (await h.call('GET', `/events?${query}`)).json<PageBody>().data.map((row) => row.id);
      expect(await ids('sourceId=src_01JBBBBBBBBBBBBBBBBBBBBBBB')).toEqual(
        newestFirst(eventIds.slice(4)),
      );
      expect(await ids('orderId=ORDER3')).toEqual([eventIds[3]]);
      expect(await ids('email=%20FIVE@Example.com%20')).toEqual([eventIds[5]]);
      expect(await ids('from=2026-02-02T12:00:00Z&to=2026-02-04T12:00:00.000Z')).toEqual([
        eventIds[2],
        eventIds[1],
      ]);
      expect(await ids('from=2026-02-02T14:00:00%2B02:00&to=2026-02-03T00:00:00Z')).toEqual([
        eventIds[1],
      ]);
      const item = (await h.call('GET', `/events?orderId=ORDER3`)).json<PageBody>().data[0];
      expect(item).toEqual({
        id: eventIds[3],
        type: 'refund',
        sourceId: 'src_01JAAAAAAAAAAAAAAAAAAAAAAA',
        orderId: 'ORDER3',
        email: 'buyer3@example.com',
        test: false,
        occurredAt: '2026-02-04T12:00:00.000Z',
        receivedAt: '2026-02-04T12:00:00.000Z',
      });
      expect(
        (
          await h.call('GET', `/events?sourceId=src_01JBBBBBBBBBBBBBBBBBBBBBBB&limit=1`)
        ).json<PageBody>().data[0],
      ).toMatchObject({ id: eventIds[6], test: true });
    });

    it('filters deliveries by connection and event', async () => {
      const res = await h.call('GET', `/deliveries?connectionId=con_01JBBBBBBBBBBBBBBBBBBBBBBB`);
      expect(res.json<PageBody>().data.map((row) => row.id)).toEqual(
        newestFirst(deliveryIds.slice(5)),
      );
      const byEvent = await h.call('GET', `/deliveries?eventId=${eventIds[2]}`);
      expect(byEvent.json<PageBody>().data).toEqual([
        {
          id: deliveryIds[2],
          eventId: eventIds[2],
          eventType: 'payment',
          connectionId: 'con_01JAAAAAAAAAAAAAAAAAAAAAAA',
          connectionName: null,
          status: 'delivered',
          attemptCount: 0,
          nextAttemptAt: '2026-01-01T00:00:00.000Z',
          trigger: 'scheduled',
          origin: 'live',
          lastError: null,
          leaseOwner: null,
          leaseExpiresAt: null,
          createdAt: '2026-01-01T00:00:00.000Z',
          updatedAt: '2026-01-01T00:00:00.000Z',
          completedAt: '2026-01-01T00:00:00.000Z',
        },
      ]);
    });

    it('rejects a bad cursor with INVALID_CURSOR', async () => {
      for (const cursor of [
        'not-a-cursor',
        encodeCursor('evt_short'),
        encodeCursor(deliveryIds[0] ?? ''),
        `${encodeCursor(eventIds[0] ?? '')}x`,
      ]) {
        const res = await h.call('GET', `/events?cursor=${cursor}`);
        expect(res.status, cursor).toBe(400);
        expect(res.json<ErrorBody>().error).toEqual({
          code: 'INVALID_CURSOR',
          message:
            'The pagination cursor is not valid. Use the nextCursor value of a previous page of the same list.',
        });
      }
      const sources = await h.call('GET', `/sources?cursor=${encodeCursor(eventIds[0] ?? '')}`);
      expect(sources.json<ErrorBody>().error.code).toBe('INVALID_CURSOR');
    });

    it('rejects limits outside 1..500 and unknown filter values with VALIDATION_FAILED', async () => {
      for (const [query, field] of [
        ['limit=0', 'limit'],
        ['limit=501', 'limit'],
        ['limit=ten', 'limit'],
        ['limit=2.5', 'limit'],
        ['type=paid', 'type'],
        ['from=yesterday', 'from'],
      ] as const) {
        const res = await h.call('GET', `/events?${query}`);
        expect(res.status, query).toBe(400);
        expect(res.json<ErrorBody>().error.code).toBe('VALIDATION_FAILED');
        expect(res.json<ErrorBody>().error.message).toMatch(
          new RegExp(`^The request is not valid\\. ${field}: `),
        );
      }
      const status = await h.call('GET', '/deliveries?status=lost');
      expect(status.json<ErrorBody>().error.message).toContain('status: ');
      const verdict = await h.call('GET', '/inbound-requests?verdict=maybe');
      expect(verdict.json<ErrorBody>().error.message).toContain('verdict: ');
    });

    it('accepts the largest page', async () => {
      const res = await h.call('GET', '/events?limit=500');
      expect(res.json<PageBody>()).toEqual({ data: expect.any(Array), nextCursor: null });
      expect(res.json<PageBody>().data).toHaveLength(7);
    });
  });
}
