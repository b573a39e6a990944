/**
 * PayPal classic IPNs whose content needs more than the happy path, on both dialects, through
 * the real pipeline: received, acknowledged, verified by postback against a local fake of
 * PayPal (VERIFIED only for registered bytes), then recorded. The worker runs by hand
 * (`runOnce`), so nothing depends on timing.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createIpnVerificationFake } from '../../src/dev/fake-paypal/ipn-verification.js';
import type { IpnVerificationFake } from '../../src/dev/fake-paypal/ipn-verification.js';
import { serveFakeRoutes } from '../../src/dev/fake-paypal/server.js';
import type { FakeRouteServer } from '../../src/dev/fake-paypal/server.js';
import { ManualClock } from '../../src/lib/clock.js';
import type { InboundRequest } from '../../src/providers/provider.js';
import {
  encodePayPalIpnBody,
  samplePayPalIpnFields,
} from '../../src/providers/paypal-ipn/sample-messages.js';
import type { PayPalIpnSampleOverrides } from '../../src/providers/paypal-ipn/sample-messages.js';
import { startSmtpSink } from '../fakes/smtp-sink.js';
import type { SmtpSink } from '../fakes/smtp-sink.js';
import { captureLogger } from '../helpers/capture-logger.js';
import type { CapturedLogger } from '../helpers/capture-logger.js';
import { createTestRuntime, TEST_ADMIN_TOKEN } from '../helpers/test-runtime.js';
import type { TestRuntime } from '../helpers/test-runtime.js';
import { enabledDialects } from '../helpers/test-db.js';

for (const dialect of enabledDialects()) {
  describe(`PayPal IPN content and the ledger on ${dialect}`, () => {
    let clock: ManualClock;
    let paypal: IpnVerificationFake;
    let paypalServer: FakeRouteServer;
    let log: CapturedLogger;
    let smtp: SmtpSink;
    let runtime: TestRuntime;
    let sourceId: string;

    beforeEach(async () => {
      clock = new ManualClock('2026-03-01T10:00:00.000Z');
      paypal = createIpnVerificationFake({ acceptDevSignatures: false });
      paypalServer = await serveFakeRoutes([paypal.route]);
      log = captureLogger('info');
      smtp = await startSmtpSink();
      runtime = await createTestRuntime(dialect, {
        clock,
        logger: log.logger,
        config: { smtpUrl: smtp.url },
      });
      const source = await runtime.sources.create({
        provider: 'paypal-ipn',
        name: 'PayPal sandbox',
        config: {
          environment: 'sandbox',
          receiverEmail: 'seller@example.com',
          verificationUrl: `${paypalServer.url}/cgi-bin/webscr`,
          expectedPrices: { 'course-basic': { amount: '19.99', currency: 'EUR' } },
        },
      });
      sourceId = source.id;
      // Deliveries go nowhere reachable; the tests look at what was queued, not at its delivery.
      await runtime.connections.create({
        connector: 'webhook',
        name: 'Billing',
        filters: { includeTest: true },
        config: { url: 'https://billing.example.com/hook' },
        errorEmails: ['ops@example.com'],
      });
      await runtime.connections.create({
        connector: 'webhook',
        name: 'Other shop',
        filters: { sources: ['src_someone_else'], includeTest: true },
        config: { url: 'https://other.example.com/hook' },
        errorEmails: ['other@example.com'],
      });
    });

    afterEach(async () => {
      await runtime.dispose();
      await Promise.all([paypalServer.close(), smtp.close()]);
    });

    /** A sandbox IPN that PayPal "sent" (the fake vouches for exactly these bytes). */
    function ipn(
      kind: string,
      overrides: PayPalIpnSampleOverrides = {},
      drop: readonly string[] = [],
    ): Buffer {
      const fields = samplePayPalIpnFields(kind, { test: true, ...overrides }).filter(
        ([name]) => !drop.includes(name),
      );
      const body = encodePayPalIpnBody(fields, overrides.charset ?? 'windows-1252');
      paypal.register(body);
      return body;
    }

    function request(body: Buffer): InboundRequest {
      return {
        receivedAt: clock.now(),
        method: 'POST',
        url: `/ipn/${sourceId}`,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        rawBody: body,
        remoteAddress: '127.0.0.1',
      };
    }

    /** Receives each body (each answered an empty 200), then lets the verifier settle them. */
    async function deliver(...bodies: Buffer[]): Promise<void> {
      for (const body of bodies) {
        const result = await runtime.ingest.receive(sourceId, request(body));
        expect(result.ack).toMatchObject({ status: 200, body: '' });
      }
      await runtime.worker.runOnce();
    }

    async function events() {
      const rows = await runtime.dbHandle.db
        .selectFrom('events')
        .select(['type', 'order_ref', 'dedup_key'])
        .orderBy('id')
        .execute();
      return rows.map((row) => ({
        type: row.type,
        order: row.order_ref,
        key: row.dedup_key.slice(sourceId.length + 1),
      }));
    }

    async function accessOf(productId: string) {
      const rows = await runtime.dbHandle.db
        .selectFrom('access')
        .select('status')
        .where('product_id', '=', productId)
        .execute();
      return rows.map((row) => row.status);
    }

    async function inbound() {
      return runtime.dbHandle.db
        .selectFrom('inbound_requests')
        .select(['id', 'verdict', 'verdict_code', 'verdict_reason', 'verification', 'event_ids'])
        .orderBy('id')
        .execute();
    }

    it('records and logs that a message without a charset field was decoded as windows-1252', async () => {
      const body = ipn('web_accept', { txnId: '7NOCHARSET000000' }, ['charset']);
      expect(body.toString('latin1')).not.toContain('charset=');
      await runtime.ingest.receive(sourceId, request(body));
      expect(await inbound()).toMatchObject([
        {
          verdict: 'pending',
          verification: 'postback pending; no charset field; decoded as windows-1252',
        },
      ]);
      const [row] = await inbound();
      expect(
        log.lines().filter((line) => line.msg === 'inbound request read with an assumption'),
      ).toEqual([
        expect.objectContaining({
          level: 40,
          inboundId: row?.id,
          sourceId,
          notes: ['no charset field; decoded as windows-1252'],
        }),
      ]);

      await runtime.worker.runOnce();
      expect(await inbound()).toMatchObject([
        {
          verdict: 'accepted',
          verification: 'postback VERIFIED; no charset field; decoded as windows-1252',
        },
      ]);
      // Names decoded in windows-1252, as the note says.
      const event = await runtime.dbHandle.db
        .selectFrom('events')
        .select('payload')
        .executeTakeFirstOrThrow();
      expect(JSON.parse(event.payload)).toMatchObject({
        buyer: { firstName: 'Jörg', lastName: 'Müller' },
      });
    });

    it('records nothing extra for a message that names its charset', async () => {
      await deliver(ipn('web_accept', { txnId: '7CHARSET00000000', charset: 'UTF-8' }));
      expect(await inbound()).toMatchObject([
        { verdict: 'accepted', verification: 'postback VERIFIED' },
      ]);
      expect(
        log.lines().filter((line) => line.msg === 'inbound request read with an assumption'),
      ).toEqual([]);
    });

    it('records a Completed payment without txn_type as the payment it is, granting access', async () => {
      await deliver(ipn('web_accept', { txnId: '8NOTYPE000000000' }, ['txn_type']));
      expect(await inbound()).toMatchObject([{ verdict: 'accepted', verdict_code: null }]);
      expect(await events()).toEqual([
        { type: 'payment', order: '8NOTYPE000000000', key: 'pp:txn:8NOTYPE000000000:Completed' },
      ]);
      expect(await accessOf('course-basic')).toEqual(['active']);
    });

    it('records a recurring payment without txn_id on its profile, under a key its resends share', async () => {
      const original = ipn('recurring_payment', { profileId: 'I-NOTXN0000001' }, ['txn_id']);
      // A manual resend from the IPN History: resend=true and another track id, the same payment.
      const resent = ipn(
        'recurring_payment',
        { profileId: 'I-NOTXN0000001', fields: { resend: 'true', ipn_track_id: 'ffffffffffff1' } },
        ['txn_id'],
      );
      const next = ipn(
        'recurring_payment',
        { profileId: 'I-NOTXN0000001', paymentDate: '03:04:11 Jul 14, 2024 PDT' },
        ['txn_id'],
      );
      // Verified together, committed in the order received: the resend is the duplicate.
      await deliver(original, resent, next);
      expect((await inbound()).map((row) => row.verdict)).toEqual([
        'accepted',
        'duplicate',
        'accepted',
      ]);
      const recorded = await events();
      expect(recorded.map((e) => [e.type, e.order])).toEqual([
        ['payment', 'I-NOTXN0000001'],
        ['payment', 'I-NOTXN0000001'],
      ]);
      expect(recorded.every((e) => /^pp:notxn:[0-9a-f]{32}$/.test(e.key))).toBe(true);
      const payments = await runtime.dbHandle.db
        .selectFrom('transactions')
        .select(['kind', 'amount', 'external_id'])
        .execute();
      expect(payments).toEqual([
        { kind: 'payment', amount: 2900, external_id: null },
        { kind: 'payment', amount: 2900, external_id: null },
      ]);
    });

    it("holds verified money it cannot record for review: stored as held, nothing delivered, the source's error addresses alerted under the throttle", async () => {
      const settlement = ipn('adjustment');
      const underpaid = ipn('web_accept', { txnId: '9UNDERPAID000000', amount: '1.99' });
      const anonymous = ipn('web_accept', {}, ['txn_id']);
      await deliver(settlement, underpaid, anonymous);

      const rows = await inbound();
      expect(rows.map((row) => [row.verdict, row.verdict_code, row.event_ids])).toEqual([
        ['held', null, '[]'],
        ['held', 'AMOUNT_MISMATCH', '[]'],
        ['held', 'MISSING_FIELD', '[]'],
      ]);
      expect(rows.map((row) => row.verdict_reason)).toEqual([
        expect.stringMatching(/^txn_type adjustment: a PayPal case was settled/),
        'item "course-basic" was paid 1.99 EUR, expected 19.99 EUR',
        'txn_id is missing for payment_status Completed',
      ]);
      expect(rows.every((row) => row.verification === 'postback VERIFIED')).toBe(true);
      expect(await events()).toEqual([]);
      expect(await runtime.dbHandle.db.selectFrom('deliveries').select('id').execute()).toEqual([]);
      expect(await accessOf('course-basic')).toEqual([]);

      // Under the alert throttle: the first held request is mailed at once, to the connections
      // of this source only; the two held within the hour are counted and mailed when it ends.
      const [first] = await smtp.waitForMessages(1);
      expect(first?.to).toEqual(['ops@example.com']);
      expect(first?.subject).toBe(
        '[ipnhub] Source "PayPal sandbox": 1 notification held for review (txn_type adjustment: a PayPal case was settled (adjustment); whether money went to the buyer or back to you depends on its reason_code)',
      );
      expect(first?.text).toContain(`GET /api/v1/inbound-requests/${rows[0]?.id}`);
      // A round inside the hour counts what was noted meanwhile and mails nothing.
      await runtime.worker.runOnce();
      expect(smtp.messages).toHaveLength(1);
      clock.advance(3_600_000);
      await runtime.worker.runOnce();
      const [, second] = await smtp.waitForMessages(2);
      expect(second?.to).toEqual(['ops@example.com']);
      expect(second?.subject).toBe(
        '[ipnhub] Source "PayPal sandbox": 2 notifications held for review (MISSING_FIELD: txn_id is missing for payment_status Completed)',
      );
      expect(second?.text).toContain(`GET /api/v1/inbound-requests/${rows[2]?.id}`);
      expect(smtp.messages).toHaveLength(2);

      const app = await runtime.buildApp();
      try {
        const listed = await app.inject({
          method: 'GET',
          url: '/api/v1/inbound-requests?verdict=held',
          headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` },
        });
        expect(listed.statusCode, listed.body).toBe(200);
        expect(
          listed
            .json<{ data: Array<{ id: string }> }>()
            .data.map((item) => item.id)
            .sort(),
        ).toEqual(rows.map((row) => row.id).sort());
      } finally {
        await app.close();
      }
    });

    it('takes the currency of a refund without mc_currency from its order, with the amounts in that currency', async () => {
      await deliver(
        ipn('web_accept', {
          txnId: '10JPYPAY00000000',
          itemNumber: 'ebook-jp',
          currency: 'JPY',
          amount: '5000',
        }),
      );
      await deliver(
        ipn(
          'refund',
          {
            txnId: '10JPYREF00000000',
            parentTxnId: '10JPYPAY00000000',
            itemNumber: 'ebook-jp',
            amount: '5000',
          },
          ['mc_currency'],
        ),
      );
      expect((await inbound()).map((row) => row.verdict)).toEqual(['accepted', 'accepted']);
      const transactions = await runtime.dbHandle.db
        .selectFrom('transactions')
        .select(['kind', 'amount', 'currency'])
        .orderBy('occurred_at')
        .execute();
      expect(transactions).toEqual([
        { kind: 'payment', amount: 5000, currency: 'JPY' },
        { kind: 'refund', amount: 5000, currency: 'JPY' },
      ]);
      const refund = await runtime.dbHandle.db
        .selectFrom('events')
        .select('payload')
        .where('type', '=', 'refund')
        .executeTakeFirstOrThrow();
      expect(JSON.parse(refund.payload)).toMatchObject({
        order: { id: '10JPYPAY00000000', currency: 'JPY', amount: 5000, fee: 125 },
      });
      expect(await accessOf('ebook-jp')).toEqual(['revoked']);
    });

    it('keeps access after a partial refund by parent_txn_id, and revokes when a second one completes it', async () => {
      await deliver(ipn('web_accept', { txnId: '11PAID0000000000' }));
      await deliver(
        ipn('refund', {
          txnId: '11REFUND00000001',
          parentTxnId: '11PAID0000000000',
          amount: '10.00',
        }),
      );
      expect(await accessOf('course-basic')).toEqual(['active']);
      const status = async () =>
        (
          await runtime.dbHandle.db
            .selectFrom('orders')
            .select('status')
            .where('external_id', '=', '11PAID0000000000')
            .executeTakeFirstOrThrow()
        ).status;
      expect(await status()).toBe('partially_refunded');
      // 10.00 + 9.99 = the 19.99 paid.
      await deliver(
        ipn('refund', {
          txnId: '11REFUND00000002',
          parentTxnId: '11PAID0000000000',
          amount: '9.99',
        }),
      );
      expect(await accessOf('course-basic')).toEqual(['revoked']);
      expect(await status()).toBe('refunded');
      const refunds = await runtime.dbHandle.db
        .selectFrom('transactions')
        .select(['amount', 'parent_external_id'])
        .where('kind', '=', 'refund')
        .orderBy('external_id')
        .execute();
      expect(refunds).toEqual([
        { amount: 1000, parent_external_id: '11PAID0000000000' },
        { amount: 999, parent_external_id: '11PAID0000000000' },
      ]);
    });
  });
}
