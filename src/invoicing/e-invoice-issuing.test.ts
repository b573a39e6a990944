/**
 * The seller profile's e-invoice switch on both dialects, through the real ingest commit, the
 * real worker, the real PDF renderer and the real e-invoice library: a profile with the switch
 * on issues a Factur-X PDF, a document that cannot be an e-invoice gets the plain PDF with the
 * reason (at once, not retried), the choice is frozen at issue, the switch off gives the plain
 * PDF, and a profile that could issue no valid e-invoice is not saved with the switch on.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EventDraft } from '../core/events.js';
import { IpnhubError } from '../core/errors.js';
import { ManualClock } from '../lib/clock.js';
import { startSmtpSink } from '../../test/fakes/smtp-sink.js';
import type { SmtpSink } from '../../test/fakes/smtp-sink.js';
import { enabledDialects } from '../../test/helpers/test-db.js';
import type { DialectName } from '../../test/helpers/test-db.js';
import { createTestRuntime, TEST_ADMIN_TOKEN } from '../../test/helpers/test-runtime.js';
import type { TestRuntime } from '../../test/helpers/test-runtime.js';
import type { DocumentRenderer } from './document-jobs.js';
import { getDocument, listDocuments } from './documents-query.js';
import { exportCsv } from './export.js';
import { ciiFacts, en16931Violations } from './e-invoice/test-support/cii-facts.js';
import { pdfAttachments } from './e-invoice/test-support/pdf-container.js';
import type { ProfileSettingsInput } from './profile-settings.js';
import { renderWithPdfLibrary } from './renderer.js';
import {
  fakePdfRenderer,
  paymentDraft,
  sampleProfileSettings,
  switchableRenderer,
} from './test-support/invoicing-fixtures.js';
import { commitNotification } from '../../test/helpers/commit-notification.js';

const utf8 = (bytes: Uint8Array | undefined): string =>
  new TextDecoder('utf-8', { fatal: true }).decode(bytes);

/** A payment by a German company, the buyer the e-invoice is for. */
function businessPayment(txnId: string): EventDraft {
  const draft = paymentDraft({ txnId, amount: 11900 });
  return {
    ...draft,
    buyer: draft.buyer === null ? null : { ...draft.buyer, company: 'Weiß & Partner GmbH' },
  };
}

/** A payment whose buyer gave no address: no country, so no e-invoice (BT-55). */
function paymentWithoutCountry(txnId: string): EventDraft {
  const draft = paymentDraft({ txnId, amount: 5000 });
  return { ...draft, buyer: draft.buyer === null ? null : { ...draft.buyer, address: null } };
}

async function fieldsOf(work: Promise<unknown>): Promise<{ code: string; paths: string[] }> {
  const err = await work.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(err instanceof IpnhubError)) throw new Error(`expected an IpnhubError, got ${String(err)}`);
  return { code: err.code, paths: (err.fields ?? []).map((field) => field.path) };
}

