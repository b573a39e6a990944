/**
 * `GET /sale-mails` on both dialects: the mails of Digistore24 sales, queued by the real ingest
 * and sent (or not) by the real worker to a real SMTP server, read over the admin API — to
 * whom, the sale and Digistore24's links, status and tries — with the documents' filters
 * (profile, source, period, buyer) and stable cursor paging. Every answer is checked against
 * its response schema by the test runtime.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SaleMailView } from '../../invoicing/sale-mails-query.js';
import {
  fakePdfRenderer,
  sampleProfileSettings,
} from '../../invoicing/test-support/invoicing-fixtures.js';
import type { Page } from '../../db/page.js';
import { ManualClock } from '../../lib/clock.js';
import {
  encodeDigistore24Body,
  sampleDigistore24Fields,
} from '../../providers/digistore24/sign-request.js';
import type { Digistore24SampleOverrides } from '../../providers/digistore24/sign-request.js';
import { startSmtpSink } from '../../../test/fakes/smtp-sink.js';
import type { SmtpSink } from '../../../test/fakes/smtp-sink.js';
import { enabledDialects } from '../../../test/helpers/test-db.js';
import { createTestRuntime } from '../../../test/helpers/test-runtime.js';
import type { TestRuntime } from '../../../test/helpers/test-runtime.js';
import { startAdminHarness } from './test-support/admin-harness.js';
import type { AdminHarness } from './test-support/admin-harness.js';

const PASSPHRASE = 'sale-mails-passphrase';

/** The answer as JSON: the query's items. */
type SalePage = Page<SaleMailView>;

