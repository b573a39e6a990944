/**
 * The invoicing routes over real HTTP handling (inject) on both dialects: profiles with their
 * validation, logo checks and sources; documents listed, shown, downloaded, mailed again and
 * credited by hand; the period export; refunds for manual handling. Every answer is checked
 * against its response schema by the test runtime.
 */
import { unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../lib/clock.js';
import {
  fakePdfRenderer,
  paymentDraft,
  refundDraft,
  sampleProfileSettings,
} from '../../invoicing/test-support/invoicing-fixtures.js';
import { commitNotification } from '../../../test/helpers/commit-notification.js';
import { enabledDialects } from '../../../test/helpers/test-db.js';
import { TEST_ADMIN_TOKEN } from '../../../test/helpers/test-runtime.js';
import { startAdminHarness } from './test-support/admin-harness.js';
import type { AdminHarness } from './test-support/admin-harness.js';

const PNG = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  Buffer.alloc(64, 1),
]);
const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(64, 2)]);

interface Profile {
  id: string;
  invoicing: boolean;
  settings: { invoiceSeries: { prefix: string }; mail: { sellerRecipients: string[] } };
  logo: { mediaType: string; bytes: number } | null;
  sourceIds: string[];
}

for (const dialect of enabledDialects()) {
  describe(`invoicing admin API on ${dialect}`, () => {
    let h: AdminHarness;
    let sourceId: string;
    let profile: Profile;

    beforeAll(async () => {
      h = await startAdminHarness(dialect, {
        clock: new ManualClock('2026-03-01T10:00:00.000Z'),
        renderDocument: fakePdfRenderer,
      });
      sourceId = (
        await h.runtime.sources.create({
          provider: 'paypal-ipn',
          name: 'PayPal',
          config: { receiverEmail: 'seller@example.com' },
        })
      ).id;
    });
    afterAll(async () => h.close());

    async function download(
      path: string,
    ): Promise<{ status: number; type: unknown; disposition: unknown; body: Buffer }> {
      const res = await h.app.inject({
        method: 'GET',
        url: `/api/v1${path}`,
        headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` },
      });
      return {
        status: res.statusCode,
        type: res.headers['content-type'],
        disposition: res.headers['content-disposition'],
        body: res.rawPayload,
      };
    }

    it('creates, validates, updates and attaches a seller profile', async () => {
      const bad = await h.call('POST', '/profiles', {
        name: 'X',
        settings: { ...sampleProfileSettings(), timeZone: 'Mars/Olympus', invoiceSerie: {} },
      });
      expect(bad.status).toBe(400);
      expect(bad.json()).toMatchObject({ error: { code: 'VALIDATION_FAILED' } });
      expect(bad.text).toContain('timeZone');
      expect(bad.text).toContain('invoiceSerie');

      const sameSeries = await h.call('POST', '/profiles', {
        name: 'X',
        settings: sampleProfileSettings({
          creditNoteSeries: { prefix: 'RE', yearlyReset: true, width: 6 },
        }),
      });
      expect(sameSeries.json()).toMatchObject({ error: { code: 'VALIDATION_FAILED' } });
      expect(sameSeries.text).toContain('creditNoteSeries.prefix');

      const badTemplate = await h.call('POST', '/profiles', {
        name: 'X',
        settings: sampleProfileSettings({
          templates: { en: { buyerInvoice: { subject: 'Invoice {{numbr}}', body: 'x' } } },
        }),
      });
      expect(badTemplate.status).toBe(400);
      expect(badTemplate.text).toContain('did you mean');

      const noTaxId = await h.call('POST', '/profiles', {
        name: 'X',
        settings: sampleProfileSettings({ eInvoice: true, vatId: null, taxNumber: null }),
      });
      expect(noTaxId.status).toBe(400);
      expect(noTaxId.json()).toMatchObject({
        error: {
          code: 'EINVOICE_INCOMPLETE',
          fields: [{ path: 'settings.vatId' }, { path: 'settings.taxNumber' }],
        },
      });

      const created = await h.call('POST', '/profiles', {
        name: 'Muster',
        settings: sampleProfileSettings(),
      });
      expect(created.status).toBe(201);
      profile = created.json<Profile>();
      expect(profile).toMatchObject({ invoicing: false, logo: null, sourceIds: [] });

      const updated = await h.call('PATCH', `/profiles/${profile.id}`, {
        invoicing: true,
        settings: { mail: { sellerRecipients: ['orders@muster.example'] } },
      });
      expect(updated.status).toBe(200);
      expect(updated.json<Profile>()).toMatchObject({
        invoicing: true,
        settings: {
          invoiceSeries: { prefix: 'RE' },
          mail: { sellerRecipients: ['orders@muster.example'] },
        },
      });

      const attached = await h.call('POST', `/profiles/${profile.id}/sources`, { sourceId });
      expect(attached.json<Profile>().sourceIds).toEqual([sourceId]);
      expect((await h.call('POST', `/profiles/${profile.id}/sources`, { sourceId })).status).toBe(
        200,
      );
      const other = (
        await h.call('POST', '/profiles', { name: 'Other', settings: sampleProfileSettings() })
      ).json<Profile>();
      const taken = await h.call('POST', `/profiles/${other.id}/sources`, { sourceId });
      expect(taken.status).toBe(409);
      expect(taken.json()).toMatchObject({ error: { code: 'SOURCE_HAS_PROFILE' } });
      expect(
        (await h.call('POST', `/profiles/${other.id}/sources`, { sourceId: 'src_nope' })).json(),
      ).toMatchObject({ error: { code: 'NOT_FOUND' } });
      expect((await h.call('DELETE', `/profiles/${other.id}`)).status).toBe(204);
      expect((await h.call('DELETE', `/profiles/${other.id}`)).json()).toEqual({
        error: { code: 'NOT_FOUND', message: `Not found. No seller profile ${other.id}.` },
      });
      expect(
        (await h.call('GET', '/profiles')).json<{ data: Profile[] }>().data.map((p) => p.id),
      ).toEqual([profile.id]);
    });

    it('takes PNG and JPEG logos by their magic bytes and refuses anything else', async () => {
      const png = await h.call('POST', `/profiles/${profile.id}/logo`, {
        data: PNG.toString('base64'),
      });
      expect(png.json<Profile>().logo).toEqual({ mediaType: 'image/png', bytes: PNG.length });
      const jpeg = await h.call('POST', `/profiles/${profile.id}/logo`, {
        data: JPEG.toString('base64'),
      });
      expect(jpeg.json<Profile>().logo).toEqual({ mediaType: 'image/jpeg', bytes: JPEG.length });
      const gif = await h.call('POST', `/profiles/${profile.id}/logo`, {
        data: Buffer.from('GIF89a-not-allowed').toString('base64'),
      });
      expect(gif.status).toBe(400);
      expect(gif.json()).toMatchObject({ error: { code: 'LOGO_INVALID' } });
      expect(
        (await h.call('POST', `/profiles/${profile.id}/logo`, { data: 'not base64!' })).json(),
      ).toMatchObject({ error: { code: 'LOGO_INVALID' } });
      const big = Buffer.concat([PNG, Buffer.alloc(256 * 1024)]);
      expect(
        (
          await h.call('POST', `/profiles/${profile.id}/logo`, { data: big.toString('base64') })
        ).json(),
      ).toMatchObject({ error: { code: 'LOGO_TOO_LARGE' } });
      expect((await h.call('GET', `/profiles/${profile.id}`)).json<Profile>().logo?.mediaType).toBe(
        'image/jpeg',
      );
    });

    it('lists, shows, downloads, mails again and credits documents; exports a period', async () => {
      const source = { id: sourceId, provider: 'paypal-ipn' };
      await commitNotification(h.runtime, source, [
        paymentDraft({ txnId: 'TX-1', amount: 11900, email: 'Erika@Example.com' }),
        paymentDraft({
          txnId: 'TX-2',
          amount: 5000,
          email: 'max@example.com',
          firstName: '=cmd',
          lastName: 'Max',
        }),
      ]);
      await commitNotification(h.runtime, source, [
        refundDraft({ txnId: 'TX-OLD', parentTxnId: 'TX-UNKNOWN', amount: 500 }),
      ]);
      await h.runtime.worker.runOnce();

      const list = (await h.call('GET', '/documents?kind=invoice')).json<{
        data: Array<{ id: string; number: string; buyerEmail: string; renderState: string }>;
      }>();
      expect(list.data.map((d) => d.number)).toEqual(['RE-2026-000002', 'RE-2026-000001']);
      expect(list.data.every((d) => d.renderState === 'rendered')).toBe(true);
      const byEmail = (await h.call('GET', '/documents?email=ERIKA@example.com')).json<{
        data: Array<{ number: string }>;
      }>();
      expect(byEmail.data.map((d) => d.number)).toEqual(['RE-2026-000001']);
      const paged = (await h.call('GET', '/documents?limit=1')).json<{
        data: unknown[];
        nextCursor: string;
      }>();
      expect(paged.data).toHaveLength(1);
      expect(
        (await h.call('GET', `/documents?limit=1&cursor=${paged.nextCursor}`)).json<{
          data: Array<{ number: string }>;
        }>().data[0]?.number,
      ).toBe('RE-2026-000001');
      expect(
        (await h.call('GET', '/documents?from=2026-03-02T00:00:00Z')).json<{ data: unknown[] }>()
          .data,
      ).toEqual([]);

      const first = list.data[1];
      const detail = (await h.call('GET', `/documents/${first?.id}`)).json<{
        snapshot: { number: string };
        render: { sha256: string };
        mails: Array<{ role: string; status: string }>;
      }>();
      expect(detail.snapshot.number).toBe('RE-2026-000001');
      expect(detail.render.sha256).toMatch(/^[0-9a-f]{64}$/);
      expect(detail.mails.map((m) => [m.role, m.status])).toEqual([
        ['buyer', 'sent'],
        ['seller', 'sent'],
      ]);

      const pdf = await download(`/documents/${first?.id}/pdf`);
      expect(pdf).toMatchObject({
        status: 200,
        type: 'application/pdf',
        disposition: 'attachment; filename="RE-2026-000001.pdf"',
      });
      expect(pdf.body.toString()).toContain('invoice RE-2026-000001');

      const resent = await h.call('POST', `/documents/${first?.id}/resend`, { to: ['buyer'] });
      expect(resent.json()).toEqual({ queued: 1 });
      await h.runtime.worker.runOnce();
      const mails = (await h.call('GET', `/documents/${first?.id}`)).json<{
        mails: Array<{ trigger: string; status: string }>;
      }>().mails;
      expect(mails.map((m) => [m.trigger, m.status])).toEqual([
        ['issue', 'sent'],
        ['issue', 'sent'],
        ['resend', 'sent'],
      ]);

      const partial = await h.call('POST', `/documents/${first?.id}/credit-note`, { amount: 1900 });
      expect(partial.status).toBe(201);
      expect(partial.json()).toMatchObject({ number: 'GS-2026-000001' });
      const tooMuch = await h.call('POST', `/documents/${first?.id}/credit-note`, {
        amount: 20000,
      });
      expect(tooMuch.status).toBe(409);
      expect(tooMuch.json()).toMatchObject({ error: { code: 'CREDIT_NOT_POSSIBLE' } });
      const rest = await h.call('POST', `/documents/${first?.id}/credit-note`);
      expect(rest.json()).toMatchObject({ number: 'GS-2026-000002' });
      const credit = (
        await h.call('GET', `/documents/${(rest.json() as { documentId: string }).documentId}`)
      ).json<{ gross: number; eventId: null; renderState: string }>();
      expect(credit).toMatchObject({ gross: 10000, eventId: null, renderState: 'pending' });
      expect(
        (await download(`/documents/${(rest.json() as { documentId: string }).documentId}/pdf`))
          .status,
      ).toBe(409);
      expect(
        (
          await h.call(
            'POST',
            `/documents/${(rest.json() as { documentId: string }).documentId}/credit-note`,
          )
        ).json(),
      ).toMatchObject({ error: { code: 'CREDIT_NOT_POSSIBLE' } });
      await h.runtime.worker.runOnce();

      const manual = (await h.call('GET', '/manual-refunds')).json<{
        data: Array<{ paymentTransactionId: string; reason: string }>;
      }>();
      expect(manual.data).toEqual([
        expect.objectContaining({ paymentTransactionId: 'TX-UNKNOWN', amount: 500 }),
      ]);

      const csv = await download(
        '/exports/documents.csv?from=2026-03-01T00:00:00Z&to=2026-03-02T00:00:00Z',
      );
      expect(csv.type).toBe('text/csv; charset=utf-8');
      const rows = csv.body.toString().trim().split('\r\n');
      expect(rows[0]).toMatch(/^number,kind,issued_at/);
      expect(rows.slice(1).map((row) => row.split(',')[0])).toEqual([
        'RE-2026-000001',
        'RE-2026-000002',
        'GS-2026-000001',
        'GS-2026-000002',
      ]);
      expect(rows[1]).toContain(',119.00,');
      expect(rows[2]).toContain("'=cmd Max");
      const zip = unzipSync(new Uint8Array((await download('/exports/documents.zip')).body));
      expect(Object.keys(zip).sort()).toEqual([
        'GS-2026-000001.pdf',
        'GS-2026-000002.pdf',
        'RE-2026-000001.pdf',
        'RE-2026-000002.pdf',
        'documents.csv',
      ]);

      const del = await h.call('DELETE', `/profiles/${profile.id}`);
      expect(del.status).toBe(409);
      expect(del.json()).toMatchObject({ error: { code: 'PROFILE_HAS_DOCUMENTS' } });
    });
  });
}
