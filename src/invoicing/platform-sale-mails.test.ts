/**
 * Digistore24 sales of a profile with invoicing on, on both dialects: signed IPNs through the
 * real ingest (verification, normalisation, the commit that queues the document job), the real
 * worker and a real SMTP server. No document is issued; the seller's "new order" mail and the
 * buyer's mail carry Digistore24's invoice and receipt links, once per payment, with retries,
 * in the buyer's language and the profile's own texts.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../lib/clock.js';
import {
  encodeDigistore24Body,
  sampleDigistore24Fields,
} from '../providers/digistore24/sign-request.js';
import type { Digistore24SampleOverrides } from '../providers/digistore24/sign-request.js';
import { startSmtpSink } from '../../test/fakes/smtp-sink.js';
import type { SmtpSink } from '../../test/fakes/smtp-sink.js';
import { enabledDialects } from '../../test/helpers/test-db.js';
import { createTestRuntime } from '../../test/helpers/test-runtime.js';
import type { TestRuntime } from '../../test/helpers/test-runtime.js';
import { fakePdfRenderer, sampleProfileSettings } from './test-support/invoicing-fixtures.js';

const PASSPHRASE = 'platform-sale-passphrase';

/** Intl's no-break spaces as spaces and its direction marks dropped, to compare with plain literals. */
function plain(text: string | undefined): string {
  return (text ?? '').replace(/[\u00a0\u202f]/g, ' ').replace(/[\u200e\u200f]/g, '');
}

