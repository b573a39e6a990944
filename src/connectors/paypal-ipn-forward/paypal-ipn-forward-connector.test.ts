import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closedPort } from '../../../test/helpers/closed-port.js';
import { startWebhookSink } from '../../../test/fakes/webhook-sink.js';
import type { WebhookSink } from '../../../test/fakes/webhook-sink.js';
import type { CanonicalEvent } from '../../core/events.js';
import { ManualClock } from '../../lib/clock.js';
import { createHttpClient } from '../../lib/http-client.js';
import { silentLogger } from '../../lib/logger.js';
import type { Mailer } from '../../lib/mailer.js';
import type { DeliveryContext, OriginalRequest, TestContext } from '../connector.js';
import { makeDeliveryContext, runConnectorContract } from '../connector-contract.js';
import { sampleEvent } from '../sample-event.js';
import type { PayPalIpnForwardConfig } from './paypal-ipn-forward-connector.js';
import { paypalIpnForwardConnector } from './paypal-ipn-forward-connector.js';
import { createCacheScope } from '../../lib/cache-scope.js';

// windows-1252 bytes (%F6 = ö), `+` for spaces and a `custom` holding & and = — everything a
// re-encoding would change.
const IPN_BODY = Buffer.from(
  'mc_gross=19.99&custom=website_id%3D13%26user_id%3D21&first_name=J%F6rg&payment_date=20%3A12%3A59+Jan+13%2C+2009+PST&txn_id=61E67681CH3238416&charset=windows-1252&verify_sign=AtkOfCXbDm2hu0ZELryHFjY-Vb7PAUvS6nMXgysbElEn9v-1XcmSoGtf',
  'latin1',
);
const ORIGINAL: OriginalRequest = { body: IPN_BODY, contentType: 'application/x-www-form-urlencoded; charset=windows-1252' };

const connector = paypalIpnForwardConnector();
const http = createHttpClient({ timeoutMs: 2000, allowList: ['127.0.0.1'] });
const unusedMailer: Mailer = {
  send: async () => ({ ok: false, transient: false, error: 'the forward connector must not send mail' }),
  verify: async () => ({ ok: false, message: 'unused' }),
  close: async () => undefined,
};

function paypalEvent(): CanonicalEvent {
  const event = sampleEvent('payment');
  return { ...event, source: { ...event.source, provider: 'paypal-ipn' } };
}

function context(overrides: Partial<DeliveryContext> = {}): DeliveryContext {
  return makeDeliveryContext({ http, mailer: unusedMailer, originalRequest: async () => ORIGINAL, ...overrides });
}

function testContext(overrides: Partial<TestContext> = {}): TestContext {
  return { http, mailer: unusedMailer, logger: silentLogger(), clock: new ManualClock(new Date()), signal: new AbortController().signal, caches: createCacheScope(), ...overrides };
}

afterAll(async () => {
  await http.close();
});

runConnectorContract<PayPalIpnForwardConfig>('paypal-ipn-forward', {
  connector: {
    ...connector,
    // The contract's sample events come from a Digistore24 source; present them as PayPal's.
    deliver: (event, config, ctx) => connector.deliver({ ...event, source: { ...event.source, provider: 'paypal-ipn' } }, config, ctx),
  },
  async start() {
    const sink = await startWebhookSink();
    const down = await closedPort();
    const forDelivery = (deliveryId: string) => sink.requests.filter((r) => r.headers['x-ipnhub-delivery-id'] === deliveryId);
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
});

describe('paypal-ipn-forward connector', () => {
  let sink: WebhookSink;

  beforeAll(async () => {
    sink = await startWebhookSink();
  });
  afterAll(async () => sink.close());

  it('re-posts the body byte for byte with its original content type', async () => {
    const ctx = context();
    const result = await connector.deliver(paypalEvent(), { url: `${sink.url}/ipn-listener.php` }, ctx);
    expect(result).toMatchObject({ outcome: 'delivered', statusCode: 200 });
    const received = sink.requests.find((r) => r.headers['x-ipnhub-delivery-id'] === ctx.deliveryId);
    expect(received?.method).toBe('POST');
    expect(received?.path).toBe('/ipn-listener.php');
    expect(received?.headers['content-type']).toBe('application/x-www-form-urlencoded; charset=windows-1252');
    expect(received?.rawBody.toString('hex')).toBe(IPN_BODY.toString('hex'));
  });

  it('skips events from other providers', async () => {
    const before = sink.requests.length;
    const result = await connector.deliver(sampleEvent('payment'), { url: `${sink.url}/x` }, context());
    expect(result).toEqual({ outcome: 'skipped', reason: 'not a PayPal IPN (source provider digistore24)' });
    expect(sink.requests).toHaveLength(before);
  });

  it('fails when the original request is gone', async () => {
    const result = await connector.deliver(paypalEvent(), { url: `${sink.url}/x` }, context({ originalRequest: async () => null }));
    expect(result).toEqual({ outcome: 'failed', reason: 'the original IPN is no longer stored, so it cannot be forwarded' });
  });

  it('retries when the listener answers 500 and fails on 404', async () => {
    sink.respondWith({ status: 500 }, { status: 404 });
    expect((await connector.deliver(paypalEvent(), { url: `${sink.url}/x` }, context())).outcome).toBe('retry');
    expect(await connector.deliver(paypalEvent(), { url: `${sink.url}/x` }, context())).toMatchObject({ outcome: 'failed', statusCode: 404 });
  });

  it('tests the listener with a GET, which changes nothing', async () => {
    const before = sink.requests.length;
    sink.respondWith({ status: 405 });
    expect(await connector.testConnection({ url: `${sink.url}/x` }, testContext())).toEqual({ ok: true, message: 'the listener is reachable (HTTP 405 to a GET)' });
    expect(sink.requests.slice(before).map((r) => r.method)).toEqual(['GET']);
    sink.respondWith({ status: 503 });
    expect(await connector.testConnection({ url: `${sink.url}/x` }, testContext())).toEqual({ ok: false, message: 'the listener answers HTTP 503' });
  });
});