for (const dialect of enabledDialects()) {
  describe(`mails of Digistore24 sales over the admin API on ${dialect}`, () => {
    let clock: ManualClock;
    let smtp: SmtpSink;
    let h: AdminHarness;
    let down: TestRuntime;
    const ids = { shop: '', courses: '', muster: '', other: '' };

    async function receive(
      sourceId: string,
      overrides: Digistore24SampleOverrides,
      drop: readonly string[] = [],
    ): Promise<void> {
      const all = sampleDigistore24Fields('on_payment', {
        language: 'de',
        at: clock.now(),
        ...overrides,
      });
      const fields = Object.fromEntries(
        Object.entries(all).filter(([name]) => !drop.includes(name)),
      );
      const result = await h.runtime.ingest.receive(sourceId, {
        receivedAt: clock.now(),
        method: 'POST',
        url: `/ipn/${sourceId}`,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        rawBody: Buffer.from(encodeDigistore24Body(fields, PASSPHRASE)),
        remoteAddress: '127.0.0.1',
      });
      expect(result.ack).toMatchObject({ status: 200, body: 'OK' });
    }

    const list = async (query: string): Promise<SalePage> => {
      const res = await h.call('GET', `/sale-mails${query}`);
      expect(res.status).toBe(200);
      return res.json<SalePage>();
    };
    const orders = (page: SalePage): string[] => page.data.map((m) => `${m.orderId}:${m.role}`);

    beforeAll(async () => {
      clock = new ManualClock('2026-03-01T10:00:00.000Z');
      smtp = await startSmtpSink();
      h = await startAdminHarness(dialect, {
        clock,
        renderDocument: fakePdfRenderer,
        config: { smtpUrl: smtp.url },
      });
      // A second worker on the same data whose SMTP server is down: its tries fail and are recorded.
      down = await createTestRuntime(dialect, {
        clock,
        sharing: h.runtime,
        config: { smtpUrl: 'smtp://127.0.0.1:1' },
      });
      ids.shop = (
        await h.runtime.sources.create({
          provider: 'digistore24',
          name: 'DS24 shop',
          config: { passphrase: PASSPHRASE },
        })
      ).id;
      ids.courses = (
        await h.runtime.sources.create({
          provider: 'digistore24',
          name: 'DS24 courses',
          config: { passphrase: PASSPHRASE },
        })
      ).id;
      ids.muster = (
        await h.runtime.profiles.create({
          name: 'Muster',
          invoicing: true,
          settings: sampleProfileSettings(),
        })
      ).id;
      ids.other = (
        await h.runtime.profiles.create({
          name: 'Other',
          invoicing: true,
          settings: sampleProfileSettings({
            mail: { toBuyer: false, sellerRecipients: ['other@example.com'], replyTo: null },
          }),
        })
      ).id;
      await h.runtime.profiles.attach(ids.muster, ids.shop);
      await h.runtime.profiles.attach(ids.other, ids.courses);

      await receive(ids.shop, {
        orderId: 'DSA00001',
        transactionId: '1',
        email: 'anna@example.com',
      });
      await h.runtime.worker.runOnce();
      await smtp.waitForMessages(2);
      clock.advance(86_400_000);
      // The worker queues a sale's mails when it settles the payment (then tries them).
      await receive(ids.courses, {
        orderId: 'DSB00002',
        transactionId: '2',
        email: 'ben@example.com',
        amount: '49.00',
      });
      await down.worker.runOnce();
      clock.advance(86_400_000);
      // Without a receipt link in the IPN; sent while the SMTP server is down.
      await receive(
        ids.shop,
        { orderId: 'DSC00003', transactionId: '3', email: 'Carla@Example.com' },
        ['receipt_url'],
      );
      await down.worker.runOnce();
    });

    afterAll(async () => {
      await down.dispose();
      await h.close();
      await smtp.close();
    });

    it('lists each mail newest first with to whom, the sale, the links and how sending went', async () => {
      const page = await list('');
      expect(orders(page)).toEqual([
        'DSC00003:seller',
        'DSC00003:buyer',
        'DSB00002:seller',
        'DSA00001:seller',
        'DSA00001:buyer',
      ]);
      expect(page.nextCursor).toBeNull();
      const sent = page.data.find((m) => m.orderId === 'DSA00001' && m.role === 'buyer');
      expect(sent).toMatchObject({
        recipients: ['anna@example.com'],
        status: 'sent',
        attempts: 1,
        nextAttemptAt: null,
        lastError: null,
        subject: 'Ihre Bestellung DSA00001 bei Muster Software GmbH',
        profileId: ids.muster,
        sourceId: ids.shop,
        transactionId: '1',
        buyerEmail: 'anna@example.com',
        amount: 9700,
        currency: 'EUR',
        invoiceUrl: 'https://www.digistore24.com/invoice/DSA00001/1/ABCD1234.pdf',
        receiptUrl: 'https://www.digistore24.com/receipt/543210/DSA00001/ABCD1234',
      });
      const failing = page.data.find((m) => m.orderId === 'DSC00003' && m.role === 'seller');
      expect(failing).toMatchObject({
        recipients: ['orders@muster.example'],
        status: 'pending',
        attempts: 1,
        subject: expect.stringContaining('DSC00003'),
        receiptUrl: null,
      });
      expect(failing?.lastError).not.toBeNull();
      expect(failing?.nextAttemptAt).toBe(new Date(clock.now().getTime() + 5000).toISOString());
      // The other profile mails only its seller (its buyer's mail was never queued); tried twice by now.
      expect(page.data.find((m) => m.orderId === 'DSB00002')).toMatchObject({
        recipients: ['other@example.com'],
        status: 'pending',
        attempts: 2,
        amount: 4900,
      });
    });

    it('filters by profile, source, period and buyer', async () => {
      expect(orders(await list(`?profileId=${ids.other}`))).toEqual(['DSB00002:seller']);
      expect(orders(await list(`?sourceId=${ids.shop}`))).toEqual([
        'DSC00003:seller',
        'DSC00003:buyer',
        'DSA00001:seller',
        'DSA00001:buyer',
      ]);
      expect(orders(await list('?from=2026-03-02T00:00:00Z&to=2026-03-03T00:00:00Z'))).toEqual([
        'DSB00002:seller',
      ]);
      expect(orders(await list('?email=%20CARLA@example.com'))).toEqual([
        'DSC00003:seller',
        'DSC00003:buyer',
      ]);
      expect(orders(await list(`?profileId=${ids.muster}&sourceId=${ids.courses}`))).toEqual([]);
      const bad = await h.call('GET', '/sale-mails?from=yesterday');
      expect(bad.json()).toMatchObject({ error: { code: 'VALIDATION_FAILED' } });
    });

    it('pages without skipping or repeating, also while new mails arrive', async () => {
      const first = await list('?limit=2');
      expect(orders(first)).toEqual(['DSC00003:seller', 'DSC00003:buyer']);
      await receive(ids.shop, {
        orderId: 'DSD00004',
        transactionId: '4',
        email: 'dora@example.com',
      });
      await down.worker.runOnce();
      const second = await list(`?limit=2&cursor=${first.nextCursor ?? ''}`);
      expect(orders(second)).toEqual(['DSB00002:seller', 'DSA00001:seller']);
      const third = await list(`?limit=2&cursor=${second.nextCursor ?? ''}`);
      expect(orders(third)).toEqual(['DSA00001:buyer']);
      expect(third.nextCursor).toBeNull();
      expect(orders(await list('?limit=2'))).toEqual(['DSD00004:seller', 'DSD00004:buyer']);
      const foreign = await h.call(
        'GET',
        `/sale-mails?cursor=${Buffer.from('doc_01HXZ3M8Q4000000000000TEST').toString('base64url')}`,
      );
      expect(foreign.json()).toMatchObject({ error: { code: 'INVALID_CURSOR' } });
    });
  });
}
