/** A source's stats in every source answer, and the Digistore24 test notification. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ds24Request } from '../../../test/helpers/ds24.js';
import { enabledDialects } from '../../../test/helpers/test-db.js';
import { TEST_ADMIN_TOKEN } from '../../../test/helpers/test-runtime.js';
import { ManualClock } from '../../lib/clock.js';
import { startAdminHarness } from './test-support/admin-harness.js';
import type { AdminHarness } from './test-support/admin-harness.js';

const PASSPHRASE = 'stats-passphrase-0123';

interface SourceBody {
  id: string;
  lastNotificationAt: string | null;
  counts: Record<string, number>;
}

const zero = {
  accepted: 0,
  duplicate: 0,
  ignored: 0,
  test: 0,
  rejected: 0,
  error: 0,
  pending: 0,
  held: 0,
};

for (const dialect of enabledDialects()) {
  describe(`source stats and the test notification on ${dialect}`, () => {
    const clock = new ManualClock('2026-05-01T10:00:00.000Z');
    let h: AdminHarness;
    let shop: string;
    let quiet: string;
    let paypal: string;

    beforeAll(async () => {
      h = await startAdminHarness(dialect, { clock });
      shop = (
        await h.call('POST', '/sources', {
          provider: 'digistore24',
          name: 'Shop',
          config: { passphrase: PASSPHRASE },
        })
      ).json<SourceBody>().id;
      quiet = (
        await h.call('POST', '/sources', {
          provider: 'digistore24',
          name: 'Quiet',
          config: { passphrase: PASSPHRASE },
        })
      ).json<SourceBody>().id;
      paypal = (
        await h.call('POST', '/sources', {
          provider: 'paypal-webhooks',
          name: 'PayPal app',
          config: { webhookId: 'WH-1' },
        })
      ).json<SourceBody>().id;
      const at = (iso: string) => ({
        ...ds24Request(shop, PASSPHRASE, 'on_payment', { orderId: iso }),
        receivedAt: new Date(iso),
      });
      await h.runtime.ingest.receive(shop, at('2026-04-30T08:00:00.000Z'));
      await h.runtime.ingest.receive(shop, at('2026-04-30T09:00:00.000Z'));
      // The same notification again, and one with the wrong passphrase, both later.
      await h.runtime.ingest.receive(shop, {
        ...at('2026-04-30T09:00:00.000Z'),
        receivedAt: new Date('2026-04-30T09:30:00.000Z'),
      });
      await h.runtime.ingest.receive(shop, {
        ...ds24Request(shop, 'wrong', 'on_payment'),
        receivedAt: new Date('2026-04-30T10:00:00.000Z'),
      });
    });
    afterAll(async () => h.close());

    it('gives each source its last notification and counts by verdict, in the list and the detail', async () => {
      const list = (await h.call('GET', '/sources')).json<{ data: SourceBody[] }>().data;
      const byId = new Map(list.map((s) => [s.id, s]));
      expect(byId.get(shop)).toMatchObject({
        lastNotificationAt: '2026-04-30T10:00:00.000Z',
        counts: { ...zero, accepted: 2, duplicate: 1, rejected: 1 },
      });
      expect(byId.get(quiet)).toMatchObject({ lastNotificationAt: null, counts: zero });
      expect((await h.call('GET', `/sources/${shop}`)).json<SourceBody>()).toEqual(byId.get(shop));
      const renamed = (
        await h.call('PATCH', `/sources/${shop}`, { name: 'Shop DE' })
      ).json<SourceBody>();
      expect(renamed).toMatchObject({
        lastNotificationAt: '2026-04-30T10:00:00.000Z',
        counts: { accepted: 2 },
      });
    });

    it("sends Digistore24's signed connection_test through the pipeline and shows Digistore24's answer", async () => {
      const res = await h.app.inject({
        method: 'POST',
        url: `/api/v1/sources/${shop}/test-notification`,
        remoteAddress: '198.51.100.4',
        // A client library that labels even an empty body as JSON.
        headers: {
          authorization: `Bearer ${TEST_ADMIN_TOKEN}`,
          'content-type': 'application/json',
        },
      });
      expect(res.statusCode).toBe(200);
      const answer = res.json<{ status: number; body: string; inboundRequestId: string }>();
      expect(answer).toEqual({
        status: 200,
        body: 'OK',
        inboundRequestId: expect.stringMatching(/^req_/),
      });
      const recorded = (await h.call('GET', `/inbound-requests/${answer.inboundRequestId}`)).json<
        Record<string, unknown>
      >();
      expect(recorded).toMatchObject({
        sourceId: shop,
        verdict: 'test',
        verdictReason: 'connection test',
        verification: 'sha512 variant A',
        remoteAddress: '198.51.100.4',
        eventIds: [],
      });
      expect(recorded.fields).toContainEqual({ name: 'event', value: 'connection_test' });
      expect(JSON.stringify(recorded)).not.toContain(PASSPHRASE);
      expect((await h.call('GET', `/sources/${shop}`)).json<SourceBody>()).toMatchObject({
        lastNotificationAt: clock.now().toISOString(),
        counts: { test: 1 },
      });
      // Nothing went out: a connection test is never fanned out.
      expect(
        await h.db
          .selectFrom('events')
          .select('id')
          .where('type', '=', 'connection_test')
          .execute(),
      ).toEqual([]);
    });

    it('signs with the passphrase stored now, so it checks what Digistore24 must be set to', async () => {
      expect(
        (
          await h.call('PATCH', `/sources/${quiet}`, {
            config: { passphrase: 'a-new-passphrase-0123' },
          })
        ).status,
      ).toBe(200);
      const res = await h.call('POST', `/sources/${quiet}/test-notification`);
      expect(res.json()).toMatchObject({ status: 200, body: 'OK' });
      // The old passphrase no longer passes: the test used the new one.
      const old = await h.runtime.ingest.receive(
        quiet,
        ds24Request(quiet, PASSPHRASE, 'connection_test'),
      );
      expect(old.ack).toMatchObject({
        status: 403,
        body: expect.stringMatching(/^ERROR: SIGNATURE_INVALID/),
      });
    });

    it('answers 400 TEST_NOTIFICATION_UNSUPPORTED for providers without one, and 404 for an unknown source', async () => {
      const unsupported = await h.call('POST', `/sources/${paypal}/test-notification`);
      expect(unsupported.status).toBe(400);
      expect(unsupported.json()).toEqual({
        error: {
          code: 'TEST_NOTIFICATION_UNSUPPORTED',
          message:
            "This provider has no test notification ipnhub can send. PayPal webhooks sources are tested from the provider's side: send a notification from there.",
        },
      });
      const missing = await h.call(
        'POST',
        '/sources/src_01JNOSUCHSOURCE00000000000/test-notification',
      );
      expect(missing.status).toBe(404);
      expect(missing.json<{ error: { code: string } }>().error.code).toBe('NOT_FOUND');
    });
  });
}
