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
import { encodePayPalIpnBody, samplePayPalIpnFields } from '../../src/providers/paypal-ipn/sample-messages.js';
import type { PayPalIpnSampleOverrides } from '../../src/providers/paypal-ipn/sample-messages.js';
import { capturingLogger } from '../helpers/capturing-logger.js';
import type { CapturingLogger } from '../helpers/capturing-logger.js';
import { createTestRuntime } from '../helpers/test-runtime.js';
import type { TestRuntime } from '../helpers/test-runtime.js';
import { enabledDialects } from '../helpers/test-db.js';

for (const dialect of enabledDialects()) {
  describe(`PayPal IPN content and the ledger on ${dialect}`, () => {
    let clock: ManualClock;
    let paypal: IpnVerificationFake;
    let paypalServer: FakeRouteServer;
    let log: CapturingLogger;
    let runtime: TestRuntime;
    let sourceId: string;

    beforeEach(async () => {
      clock = new ManualClock('2026-03-01T10:00:00.000Z');
      paypal = createIpnVerificationFake({ acceptDevSignatures: false });
      paypalServer = await serveFakeRoutes([paypal.route]);
      log = capturingLogger();
      runtime = await createTestRuntime(dialect, { clock, logger: log.logger });
      const source = await runtime.sources.create({
        provider: 'paypal-ipn',
        name: 'PayPal sandbox',
        config: { environment: 'sandbox', receiverEmail: 'seller@example.com', verificationUrl: `${paypalServer.url}/cgi-bin/webscr` },
      });
      sourceId = source.id;
    });

    afterEach(async () => {
      await runtime.dispose();
      await paypalServer.close();
    });

    /** A sandbox IPN that PayPal "sent" (the fake vouches for exactly these bytes). */
    function ipn(kind: string, overrides: PayPalIpnSampleOverrides = {}, drop: readonly string[] = []): Buffer {
      const fields = samplePayPalIpnFields(kind, { test: true, ...overrides }).filter(([name]) => !drop.includes(name));
      const body = encodePayPalIpnBody(fields, overrides.charset ?? 'windows-1252');
      paypal.register(body);
      return body;
    }

    function request(body: Buffer): InboundRequest {
      return { receivedAt: clock.now(), method: 'POST', url: `/ipn/${sourceId}`, headers: { 'content-type': 'application/x-www-form-urlencoded' }, rawBody: body, remoteAddress: '127.0.0.1' };
    }

    /** Receives each body (each answered an empty 200), then lets the worker verify them. */
    async function deliver(...bodies: Buffer[]): Promise<void> {
      for (const body of bodies) {
        const result = await runtime.ingest.receive(sourceId, request(body));
        expect(result.ack).toMatchObject({ status: 200, body: '' });
      }
      await runtime.worker.runOnce();
    }

    async function inbound() {
      return runtime.dbHandle.db.selectFrom('inbound_requests').select(['id', 'verdict', 'verdict_code', 'verdict_reason', 'verification', 'event_ids']).orderBy('id').execute();
    }

    it('records and logs that a message without a charset field was decoded as windows-1252', async () => {
      const body = ipn('web_accept', { txnId: '7NOCHARSET000000' }, ['charset']);
      expect(body.toString('latin1')).not.toContain('charset=');
      await runtime.ingest.receive(sourceId, request(body));
      expect(await inbound()).toMatchObject([{ verdict: 'pending', verification: 'postback pending; no charset field; decoded as windows-1252' }]);
      const [row] = await inbound();
      expect(log.lines().filter((line) => line.msg === 'inbound request read with an assumption')).toEqual([
        expect.objectContaining({ level: 40, inboundId: row?.id, sourceId, notes: ['no charset field; decoded as windows-1252'] }),
      ]);

      await runtime.worker.runOnce();
      expect(await inbound()).toMatchObject([{ verdict: 'accepted', verification: 'postback VERIFIED; no charset field; decoded as windows-1252' }]);
      // Names decoded in windows-1252, as the note says.
      const event = await runtime.dbHandle.db.selectFrom('events').select('payload').executeTakeFirstOrThrow();
      expect(JSON.parse(event.payload)).toMatchObject({ buyer: { firstName: 'Jörg', lastName: 'Müller' } });
    });

    it('records nothing extra for a message that names its charset', async () => {
      await deliver(ipn('web_accept', { txnId: '7CHARSET00000000', charset: 'UTF-8' }));
      expect(await inbound()).toMatchObject([{ verdict: 'accepted', verification: 'postback VERIFIED' }]);
      expect(log.lines().filter((line) => line.msg === 'inbound request read with an assumption')).toEqual([]);
    });
  });
}
