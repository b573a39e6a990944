/**
 * A PayPal REST webhook source for end-to-end tests: a local fake of PayPal's OAuth and
 * certificate endpoints (src/dev/fake-paypal/) started around each test, a `paypal-webhooks`
 * source on a hub, and a signed `CHECKOUT.ORDER.COMPLETED` webhook from a buyer posted to it
 * over HTTP, as PayPal sends it.
 */
import { request } from 'undici';
import { afterEach, beforeEach, expect } from 'vitest';
import { DEV_PRIVATE_KEY_PEM } from '../../src/dev/fake-paypal/dev-certificate.js';
import { serveFakeRoutes } from '../../src/dev/fake-paypal/server.js';
import type { FakeRouteServer } from '../../src/dev/fake-paypal/server.js';
import {
  createWebhookApiFake,
  DEV_CERTIFICATE_PATH,
} from '../../src/dev/fake-paypal/webhook-api.js';
import {
  samplePayPalWebhookEvent,
  signPayPalWebhook,
} from '../../src/providers/paypal-webhooks/sign-webhook.js';
import type { AdminHarness } from '../../src/http/admin/test-support/admin-harness.js';

const WEBHOOK_ID = '8PT597110X687430LKGECATA';
const SENT_AT = '2026-03-01T10:00:00Z';

export interface PayPalBuyer {
  eventId: string;
  transactionId: string;
  email: string;
  firstName: string;
  lastName: string;
}

export interface PayPalWebhookSource {
  /** Adds a `paypal-webhooks` source to the hub (asserts 201) and returns its id. */
  create(hub: Pick<AdminHarness, 'call'>): Promise<string>;
  /** Posts a signed, completed checkout order of `buyer` to `<base>/ipn/<sourceId>`; asserts 200. */
  postCompletedOrder(base: string, sourceId: string, buyer: PayPalBuyer): Promise<void>;
}

/** Starts the PayPal fake before each test of the calling suite and stops it after. */
export function usePayPalWebhookSource(): PayPalWebhookSource {
  let paypal: FakeRouteServer | undefined;
  beforeEach(async () => {
    paypal = await serveFakeRoutes([
      createWebhookApiFake({ clientId: 'e2e-client', clientSecret: 'e2e-client-secret' }).route,
    ]);
  });
  afterEach(() => paypal?.close());
  const url = (): string => {
    if (!paypal) throw new Error('the PayPal fake runs only inside a test');
    return paypal.url;
  };
  return {
    async create(hub) {
      const source = await hub.call('POST', '/sources', {
        provider: 'paypal-webhooks',
        name: 'PayPal REST',
        config: { webhookId: WEBHOOK_ID, environment: 'sandbox', apiBaseUrl: url() },
      });
      expect(source.status, source.text).toBe(201);
      return source.json<{ id: string }>().id;
    },
    async postCompletedOrder(base, sourceId, buyer) {
      const body = Buffer.from(
        JSON.stringify(
          samplePayPalWebhookEvent('CHECKOUT.ORDER.COMPLETED', {
            sandbox: true,
            ...buyer,
            createTime: SENT_AT,
          }),
        ),
      );
      const headers = signPayPalWebhook({
        body,
        webhookId: WEBHOOK_ID,
        transmissionTime: SENT_AT,
        certUrl: `${url()}${DEV_CERTIFICATE_PATH}`,
        privateKeyPem: DEV_PRIVATE_KEY_PEM,
      });
      const res = await request(`${base}/ipn/${sourceId}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body,
      });
      expect(res.statusCode, await res.body.text()).toBe(200);
    },
  };
}
