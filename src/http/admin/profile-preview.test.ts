/**
 * The profile form's helpers on both dialects: the stored logo read back, and the next number
 * of a series from the saved profile's counter (or `startAt` for a new profile or an unused
 * series), formatted as issuing formats it, without taking a number.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../lib/clock.js';
import {
  fakePdfRenderer,
  paymentDraft,
  sampleProfileSettings,
} from '../../invoicing/test-support/invoicing-fixtures.js';
import { commitNotification } from '../../../test/helpers/commit-notification.js';
import { enabledDialects } from '../../../test/helpers/test-db.js';
import { startAdminHarness } from './test-support/admin-harness.js';
import type { AdminHarness } from './test-support/admin-harness.js';

const PNG = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  Buffer.alloc(32, 7),
]);
const SERIES = { prefix: 'RE', yearlyReset: true, width: 6, startAt: 1 };

for (const dialect of enabledDialects()) {
  describe(`profile form helpers on ${dialect}`, () => {
    let h: AdminHarness;
    let profileId: string;

    beforeAll(async () => {
      h = await startAdminHarness(dialect, {
        clock: new ManualClock('2026-03-01T10:00:00.000Z'),
        renderDocument: fakePdfRenderer,
      });
      profileId = (
        await h.call('POST', '/profiles', {
          name: 'Muster',
          invoicing: true,
          settings: sampleProfileSettings(),
        })
      ).json<{ id: string }>().id;
    });
    afterAll(async () => h.close());

    const preview = async (body: Record<string, unknown>) =>
      h.call('POST', '/profiles/number-preview', {
        kind: 'invoice',
        series: SERIES,
        timeZone: 'Europe/Berlin',
        ...body,
      });

    it('answers the stored logo, and NOT_FOUND without one', async () => {
      const none = await h.call('GET', `/profiles/${profileId}/logo`);
      expect(none.status).toBe(404);
      expect(none.json()).toMatchObject({ error: { code: 'NOT_FOUND' } });
      expect((await h.call('GET', '/profiles/prf_missing/logo')).status).toBe(404);
      await h.call('POST', `/profiles/${profileId}/logo`, { data: PNG.toString('base64') });
      expect((await h.call('GET', `/profiles/${profileId}/logo`)).json()).toEqual({
        mediaType: 'image/png',
        data: PNG.toString('base64'),
      });
    });

    it('previews the next number from the counter, the edited format and startAt, taking none', async () => {
      expect((await preview({ profileId: null })).json()).toEqual({
        number: 'RE-2026-000001',
        sequenceNo: 1,
      });
      expect(
        (
          await preview({
            profileId: null,
            series: { prefix: '', yearlyReset: false, width: 4, startAt: 123 },
          })
        ).json(),
      ).toEqual({ number: '0123', sequenceNo: 123 });

      const sourceId = (
        await h.runtime.sources.create({
          provider: 'paypal-ipn',
          name: 'PayPal',
          config: { receiverEmail: 'seller@example.com' },
        })
      ).id;
      await h.call('POST', `/profiles/${profileId}/sources`, { sourceId });
      await commitNotification(h.runtime, { id: sourceId, provider: 'paypal-ipn' }, [
        paymentDraft({ txnId: 'TX-1', amount: 1000 }),
      ]);
      await h.runtime.worker.runOnce();

      expect((await preview({ profileId })).json()).toEqual({
        number: 'RE-2026-000002',
        sequenceNo: 2,
      });
      expect((await preview({ profileId })).json()).toEqual({
        number: 'RE-2026-000002',
        sequenceNo: 2,
      });
      // A new prefix or width keeps counting; startAt counts only for a series not used yet.
      expect(
        (
          await preview({ profileId, series: { ...SERIES, prefix: 'INV', width: 3, startAt: 500 } })
        ).json(),
      ).toMatchObject({ number: 'INV-2026-002' });
      // The continuous series (no year) and the credit notes have not been used.
      expect(
        (await preview({ profileId, series: { ...SERIES, yearlyReset: false } })).json(),
      ).toMatchObject({ number: 'RE-000001' });
      expect(
        (
          await preview({ profileId, kind: 'credit_note', series: { ...SERIES, prefix: 'GS' } })
        ).json(),
      ).toMatchObject({ number: 'GS-2026-000001' });
    });

    it('refuses settings issuing would refuse, naming the field', async () => {
      const zone = await preview({ timeZone: 'Mars/Olympus' });
      expect(zone.status).toBe(400);
      expect(zone.json()).toMatchObject({
        error: { code: 'VALIDATION_FAILED', fields: [{ path: 'timeZone' }] },
      });
      const prefix = await preview({ series: { ...SERIES, prefix: 'RE/' } });
      expect(prefix.json()).toMatchObject({
        error: { code: 'VALIDATION_FAILED', fields: [{ path: 'series.prefix' }] },
      });
    });
  });
}
