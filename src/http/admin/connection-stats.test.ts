/** A connection's answer says how its deliveries stand: the latest one, and what is dead, failed or retrying now. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { enabledDialects } from '../../../test/helpers/test-db.js';
import { insertDelivery, insertEvent, startAdminHarness } from './test-support/admin-harness.js';
import type { AdminHarness } from './test-support/admin-harness.js';

interface Stats {
  id: string;
  lastDelivery: {
    id: string;
    eventType: string | null;
    status: string;
    updatedAt: string;
    lastError: string | null;
  } | null;
  dead: number;
  failed: number;
  retrying: number;
}

for (const dialect of enabledDialects()) {
  describe(`connection delivery stats on ${dialect}`, () => {
    let h: AdminHarness;
    beforeAll(async () => {
      h = await startAdminHarness(dialect);
    });
    afterAll(async () => h.close());
    beforeEach(async () => {
      await h.db.deleteFrom('deliveries').execute();
      await h.db.deleteFrom('connections').execute();
    });

    const create = async (name: string): Promise<string> =>
      (
        await h.call('POST', '/connections', {
          connector: 'webhook',
          name,
          config: { url: 'https://hooks.example.com/in' },
        })
      ).json<{ id: string }>().id;
    const list = async (): Promise<Stats[]> =>
      (await h.call('GET', '/connections')).json<{ data: Stats[] }>().data;

    it('has no last delivery and nothing failing before the first delivery', async () => {
      const id = await create('Fresh');
      const got = await h.call('GET', `/connections/${id}`);
      expect(got.status).toBe(200);
      expect(got.json<Stats>()).toMatchObject({
        lastDelivery: null,
        dead: 0,
        failed: 0,
        retrying: 0,
      });
      expect(await list()).toMatchObject([
        { id, lastDelivery: null, dead: 0, failed: 0, retrying: 0 },
      ]);
    });

    it('names the newest delivery and counts dead, failed and retrying ones per connection; a redelivery takes them off', async () => {
      const billing = await create('Billing');
      const crm = await create('CRM');
      // One event per delivery (a connection gets one delivery per event).
      const seed = async (
        connectionId: string,
        status: 'delivered' | 'dead' | 'failed' | 'pending',
        extra: { attempts?: number; lastError?: string; type?: string } = {},
      ) =>
        insertDelivery(h.db, {
          eventId: await insertEvent(h.db, { type: extra.type ?? 'payment' }),
          connectionId,
          status,
          attempts: extra.attempts ?? 1,
          lastError: extra.lastError ?? null,
        });
      await seed(billing, 'delivered');
      await seed(billing, 'dead', { attempts: 8, lastError: 'HTTP 500' });
      await seed(billing, 'dead', { attempts: 8, lastError: 'HTTP 502' });
      await seed(billing, 'failed', { lastError: 'HTTP 400' });
      await seed(billing, 'pending', { attempts: 2, lastError: 'timeout' });
      // Not retrying: not attempted yet.
      await seed(billing, 'pending', { attempts: 0 });
      const newest = await seed(billing, 'delivered', { type: 'refund' });
      await seed(crm, 'failed', { lastError: 'TARGET_AUTH_FAILED' });

      const byId = new Map((await list()).map((entry) => [entry.id, entry]));
      expect(byId.get(billing)).toMatchObject({
        lastDelivery: {
          id: newest,
          eventType: 'refund',
          status: 'delivered',
          updatedAt: '2026-01-01T00:00:00.000Z',
          lastError: null,
        },
        dead: 2,
        failed: 1,
        retrying: 1,
      });
      expect(byId.get(crm)).toMatchObject({
        lastDelivery: { status: 'failed', lastError: 'TARGET_AUTH_FAILED' },
        dead: 0,
        failed: 1,
        retrying: 0,
      });
      expect((await h.call('GET', `/connections/${billing}`)).json<Stats>()).toMatchObject({
        dead: 2,
        failed: 1,
        retrying: 1,
      });

      const redelivered = await h.call('POST', `/connections/${billing}/redeliver`, {});
      expect(redelivered.json()).toEqual({ dryRun: false, matched: 3, redelivered: 3 });
      // Queued again after failed attempts: waiting for their next one.
      expect((await h.call('GET', `/connections/${billing}`)).json<Stats>()).toMatchObject({
        dead: 0,
        failed: 0,
        retrying: 4,
      });
    });
  });
}