for (const dialect of enabledDialects()) {
  describe(`e-invoices of issued documents on ${dialect}`, () => {
    let clock: ManualClock;
    let smtp: SmtpSink;
    let runtime: TestRuntime;
    let source: { id: string; provider: string };

    async function start(
      render: DocumentRenderer,
      settings: Partial<ProfileSettingsInput>,
    ): Promise<string> {
      runtime = await createTestRuntime(dialect as DialectName, {
        clock,
        renderDocument: render,
        config: { smtpUrl: smtp.url },
      });
      source = await runtime.sources.create({
        provider: 'paypal-ipn',
        name: 'PayPal',
        config: { receiverEmail: 'seller@example.com' },
      });
      const profile = await runtime.profiles.create({
        name: 'Muster',
        invoicing: true,
        settings: sampleProfileSettings(settings),
      });
      await runtime.profiles.attach(profile.id, source.id);
      return profile.id;
    }

    async function storedPdf(documentId: string): Promise<Uint8Array> {
      const row = await runtime.dbHandle.db
        .selectFrom('document_pdfs')
        .select('pdf')
        .where('document_id', '=', documentId)
        .executeTakeFirstOrThrow();
      return new Uint8Array(row.pdf);
    }

    async function onlyDocument() {
      const docs = await runtime.dbHandle.db.selectFrom('documents').selectAll().execute();
      expect(docs).toHaveLength(1);
      return docs[0] as (typeof docs)[number];
    }

    beforeEach(async () => {
      clock = new ManualClock('2026-03-01T10:00:00.000Z');
      smtp = await startSmtpSink();
    });

    afterEach(async () => {
      await runtime.dispose();
      await smtp.close();
    });

    it('a profile with the e-invoice on issues a PDF with factur-x.xml; the choice is frozen at issue', async () => {
      const renderer = switchableRenderer(renderWithPdfLibrary);
      const profileId = await start(renderer.render, { eInvoice: true });
      await commitNotification(runtime, source, [businessPayment('TX-E1')]);
      await runtime.worker.runOnce();
      const pending = await onlyDocument();
      expect(pending).toMatchObject({
        number: 'RE-2026-000001',
        render_state: 'pending',
        e_invoice: 1,
        e_invoice_refused: null,
      });
      expect((await getDocument(runtime.dbHandle.db, pending.id))?.eInvoice).toEqual({
        status: 'pending',
        reason: null,
      });

      // Switched off after issue: the document was issued with it and keeps it.
      await runtime.profiles.update(profileId, { settings: { eInvoice: false } });
      renderer.failing = false;
      clock.advance(5000);
      await runtime.worker.runOnce();

      const doc = await onlyDocument();
      expect(doc).toMatchObject({
        render_state: 'rendered',
        e_invoice: 1,
        e_invoice_refused: null,
        render_error: null,
      });
      const pdf = await storedPdf(doc.id);
      const attachments = await pdfAttachments(pdf);
      expect([...attachments.keys()]).toEqual(['factur-x.xml']);
      const facts = ciiFacts(utf8(attachments.get('factur-x.xml')));
      expect(en16931Violations(facts)).toEqual([]);
      expect(facts).toMatchObject({
        number: 'RE-2026-000001',
        typeCode: '380',
        currency: 'EUR',
        seller: { name: 'Muster Software GmbH', vatId: 'DE123456789' },
        buyer: { name: 'Weiß & Partner GmbH' },
      });
      expect(facts.totals).toMatchObject({
        taxExclusive: '100.00',
        tax: '19.00',
        taxInclusive: '119.00',
      });
      expect((await getDocument(runtime.dbHandle.db, doc.id))?.eInvoice).toEqual({
        status: 'embedded',
        reason: null,
      });

      // What the buyer got is the stored Factur-X file.
      const messages = await smtp.waitForMessages(2);
      const toBuyer = messages.find((m) => m.to.includes('buyer@example.com'));
      expect(toBuyer?.attachments).toHaveLength(1);
      expect(
        Buffer.compare(toBuyer?.attachments[0]?.content ?? Buffer.alloc(0), Buffer.from(pdf)),
      ).toBe(0);

      // A profile switched off issues the next document as a plain PDF.
      await commitNotification(runtime, source, [businessPayment('TX-E2')]);
      await runtime.worker.runOnce();
      const next = await runtime.dbHandle.db
        .selectFrom('documents')
        .selectAll()
        .where('transaction_ref', '=', 'TX-E2')
        .executeTakeFirstOrThrow();
      expect(next).toMatchObject({
        number: 'RE-2026-000002',
        render_state: 'rendered',
        e_invoice: 0,
        e_invoice_refused: null,
      });
      expect([...(await pdfAttachments(await storedPdf(next.id))).keys()]).toEqual([]);
      expect((await getDocument(runtime.dbHandle.db, next.id))?.eInvoice).toEqual({
        status: 'off',
        reason: null,
      });
    });

    it('a document that cannot be an e-invoice gets the plain PDF at once, with the reason, its number and its mails', async () => {
      await start(renderWithPdfLibrary, { eInvoice: true });
      await commitNotification(runtime, source, [paymentWithoutCountry('TX-NC')]);
      await runtime.worker.runOnce();

      const doc = await onlyDocument();
      expect(doc).toMatchObject({
        number: 'RE-2026-000001',
        render_state: 'rendered',
        render_attempts: 1,
        render_error: null,
        e_invoice: 1,
      });
      expect(doc.e_invoice_refused).toMatch(/^EINVOICE_INCOMPLETE: .*buyer\.countryCode: BT-55/);
      const pdf = await storedPdf(doc.id);
      expect([...(await pdfAttachments(pdf)).keys()]).toEqual([]);
      expect(Buffer.from(pdf).subarray(0, 5).toString()).toBe('%PDF-');
      const detail = await getDocument(runtime.dbHandle.db, doc.id);
      expect(detail?.eInvoice).toEqual({ status: 'refused', reason: doc.e_invoice_refused });
      expect(detail?.eInvoice.reason).toContain('buyer.countryCode');
      await smtp.waitForMessages(2);
    });

    it('the list (API) and the CSV export say per document whether the e-invoice is embedded, refused and why, pending or not asked for', async () => {
      const renderer = switchableRenderer(renderWithPdfLibrary);
      const profileId = await start(renderer.render, { eInvoice: true });
      await commitNotification(runtime, source, [
        businessPayment('TX-EMB'),
        paymentWithoutCountry('TX-REF'),
      ]);
      await runtime.worker.runOnce();
      const byTransaction = async () =>
        new Map(
          (await listDocuments(runtime.dbHandle.db)).data.map((d) => [d.transactionId, d.eInvoice]),
        );
      expect(await byTransaction()).toEqual(
        new Map([
          ['TX-EMB', { status: 'pending', reason: null }],
          ['TX-REF', { status: 'pending', reason: null }],
        ]),
      );
      renderer.failing = false;
      clock.advance(5000);
      await runtime.worker.runOnce();
      await runtime.profiles.update(profileId, { settings: { eInvoice: false } });
      await commitNotification(runtime, source, [businessPayment('TX-OFF')]);
      await runtime.worker.runOnce();

      const app = await runtime.buildApp();
      try {
        const res = await app.inject({
          method: 'GET',
          url: '/api/v1/documents',
          headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` },
        });
        expect(res.statusCode).toBe(200);
        const listed = res.json<{
          data: Array<{ number: string; eInvoice: { status: string; reason: string | null } }>;
        }>().data;
        expect(listed.map((d) => [d.number, d.eInvoice.status])).toEqual([
          ['RE-2026-000003', 'off'],
          ['RE-2026-000002', 'refused'],
          ['RE-2026-000001', 'embedded'],
        ]);
        const reason = listed[1]?.eInvoice.reason ?? '';
        expect(reason).toMatch(/^EINVOICE_INCOMPLETE: RE-2026-000002: .*buyer\.countryCode: BT-55/);
        expect(listed[0]?.eInvoice.reason).toBeNull();
        expect(listed[2]?.eInvoice.reason).toBeNull();

        const csv = (await exportCsv(runtime.dbHandle.db, {})).trim().split('\r\n');
        const header = (csv[0] ?? '').split(',');
        expect(header.slice(-2)).toEqual(['e_invoice', 'e_invoice_refused_reason']);
        const rows = new Map(csv.slice(1).map((row) => [row.split(',')[0], row]));
        expect(rows.get('RE-2026-000001')).toMatch(/,embedded,$/);
        expect(rows.get('RE-2026-000003')).toMatch(/,off,$/);
        // The reason is quoted where it holds a comma; read back it is the API's text.
        expect(
          rows
            .get('RE-2026-000002')
            ?.endsWith(
              `,refused,${/[",]/.test(reason) ? `"${reason.replace(/"/g, '""')}"` : reason}`,
            ),
        ).toBe(true);
      } finally {
        await app.close();
      }
    });

    it('a failure of the embedding itself is a render failure: the number stays and it is tried again', async () => {
      // The stand-in renderer's bytes are no PDF the e-invoice library can open.
      await start(fakePdfRenderer, { eInvoice: true });
      await commitNotification(runtime, source, [businessPayment('TX-BAD')]);
      await runtime.worker.runOnce();
      const doc = await onlyDocument();
      expect(doc).toMatchObject({
        number: 'RE-2026-000001',
        render_state: 'pending',
        render_attempts: 1,
        e_invoice: 1,
        e_invoice_refused: null,
      });
      expect(doc.render_error).not.toBeNull();
      expect(
        await runtime.dbHandle.db.selectFrom('document_pdfs').select('document_id').execute(),
      ).toEqual([]);
      expect(smtp.messages).toEqual([]);
    });

    it('refuses to save a profile with the e-invoice on that no document could make valid, naming the settings', async () => {
      const profileId = await start(fakePdfRenderer, {});
      expect(
        await fieldsOf(
          runtime.profiles.create({
            name: 'X',
            settings: sampleProfileSettings({ eInvoice: true, vatId: null, taxNumber: null }),
          }),
        ),
      ).toEqual({
        code: 'EINVOICE_INCOMPLETE',
        paths: ['settings.vatId', 'settings.taxNumber'],
      });
      expect(
        await fieldsOf(
          runtime.profiles.create({
            name: 'X',
            settings: sampleProfileSettings({ eInvoice: true, vatId: '123456789' }),
          }),
        ),
      ).toEqual({
        code: 'EINVOICE_INCOMPLETE',
        paths: ['settings.vatId'],
      });
      expect(
        await fieldsOf(
          runtime.profiles.update(profileId, {
            settings: { eInvoice: true, taxMode: { kind: 'reverse_charge' } },
          }),
        ),
      ).toEqual({
        code: 'EINVOICE_INCOMPLETE',
        paths: ['settings.taxMode'],
      });
      // Nothing of a refused update is stored.
      expect((await runtime.profiles.get(profileId))?.settings).toMatchObject({
        eInvoice: false,
        taxMode: { kind: 'vat_included' },
      });

      // A tax number alone is enough (a small business without a VAT id).
      const small = await runtime.profiles.create({
        name: 'Klein',
        settings: sampleProfileSettings({
          eInvoice: true,
          vatId: null,
          taxMode: { kind: 'small_business' },
        }),
      });
      expect(small.settings).toMatchObject({
        eInvoice: true,
        vatId: null,
        taxNumber: '27/123/45678',
      });
      // Once on, a change that would break it is refused too.
      expect(
        await fieldsOf(runtime.profiles.update(small.id, { settings: { taxNumber: null } })),
      ).toEqual({ code: 'EINVOICE_INCOMPLETE', paths: ['settings.vatId', 'settings.taxNumber'] });
      // Off, the same profile saves: the check is the e-invoice's.
      const off = await runtime.profiles.update(small.id, {
        settings: { eInvoice: false, taxNumber: null },
      });
      expect(off?.settings).toMatchObject({ eInvoice: false, vatId: null, taxNumber: null });
    });

    it('a profile stored before the switch existed reads as off and issues plain PDFs', async () => {
      const profileId = await start(fakePdfRenderer, {});
      const { eInvoice: _dropped, ...older } =
        (await runtime.profiles.get(profileId))?.settings ?? {};
      await runtime.dbHandle.db
        .updateTable('seller_profiles')
        .set({ settings: JSON.stringify(older) })
        .where('id', '=', profileId)
        .execute();
      expect((await runtime.profiles.get(profileId))?.settings.eInvoice).toBe(false);
      await commitNotification(runtime, source, [businessPayment('TX-OLD')]);
      await runtime.worker.runOnce();
      const doc = await onlyDocument();
      expect(doc).toMatchObject({ e_invoice: 0, render_state: 'rendered' });
    });
  });
}
