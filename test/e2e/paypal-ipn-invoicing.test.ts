/**
 * PayPal IPN to documents, end to end on both dialects: IPNs received and acknowledged,
 * verified by postback against a local fake of PayPal, recorded; the worker issues the
 * invoice-receipt, renders it with the real PDF renderer and mails it to the buyer and the
 * seller at a real SMTP server; a partial refund gives a partial credit note; the resent IPN
 * gives nothing. The PDF's text is read back from the mail's attachment.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createIpnVerificationFake } from '../../src/dev/fake-paypal/ipn-verification.js';
import type { IpnVerificationFake } from '../../src/dev/fake-paypal/ipn-verification.js';
import { serveFakeRoutes } from '../../src/dev/fake-paypal/server.js';
import type { FakeRouteServer } from '../../src/dev/fake-paypal/server.js';
import { pdfLines } from '../../src/invoicing/pdf/test-support/pdf-text.js';
import { sampleProfileSettings } from '../../src/invoicing/test-support/invoicing-fixtures.js';
import { ManualClock } from '../../src/lib/clock.js';
import {
  encodePayPalIpnBody,
  samplePayPalIpnFields,
} from '../../src/providers/paypal-ipn/sample-messages.js';
import type { PayPalIpnSampleOverrides } from '../../src/providers/paypal-ipn/sample-messages.js';
import { startSmtpSink } from '../fakes/smtp-sink.js';
import type { SmtpSink } from '../fakes/smtp-sink.js';
import { enabledDialects } from '../helpers/test-db.js';
import { createTestRuntime } from '../helpers/test-runtime.js';
import type { TestRuntime } from '../helpers/test-runtime.js';

for (const dialect of enabledDialects()) {
  describe(`PayPal IPN to invoice and credit note on ${dialect}`, () => {
    let clock: ManualClock;
    let paypal: IpnVerificationFake;
    let paypalServer: FakeRouteServer;
    let smtp: SmtpSink;
    let runtime: TestRuntime;
    let sourceId: string;

    beforeEach(async () => {
      clock = new ManualClock('2026-05-14T18:00:00.000Z');
      paypal = createIpnVerificationFake({ acceptDevSignatures: false });
      paypalServer = await serveFakeRoutes([paypal.route]);
      smtp = await startSmtpSink();
      // The runtime's own PDF renderer: nothing is passed in.
      runtime = await createTestRuntime(dialect, { clock, config: { smtpUrl: smtp.url } });
      const source = await runtime.sources.create({
        provider: 'paypal-ipn',
        name: 'PayPal sandbox',
        config: {
          environment: 'sandbox',
          receiverEmail: 'seller@example.com',
          verificationUrl: `${paypalServer.url}/cgi-bin/webscr`,
        },
      });
      sourceId = source.id;
      const profile = await runtime.profiles.create({
        name: 'Muster',
        invoicing: true,
        settings: sampleProfileSettings({ issueForTestPayments: true }),
      });
      await runtime.profiles.attach(profile.id, sourceId);
    });

    afterEach(async () => {
      await runtime.dispose();
      await Promise.all([paypalServer.close(), smtp.close()]);
    });

    function ipn(kind: string, overrides: PayPalIpnSampleOverrides = {}): Buffer {
      const body = encodePayPalIpnBody(
        samplePayPalIpnFields(kind, { test: true, ...overrides }),
        'windows-1252',
      );
      paypal.register(body);
      return body;
    }

    async function deliver(body: Buffer): Promise<void> {
      const result = await runtime.ingest.receive(sourceId, {
        receivedAt: clock.now(),
        method: 'POST',
        url: `/ipn/${sourceId}`,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        rawBody: body,
        remoteAddress: '127.0.0.1',
      });
      expect(result.ack).toMatchObject({ status: 200, body: '' });
      await runtime.worker.runOnce();
    }

    it('issues, renders and mails the invoice-receipt; credits a partial refund; ignores the resent IPN', async () => {
      const payment = ipn('web_accept', { txnId: '61E67681CH3238416', amount: '119.00' });
      await deliver(payment);

      const [buyerMail, sellerMail] = await smtp
        .waitForMessages(2)
        .then((messages) => [
          messages.find((m) => m.to.includes('joerg.mueller@example.com')),
          messages.find((m) => m.to.includes('orders@muster.example')),
        ]);
      expect(buyerMail?.subject).toBe('Ihre Rechnung RE-2026-000001 von Muster Software GmbH');
      expect(sellerMail?.subject).toContain('Neue Bestellung');
      const attachment = buyerMail?.attachments[0];
      expect(attachment).toMatchObject({
        filename: 'RE-2026-000001.pdf',
        contentType: 'application/pdf',
      });
      expect(attachment?.content.subarray(0, 5).toString()).toBe('%PDF-');
      const text = (await pdfLines(new Uint8Array(attachment?.content ?? Buffer.alloc(0))))
        .flat()
        .join('\n');
      expect(text).toContain('RE-2026-000001');
      expect(text).toContain('Muster Software GmbH');
      expect(text).toContain('Jörg Müller');
      expect(text).toContain('119,00');
      expect(text).toContain('19,00'); // the VAT in it

      await deliver(
        ipn('partial_refund', {
          txnId: '1P566839F9694230H',
          parentTxnId: '61E67681CH3238416',
          amount: '119.00',
        }),
      );
      const docs = await runtime.dbHandle.db
        .selectFrom('documents')
        .select(['kind', 'number', 'gross', 'corrects_document_id', 'id', 'render_state'])
        .orderBy('id')
        .execute();
      expect(docs).toEqual([
        expect.objectContaining({
          kind: 'invoice',
          number: 'RE-2026-000001',
          gross: 11900,
          render_state: 'rendered',
        }),
        expect.objectContaining({
          kind: 'credit_note',
          number: 'GS-2026-000001',
          gross: 5950,
          corrects_document_id: docs[0]?.id,
          render_state: 'rendered',
        }),
      ]);
      const creditMail = (await smtp.waitForMessages(4)).find((m) =>
        m.subject.startsWith('Ihre Gutschrift'),
      );
      const creditText = (
        await pdfLines(new Uint8Array(creditMail?.attachments[0]?.content ?? Buffer.alloc(0)))
      )
        .flat()
        .join('\n');
      expect(creditText).toContain('GS-2026-000001');
      expect(creditText).toContain('RE-2026-000001');
      expect(creditText).toContain('59,50');

      await deliver(payment);
      expect(await runtime.dbHandle.db.selectFrom('documents').select('id').execute()).toHaveLength(
        2,
      );
      expect(smtp.messages).toHaveLength(4);
    });
  });
}
