/**
 * The PayPal IPN forward connector's contract harness (run by `src/connectors/connector-contracts.test.ts`)
 * and the helpers its own tests share with it.
 */
import { expect } from 'vitest';
import { closedPort } from '../../../../test/helpers/closed-port.js';
import { startWebhookSink } from '../../../../test/fakes/webhook-sink.js';
import type { CanonicalEvent } from '../../../core/events.js';
import { ManualClock } from '../../../lib/clock.js';
import { createHttpClient } from '../../../lib/http-client.js';
import type { DeliveryContext, OriginalRequest, TestContext } from '../../connector.js';
import { makeDeliveryContext, makeTestContext, unusedMailer } from '../../connector-contract.js';
import type { ConnectorHarness } from '../../connector-contract.js';
import { sampleEvent } from '../../sample-event.js';
import type { PayPalIpnForwardConfig } from '../paypal-ipn-forward-connector.js';
import { paypalIpnForwardConnector } from '../paypal-ipn-forward-connector.js';

// windows-1252 bytes (%F6 = ö), `+` for spaces and a `custom` holding & and = — everything a
// re-encoding would change.
export const IPN_BODY = Buffer.from(
  'mc_gross=19.99&custom=website_id%3D13%26user_id%3D21&first_name=J%F6rg&payment_date=20%3A12%3A59+Jan+13%2C+2009+PST&txn_id=61E67681CH3238416&charset=windows-1252&verify_sign=AtkOfCXbDm2hu0ZELryHFjY-Vb7PAUvS6nMXgysbElEn9v-1XcmSoGtf',
  'latin1',
);
export const ORIGINAL: OriginalRequest = {
  body: IPN_BODY,
  contentType: 'application/x-www-form-urlencoded; charset=windows-1252',
};

export const connector = paypalIpnForwardConnector();
export const http = createHttpClient({ timeoutMs: 2000, allowList: ['127.0.0.1'] });
/** The forward connector never mails; a mailer that says so if it ever tries. */
export const mailer = unusedMailer('paypal-ipn-forward');

export function paypalEvent(): CanonicalEvent {
  const event = sampleEvent('payment');
  return { ...event, source: { ...event.source, provider: 'paypal-ipn' } };
}

export function context(overrides: Partial<DeliveryContext> = {}): DeliveryContext {
  return makeDeliveryContext({ http, mailer, originalRequest: async () => ORIGINAL, ...overrides });
}

export function testContext(overrides: Partial<TestContext> = {}): TestContext {
  return makeTestContext({ http, mailer, clock: new ManualClock(new Date()), ...overrides });
}

/** The PayPal IPN forward connector's contract harness: its fake target, configs and contexts. */
export function paypalIpnForwardContractHarness(): ConnectorHarness<PayPalIpnForwardConfig> {
  return {
    connector: {
      ...connector,
      // The contract's sample events come from a Digistore24 source; present them as PayPal's.
      deliver: (event, config, ctx) =>
        connector.deliver(
          { ...event, source: { ...event.source, provider: 'paypal-ipn' } },
          config,
          ctx,
        ),
    },
    async start() {
      const sink = await startWebhookSink();
      const down = await closedPort();
      const forDelivery = (deliveryId: string) =>
        sink.requests.filter((r) => r.headers['x-ipnhub-delivery-id'] === deliveryId);
      return {
        validConfig: { url: `${sink.url}/paypal/ipn` },
        downConfig: { url: `http://127.0.0.1:${down}/paypal/ipn` },
        async assertDelivered(_event, deliveryId) {
          const requests = forDelivery(deliveryId);
          expect(requests).toHaveLength(1);
          expect(requests[0]?.rawBody.equals(IPN_BODY)).toBe(true);
        },
        async assertRedeliverySafe(_event, deliveryId) {
          // Safe for an IPN listener = the same message twice, as PayPal's own resends look.
          const requests = forDelivery(deliveryId);
          expect(requests).toHaveLength(2);
          expect(requests.every((r) => r.rawBody.equals(IPN_BODY))).toBe(true);
        },
        stop: () => sink.close(),
      };
    },
    makeContext: (overrides) => context(overrides),
    makeTestContext: (overrides) => testContext(overrides),
    dispose: () => http.close(),
  };
}
