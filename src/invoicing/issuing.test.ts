/**
 * Issuing on both dialects, through the real ingest commit (events, ledger, document jobs in
 * one transaction) and the real worker: numbering under concurrency and with two workers on
 * one database, one document per payment, credit notes, refunds left for manual handling,
 * render failures, and mails at a real SMTP server. Time is a manual clock; the worker runs
 * by hand (`runOnce`).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../lib/clock.js';
import { startSmtpSink } from '../../test/fakes/smtp-sink.js';
import type { SmtpSink } from '../../test/fakes/smtp-sink.js';
import { enabledDialects } from '../../test/helpers/test-db.js';
import type { DialectName } from '../../test/helpers/test-db.js';
import { createTestRuntime } from '../../test/helpers/test-runtime.js';
import type { TestRuntime, TestRuntimeOptions } from '../../test/helpers/test-runtime.js';
import type { DocumentSnapshot } from './document-snapshot.js';
import {
  fakePdfRenderer,
  paymentDraft,
  refundDraft,
  sampleProfileSettings,
  switchableRenderer,
} from './test-support/invoicing-fixtures.js';
import { commitNotification } from '../../test/helpers/commit-notification.js';

const LEASE_MS = 120_000;

for (const dialect of enabledDialects()) {
  describe(`issuing documents on ${dialect}`, () => {
    let clock: ManualClock;
    let smtp: SmtpSink;
    let runtime: TestRuntime;
    let extra: TestRuntime[];
    let source: { id: string; provider: string };
    let profileId: string;

    async function start(options: TestRuntimeOptions = {}): Promise<TestRuntime> {
      return createTestRuntime(dialect as DialectName, {
        clock,
        renderDocument: fakePdfRenderer,
        config: { smtpUrl: smtp.url },
        ...options,
      });
    }

    beforeEach(async () => {
      clock = new ManualClock('2026-03-01T10:00:00.000Z');
      smtp = await startSmtpSink();
      extra = [];
      runtime = await start();
      source = await runtime.sources.create({
        provider: 'paypal-ipn',
        name: 'PayPal',
        config: { receiverEmail: 'seller@example.com' },
      });
      const profile = await runtime.profiles.create({
        name: 'Muster',
        invoicing: true,
        settings: sampleProfileSettings(),
      });
      profileId = profile.id;
      await runtime.profiles.attach(profileId, source.id);
    });

    afterEach(async () => {
      for (const other of extra) await other.dispose();
      await runtime.dispose();
      await smtp.close();
    });

    /**
     * A second worker on the same database: a second runtime (as a second process would be) on
     * PostgreSQL. On SQLite two connections in one process deadlock (the driver blocks the
     * thread while it waits for the file lock the other connection holds), so there the second
     * worker shares the runtime, and the rows' leases keep the two apart.
     */
    async function secondWorker(): Promise<TestRuntime> {
      if (dialect === 'sqlite') return runtime;
      const second = await start({ sharing: runtime });
      extra.push(second);
      return second;
    }

    async function documents(on: TestRuntime = runtime) {
      return on.dbHandle.db.selectFrom('documents').selectAll().orderBy('sequence_no').execute();
    }

    it('issues one invoice-receipt for a payment, renders it and mails it to the buyer and the seller with the PDF', async () => {
      const committed = await commitNotification(runtime, source, [
        paymentDraft({ txnId: 'TX-1', amount: 11900 }),
      ]);
      expect(committed.documentJobs).toBe(1);
      await runtime.worker.runOnce();

      const [doc, ...rest] = await documents();
      expect(rest).toEqual([]);
      expect(doc).toMatchObject({
        kind: 'invoice',
        number: 'RE-2026-000001',
        transaction_ref: 'TX-1',
        gross: 11900,
        tax: 1900,
        net: 10000,
        render_state: 'rendered',
      });
      const snapshot = JSON.parse(doc?.snapshot ?? '{}') as DocumentSnapshot;
      expect(snapshot).toMatchObject({
        kind: 'invoice',
        number: 'RE-2026-000001',
        supplyDate: '2026-03-01',
        language: 'de',
        currency: 'EUR',
        seller: { name: 'Muster Software GmbH', vatId: 'DE123456789', taxNumber: '27/123/45678' },
        buyer: {
          name: 'Erika Mustermann',
          email: 'buyer@example.com',
          addressLines: ['Beispielweg 5', '80331 München'],
          countryCode: 'DE',
        },
        lines: [
          { description: 'Online-Kurs Basis', quantity: 1, unitAmount: 11900, amount: 11900 },
        ],
        totals: { net: 10000, tax: 1900, gross: 11900 },
        taxMode: { kind: 'vat_included', rateBasisPoints: 1900 },
        payment: { method: 'PayPal', transactionId: 'TX-1' },
        corrects: null,
      });

      const messages = await smtp.waitForMessages(2);
      const buyer = messages.find((m) => m.to.includes('buyer@example.com'));
      const seller = messages.find((m) => m.to.includes('orders@muster.example'));
      expect(buyer?.subject).toBe('Ihre Rechnung RE-2026-000001 von Muster Software GmbH');
      expect(buyer?.text).toContain('119,00');
      expect(buyer?.attachments).toEqual([
        expect.objectContaining({ filename: 'RE-2026-000001.pdf', contentType: 'application/pdf' }),
      ]);
      expect(buyer?.attachments[0]?.content.toString()).toContain('invoice RE-2026-000001');
      expect(seller?.subject).toContain('Neue Bestellung');
      expect(seller?.text).toContain('Erika Mustermann <buyer@example.com>');
      expect(seller?.attachments).toHaveLength(1);
      const mails = await runtime.dbHandle.db.selectFrom('document_mails').selectAll().execute();
      expect(mails.map((m) => m.status)).toEqual(['sent', 'sent']);
      expect(mails.every((m) => m.message_id !== null && m.sent_at !== null)).toBe(true);
    });

    it('N concurrent identical notifications, also of one payment through two sources of the profile, give one document', async () => {
      const webhooks = await runtime.sources.create({
        provider: 'paypal-webhooks',
        name: 'PayPal app',
        config: { webhookId: 'WH-1' },
      });
      await runtime.profiles.attach(profileId, webhooks.id);
      const draft = paymentDraft({ txnId: 'TX-SAME', amount: 5000 });
      await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          commitNotification(runtime, i % 2 === 0 ? source : webhooks, [draft]),
        ),
      );
      // Two events (one per source) reach the issuing step; the claim lets one through.
      expect(
        await runtime.dbHandle.db.selectFrom('document_jobs').select('event_id').execute(),
      ).toHaveLength(2);
      const second = await secondWorker();
      await Promise.all([runtime.worker.runOnce(), second.worker.runOnce()]);
      const docs = await documents();
      expect(docs.map((d) => d.number)).toEqual(['RE-2026-000001']);
      expect(
        await runtime.dbHandle.db.selectFrom('document_jobs').select('event_id').execute(),
      ).toEqual([]);
    });

    it('N concurrent different payments with two workers get the numbers 1..N, gapless and each once', async () => {
      const n = 24;
      await Promise.all(
        Array.from({ length: n }, (_, i) =>
          commitNotification(runtime, source, [
            paymentDraft({ txnId: `TX-${i}`, amount: 1000 + i }),
          ]),
        ),
      );
      const second = await secondWorker();
      await Promise.all([
        runtime.worker.runOnce(),
        second.worker.runOnce(),
        runtime.worker.runOnce(),
        second.worker.runOnce(),
      ]);
      const docs = await documents();
      expect(docs.map((d) => Number(d.sequence_no))).toEqual(
        Array.from({ length: n }, (_, i) => i + 1),
      );
      expect(new Set(docs.map((d) => d.transaction_ref)).size).toBe(n);
      expect(docs[n - 1]?.number).toBe(`RE-2026-${String(n).padStart(6, '0')}`);
      // Issue order follows the numbers.
      const issued = docs.map((d) => d.issued_at);
      expect([...issued].sort()).toEqual(issued);
    });

    it('a resent notification creates nothing', async () => {
      const draft = paymentDraft({ txnId: 'TX-R', amount: 2000 });
      await commitNotification(runtime, source, [draft]);
      await runtime.worker.runOnce();
      const again = await commitNotification(runtime, source, [draft]);
      expect(again).toMatchObject({ inserted: [], documentJobs: 0 });
      await runtime.worker.runOnce();
      expect((await documents()).map((d) => d.number)).toEqual(['RE-2026-000001']);
      expect(
        await runtime.dbHandle.db.selectFrom('document_mails').select('id').execute(),
      ).toHaveLength(2);
    });

    it('a render failure keeps the number; the retry renders it and only then are the mails sent', async () => {
      const renderer = switchableRenderer();
      await runtime.dispose();
      runtime = await start({ renderDocument: renderer.render });
      source = await runtime.sources.create({
        provider: 'paypal-ipn',
        name: 'PayPal',
        config: { receiverEmail: 'seller@example.com' },
      });
      const profile = await runtime.profiles.create({
        name: 'Muster',
        invoicing: true,
        settings: sampleProfileSettings(),
      });
      await runtime.profiles.attach(profile.id, source.id);

      await commitNotification(runtime, source, [paymentDraft({ txnId: 'TX-F', amount: 3000 })]);
      await runtime.worker.runOnce();
      const [failed] = await documents();
      expect(failed).toMatchObject({
        number: 'RE-2026-000001',
        render_state: 'pending',
        render_attempts: 1,
        render_error: 'renderer down (test)',
      });
      expect(
        await runtime.dbHandle.db.selectFrom('document_pdfs').select('document_id').execute(),
      ).toEqual([]);
      expect(smtp.messages).toEqual([]);

      renderer.failing = false;
      await runtime.worker.runOnce();
      expect(renderer.calls).toBe(1); // not due yet: the retry schedule's first step is 5 s
      clock.advance(5000);
      await runtime.worker.runOnce();
      const [rendered] = await documents();
      expect(rendered).toMatchObject({
        id: failed?.id,
        number: 'RE-2026-000001',
        render_state: 'rendered',
        render_error: null,
      });
      const pdf = await runtime.dbHandle.db
        .selectFrom('document_pdfs')
        .selectAll()
        .executeTakeFirstOrThrow();
      expect(Buffer.from(pdf.pdf).toString()).toContain('RE-2026-000001');
      expect(pdf.sha256).toMatch(/^[0-9a-f]{64}$/);
      await smtp.waitForMessages(2);
    });

    it('a refund gives a credit note linked to its invoice; partial refunds give partial ones; more than is left goes to manual handling', async () => {
      await commitNotification(runtime, source, [paymentDraft({ txnId: 'TX-P', amount: 11900 })]);
      await runtime.worker.runOnce();
      await commitNotification(runtime, source, [
        refundDraft({ txnId: 'TX-RF1', parentTxnId: 'TX-P', amount: 2380 }),
      ]);
      await runtime.worker.runOnce();
      await commitNotification(runtime, source, [
        refundDraft({ txnId: 'TX-RF2', parentTxnId: 'TX-P', amount: 9520 }),
      ]);
      await runtime.worker.runOnce();
      await commitNotification(runtime, source, [
        refundDraft({ txnId: 'TX-RF3', parentTxnId: 'TX-P', amount: 100 }),
      ]);
      await runtime.worker.runOnce();

      const docs = await runtime.dbHandle.db
        .selectFrom('documents')
        .selectAll()
        .orderBy('id')
        .execute();
      const [invoice, partial, rest] = docs;
      expect(docs).toHaveLength(3);
      expect(partial).toMatchObject({
        kind: 'credit_note',
        number: 'GS-2026-000001',
        corrects_document_id: invoice?.id,
        gross: 2380,
        tax: 380,
        net: 2000,
        transaction_ref: 'TX-RF1',
      });
      expect(JSON.parse(partial?.snapshot ?? '{}')).toMatchObject({
        kind: 'credit_note',
        corrects: { number: 'RE-2026-000001', issuedAt: invoice?.issued_at },
        buyer: { name: 'Erika Mustermann' },
        lines: [{ description: 'Teilgutschrift zu Rechnung RE-2026-000001', amount: 2380 }],
        supplyDate: '2026-03-05',
      });
      // The second refund credits the rest: the whole invoice is credited now.
      expect(rest).toMatchObject({
        kind: 'credit_note',
        number: 'GS-2026-000002',
        gross: 9520,
        corrects_document_id: invoice?.id,
      });
      const manual = await runtime.dbHandle.db.selectFrom('manual_refunds').selectAll().execute();
      expect(manual).toEqual([
        expect.objectContaining({
          transaction_ref: 'TX-RF3',
          parent_transaction_ref: 'TX-P',
          amount: 100,
          kind: 'refund',
        }),
      ]);
      expect(manual[0]?.reason).toContain('credited in full already');
    });

    it('a full refund repeats the invoice lines; a chargeback is credited too', async () => {
      await commitNotification(runtime, source, [
        paymentDraft({ txnId: 'TX-A', amount: 5000 }),
        paymentDraft({ txnId: 'TX-B', amount: 7000 }),
      ]);
      await runtime.worker.runOnce();
      await commitNotification(runtime, source, [
        refundDraft({ txnId: 'TX-A-R', parentTxnId: 'TX-A', amount: 5000 }),
      ]);
      await commitNotification(runtime, source, [
        refundDraft({ txnId: 'TX-B-C', parentTxnId: 'TX-B', amount: 7000, type: 'chargeback' }),
      ]);
      await runtime.worker.runOnce();
      const credits = (await documents()).filter((d) => d.kind === 'credit_note');
      expect(credits.map((d) => [d.number, d.gross, d.transaction_ref])).toEqual([
        ['GS-2026-000001', 5000, 'TX-A-R'],
        ['GS-2026-000002', 7000, 'TX-B-C'],
      ]);
      expect(JSON.parse(credits[0]?.snapshot ?? '{}')).toMatchObject({
        lines: [{ description: 'Online-Kurs Basis', amount: 5000 }],
        totals: { gross: 5000 },
      });
    });

    it('a refund of a payment ipnhub has no document of is recorded for manual handling, never given a reference', async () => {
      await commitNotification(runtime, source, [
        refundDraft({ txnId: 'TX-OLD-R', parentTxnId: 'TX-BEFORE-IPNHUB', amount: 1000 }),
      ]);
      await runtime.worker.runOnce();
      expect(await documents()).toEqual([]);
      const manual = await runtime.dbHandle.db.selectFrom('manual_refunds').selectAll().execute();
      expect(manual).toEqual([
        expect.objectContaining({
          profile_id: profileId,
          source_id: source.id,
          parent_transaction_ref: 'TX-BEFORE-IPNHUB',
          amount: 1000,
          currency: 'EUR',
        }),
      ]);
      expect(manual[0]?.reason).toContain('no invoice');
      expect(
        await runtime.dbHandle.db.selectFrom('document_jobs').select('event_id').execute(),
      ).toEqual([]);
    });

    it('issues nothing for test payments, Digistore24 sources or a profile with invoicing off', async () => {
      const ds24 = await runtime.sources.create({
        provider: 'digistore24',
        name: 'DS24',
        config: { passphrase: 'pass-pass' },
      });
      await runtime.profiles.attach(profileId, ds24.id);
      await commitNotification(runtime, source, [
        paymentDraft({ txnId: 'TX-T', amount: 1000, test: true }),
      ]);
      await commitNotification(runtime, ds24, [paymentDraft({ txnId: 'DS-1', amount: 1000 })]);
      await runtime.worker.runOnce();
      expect(await documents()).toEqual([]);

      await runtime.profiles.update(profileId, { invoicing: false });
      const off = await commitNotification(runtime, source, [
        paymentDraft({ txnId: 'TX-OFF', amount: 1000 }),
      ]);
      expect(off.documentJobs).toBe(0);

      await runtime.profiles.update(profileId, {
        invoicing: true,
        settings: { issueForPlatformSales: true },
      });
      await commitNotification(runtime, ds24, [paymentDraft({ txnId: 'DS-2', amount: 1000 })]);
      await runtime.worker.runOnce();
      expect((await documents()).map((d) => d.transaction_ref)).toEqual(['DS-2']);
    });

    it('after a crash between issuing and mailing, the mail goes out once after the restart', async () => {
      await runtime.profiles.update(profileId, {
        settings: { mail: { toBuyer: true, sellerRecipients: [], replyTo: null } },
      });
      await commitNotification(runtime, source, [paymentDraft({ txnId: 'TX-C', amount: 1000 })]);
      await runtime.worker.runOnce();
      await smtp.waitForMessages(1);
      // The next document's mail was taken by a worker that died before it recorded anything.
      const renderer = switchableRenderer();
      renderer.failing = false;
      await commitNotification(runtime, source, [paymentDraft({ txnId: 'TX-D', amount: 2000 })]);
      const db = runtime.dbHandle.db;
      const restarted = await start({ sharing: runtime, renderDocument: renderer.render });
      extra.push(restarted);
      // First process: issues and renders, then "crashes" with the mail leased.
      const stopped = await start({
        sharing: runtime,
        renderDocument: fakePdfRenderer,
        config: { smtpUrl: 'smtp://127.0.0.1:1' },
      });
      const before = await db.selectFrom('document_mails').select('id').execute();
      await stopped.worker.runOnce();
      const crashed = await db
        .selectFrom('document_mails')
        .selectAll()
        .where(
          'id',
          'not in',
          before.map((m) => m.id),
        )
        .executeTakeFirstOrThrow();
      await db
        .updateTable('document_mails')
        .set({
          status: 'pending',
          lease_until: new Date(clock.now().getTime() + LEASE_MS).toISOString(),
          attempts: 0,
          last_error: null,
        })
        .where('id', '=', crashed.id)
        .execute();
      await stopped.close();

      await restarted.worker.runOnce();
      expect(smtp.messages).toHaveLength(1); // still leased by the dead process
      clock.advance(LEASE_MS + 1);
      await restarted.worker.runOnce();
      await smtp.waitForMessages(2);
      clock.advance(LEASE_MS + 1);
      await restarted.worker.runOnce();
      expect(smtp.messages).toHaveLength(2);
      expect(smtp.messages[1]?.messageId).toBe(`<${crashed.id}@ipnhub>`);
      expect(
        await db
          .selectFrom('document_mails')
          .select('status')
          .where('id', '=', crashed.id)
          .executeTakeFirst(),
      ).toEqual({ status: 'sent' });
    });
  });
}