for (const dialect of enabledDialects()) {
  describe(`Digistore24 sales: mails with Digistore24's links on ${dialect}`, () => {
    let clock: ManualClock;
    let smtp: SmtpSink;
    let runtime: TestRuntime;
    let sourceId: string;
    let profileId: string;
    const others: TestRuntime[] = [];

    beforeEach(async () => {
      clock = new ManualClock('2026-03-01T10:00:00.000Z');
      smtp = await startSmtpSink();
      runtime = await createTestRuntime(dialect, {
        clock,
        renderDocument: fakePdfRenderer,
        config: { smtpUrl: smtp.url },
      });
      sourceId = (
        await runtime.sources.create({
          provider: 'digistore24',
          name: 'DS24',
          config: { passphrase: PASSPHRASE },
        })
      ).id;
      profileId = (
        await runtime.profiles.create({
          name: 'Muster',
          invoicing: true,
          settings: sampleProfileSettings(),
        })
      ).id;
      await runtime.profiles.attach(profileId, sourceId);
    });

    afterEach(async () => {
      for (const other of others.splice(0)) await other.dispose();
      await runtime.dispose();
      await smtp.close();
    });

    async function receive(body: Buffer, source = sourceId): Promise<void> {
      const result = await runtime.ingest.receive(source, {
        receivedAt: clock.now(),
        method: 'POST',
        url: `/ipn/${source}`,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        rawBody: body,
        remoteAddress: '127.0.0.1',
      });
      expect(result.ack).toMatchObject({ status: 200, body: 'OK' });
    }

    function ipn(event: string, overrides: Digistore24SampleOverrides = {}): Buffer {
      return Buffer.from(
        encodeDigistore24Body(
          sampleDigistore24Fields(event, {
            orderId: 'DSORD001',
            transactionId: '91000042',
            email: 'anna@example.com',
            language: 'de',
            at: clock.now(),
            ...overrides,
          }),
          PASSPHRASE,
        ),
      );
    }

    const saleMails = () =>
      runtime.dbHandle.db.selectFrom('platform_sale_mails').selectAll().orderBy('role').execute();
    const documents = () => runtime.dbHandle.db.selectFrom('documents').select('id').execute();

    it('mails the seller and the buyer the invoice and receipt links, without a document, once per payment', async () => {
      const body = ipn('on_payment');
      await receive(body);
      await runtime.worker.runOnce();

      expect(await documents()).toEqual([]);
      const messages = await smtp.waitForMessages(2);
      const seller = messages.find((m) => m.to.includes('orders@muster.example'));
      const buyer = messages.find((m) => m.to.includes('anna@example.com'));
      const invoiceUrl = 'https://www.digistore24.com/invoice/DSORD001/91000042/ABCD1234.pdf';
      const receiptUrl = 'https://www.digistore24.com/receipt/543210/DSORD001/ABCD1234';
      expect(plain(seller?.subject)).toBe('Neue Bestellung: 97,00 € von Anna Beispiel (DSORD001)');
      expect(seller?.text).toContain(`Rechnung von Digistore24: ${invoiceUrl}`);
      expect(seller?.text).toContain(`Zahlungsbeleg: ${receiptUrl}`);
      expect(seller?.text).toContain('Kunde: Anna Beispiel <anna@example.com>');
      expect(seller?.text).toContain('Transaktion: 91000042');
      expect(seller?.attachments).toEqual([]);
      expect(buyer?.subject).toBe('Ihre Bestellung DSORD001 bei Muster Software GmbH');
      expect(buyer?.text).toContain(`Rechnung: ${invoiceUrl}`);
      expect(buyer?.replyTo).toContain('billing@muster.example');
      expect(buyer?.attachments).toEqual([]);
      const rows = await saleMails();
      expect(rows.map((r) => [r.role, r.status, r.attempts])).toEqual([
        ['buyer', 'sent', 1],
        ['seller', 'sent', 1],
      ]);
      expect(
        rows.every(
          (r) => r.message_id === `<${r.id}@ipnhub>` && r.sent_at !== null && r.subject !== null,
        ),
      ).toBe(true);

      // The IPN resent, and the same payment through a second Digistore24 source of the profile: nothing more.
      await receive(body);
      const second = (
        await runtime.sources.create({
          provider: 'digistore24',
          name: 'DS24 second',
          config: { passphrase: PASSPHRASE },
        })
      ).id;
      await runtime.profiles.attach(profileId, second);
      await receive(body, second);
      await runtime.worker.runOnce();
      expect(smtp.messages).toHaveLength(2);
      expect(await saleMails()).toHaveLength(2);
      expect(
        await runtime.dbHandle.db.selectFrom('document_jobs').select('event_id').execute(),
      ).toEqual([]);
    });

    it('writes in the buyer’s language (the profile’s default otherwise) and uses the profile’s own texts', async () => {
      await runtime.profiles.update(profileId, {
        settings: {
          mail: { toBuyer: false, sellerRecipients: ['orders@muster.example'], replyTo: null },
          templates: {
            it: {
              sellerPlatformSale: {
                subject: 'Ordine {{orderId}}',
                body: 'Fattura: {{invoiceUrl}} ({{total}}, {{paymentDate}})',
              },
            },
          },
        },
      });
      await receive(
        ipn('on_payment', {
          orderId: 'DSHE0001',
          transactionId: '1',
          language: 'he',
          amount: '188.00',
          currency: 'ILS',
        }),
      );
      await receive(ipn('on_payment', { orderId: 'DSEN0001', transactionId: '2', language: 'en' }));
      await receive(ipn('on_payment', { orderId: 'DSIT0001', transactionId: '3', language: 'it' }));
      await receive(ipn('on_payment', { orderId: 'DSFR0001', transactionId: '4', language: 'fr' }));
      await runtime.worker.runOnce();

      const messages = await smtp.waitForMessages(4);
      // toBuyer off: only the seller's.
      expect(messages.every((m) => m.to.join() === 'orders@muster.example')).toBe(true);
      const subjects = messages.map((m) => plain(m.subject)).sort();
      expect(subjects).toEqual(
        [
          'New order: €97.00 from Anna Beispiel (DSEN0001)',
          'Neue Bestellung: 97,00 € von Anna Beispiel (DSFR0001)',
          'Ordine DSIT0001',
          'הזמנה חדשה: 188.00 ₪ מאת Anna Beispiel (DSHE0001)',
        ].sort(),
      );
      const italian = messages.find((m) => m.subject === 'Ordine DSIT0001');
      expect(plain(italian?.text).trim()).toBe(
        'Fattura: https://www.digistore24.com/invoice/DSIT0001/3/ABCD1234.pdf (97,00 €, 1 marzo 2026)',
      );
    });

    it('refuses a platform-sale text naming a document placeholder, and a document text naming a link', async () => {
      await expect(
        runtime.profiles.update(profileId, {
          settings: {
            templates: { de: { sellerPlatformSale: { subject: 'Neu {{number}}', body: 'x' } } },
          },
        }),
      ).rejects.toMatchObject({
        code: 'VALIDATION_FAILED',
      });
      await expect(
        runtime.profiles.update(profileId, {
          settings: {
            templates: { de: { sellerInvoice: { subject: 'Neu', body: '{{invoiceUrl}}' } } },
          },
        }),
      ).rejects.toMatchObject({
        code: 'VALIDATION_FAILED',
      });
    });

    it('retries a mail the SMTP server could not take, and records the failure meanwhile', async () => {
      const down = await createTestRuntime(dialect, {
        clock,
        sharing: runtime,
        config: { smtpUrl: 'smtp://127.0.0.1:1' },
      });
      others.push(down);
      await receive(ipn('on_payment'));
      await down.worker.runOnce();
      const failed = await saleMails();
      expect(failed.map((r) => [r.status, r.attempts])).toEqual([
        ['pending', 1],
        ['pending', 1],
      ]);
      expect(failed.every((r) => r.last_error !== null && r.message_id === null)).toBe(true);
      expect(smtp.messages).toEqual([]);

      await runtime.worker.runOnce();
      expect(smtp.messages).toEqual([]); // not due yet: the retry schedule's first step is 5 s
      clock.advance(5000);
      await runtime.worker.runOnce();
      await smtp.waitForMessages(2);
      expect((await saleMails()).map((r) => [r.status, r.attempts, r.last_error])).toEqual([
        ['sent', 2, null],
        ['sent', 2, null],
      ]);
    });

    it('sends nothing for refunds, nor with invoicing off; issues a document instead when the profile issues for platform sales', async () => {
      await receive(ipn('on_payment'));
      await runtime.worker.runOnce();
      await smtp.waitForMessages(2);
      await receive(ipn('on_refund', { transactionId: '91000043' }));
      await runtime.worker.runOnce();
      expect(smtp.messages).toHaveLength(2);
      expect(await runtime.dbHandle.db.selectFrom('manual_refunds').select('id').execute()).toEqual(
        [],
      );

      await runtime.profiles.update(profileId, { invoicing: false });
      await receive(ipn('on_payment', { orderId: 'DSOFF001', transactionId: '5' }));
      await runtime.worker.runOnce();
      expect(smtp.messages).toHaveLength(2);

      await runtime.profiles.update(profileId, {
        invoicing: true,
        settings: { issueForPlatformSales: true },
      });
      await receive(ipn('on_payment', { orderId: 'DSDOC001', transactionId: '6' }));
      await runtime.worker.runOnce();
      expect(await documents()).toHaveLength(1);
      expect(await saleMails()).toHaveLength(2);
    });
  });
}
