/**
 * Erasure of a buyer who got an invoice, on both dialects, with the real issuing, render and
 * mail runners: the e-mail leaves no trace (also not in the document, its snapshot, its mails
 * or its PDF, which is rendered again), while the invoice keeps its number, amounts and the
 * name and address an invoice must show, and nothing but the document holds the name.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../lib/clock.js';
import type { DocumentSnapshot } from '../invoicing/document-snapshot.js';
import {
  fakePdfRenderer,
  paymentDraft,
  sampleProfileSettings,
} from '../invoicing/test-support/invoicing-fixtures.js';
import { commitNotification } from '../../test/helpers/commit-notification.js';
import { startSmtpSink } from '../../test/fakes/smtp-sink.js';
import type { SmtpSink } from '../../test/fakes/smtp-sink.js';
import { enabledDialects } from '../../test/helpers/test-db.js';
import { createTestRuntime } from '../../test/helpers/test-runtime.js';
import type { TestRuntime } from '../../test/helpers/test-runtime.js';
import { eraseCustomer } from './erase-customer.js';
import { findTraces } from './test-support/traces.js';

const EMAIL = 'wendelin.ostrowski@example.net';
const LAST = 'Ostrowski';

for (const dialect of enabledDialects()) {
  describe(`erasure of an invoiced buyer on ${dialect}`, () => {
    let clock: ManualClock;
    let smtp: SmtpSink;
    let runtime: TestRuntime;

    beforeEach(async () => {
      clock = new ManualClock('2026-03-01T10:00:00.000Z');
      smtp = await startSmtpSink();
      runtime = await createTestRuntime(dialect, {
        clock,
        renderDocument: fakePdfRenderer,
        config: { smtpUrl: smtp.url },
      });
    });

    afterEach(async () => {
      await runtime.dispose();
      await smtp.close();
    });

    it('removes the e-mail from the invoice and keeps what an invoice must show', async () => {
      const source = await runtime.sources.create({
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
      await commitNotification(runtime, source, [
        paymentDraft({ txnId: 'TX-INV', amount: 11900, email: EMAIL, lastName: LAST }),
      ]);
      await runtime.worker.runOnce();
      const { db, adapter } = runtime.dbHandle;
      const before = await db.selectFrom('documents').selectAll().executeTakeFirstOrThrow();
      expect(before.render_state).toBe('rendered');
      expect(await db.selectFrom('document_mails').select('status').execute()).toEqual(
        expect.arrayContaining([{ status: 'sent' }]),
      );
      expect(await findTraces(runtime, [EMAIL])).not.toEqual([]);

      const customer = await db
        .selectFrom('customers')
        .select('id')
        .where('email', '=', EMAIL)
        .executeTakeFirstOrThrow();
      const erasure = await eraseCustomer({ db, adapter, clock }, customer.id, 'api:session');
      expect(erasure?.removed).toMatchObject({ documents: 1, documentMails: 2, events: 1 });
      expect(await findTraces(runtime, [EMAIL, encodeURIComponent(EMAIL)])).toEqual([]);

      // The PDF is made again from the snapshot, without the e-mail.
      await runtime.worker.runOnce();
      const after = await db.selectFrom('documents').selectAll().executeTakeFirstOrThrow();
      expect(after).toMatchObject({
        number: before.number,
        gross: before.gross,
        issued_at: before.issued_at,
        buyer_name: before.buyer_name,
        buyer_email: null,
        render_state: 'rendered',
      });
      const snapshot = JSON.parse(after.snapshot) as DocumentSnapshot;
      expect(snapshot.buyer).toMatchObject({ email: null, name: `Erika ${LAST}` });
      expect(snapshot.buyer.addressLines.join(' ')).toContain('Beispielweg 5');
      expect(await db.selectFrom('document_pdfs').select('document_id').execute()).toEqual([
        { document_id: after.id },
      ]);
      expect(await findTraces(runtime, [EMAIL])).toEqual([]);
      // Only the document (and its PDF) still names the buyer.
      if (dialect === 'postgres') {
        const holders = (await findTraces(runtime, [LAST])).map((t) => t.split(':')[0]);
        expect(holders.filter((table) => table !== 'document_pdfs')).toEqual(['documents']);
      }
    });
  });
}
