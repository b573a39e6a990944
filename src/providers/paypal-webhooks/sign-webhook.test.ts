/** The simulator's signing round trip: samples signed with the dev key verify against the fake PayPal, in both modes. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEV_PRIVATE_KEY_PEM } from '../../dev/fake-paypal/dev-certificate.js';
import { DEV_CERTIFICATE_PATH, createWebhookApiFake } from '../../dev/fake-paypal/webhook-api.js';
import { ManualClock } from '../../lib/clock.js';
import { createHttpClient } from '../../lib/http-client.js';
import type { PayPalWebhooksConfig } from './config.js';
import { paypalWebhooksProvider } from './paypal-webhooks-provider.js';
import {
  PAYPAL_WEBHOOK_SAMPLE_EVENTS,
  samplePayPalWebhookEvent,
  signPayPalWebhook,
} from './sign-webhook.js';
import { startTestServer } from './test-support/test-server.js';
import type { TestServer } from './test-support/test-server.js';
import { webhookRequest } from './test-support/vectors.js';
import { createCacheScope } from '../../lib/cache-scope.js';

/** One runtime's caches for this file, as requests to one server share them. */
const caches = createCacheScope();

const provider = paypalWebhooksProvider();
const http = createHttpClient({ timeoutMs: 2000, allowList: ['127.0.0.1'] });
const clock = new ManualClock('2026-03-02T10:00:00.000Z');
const fake = createWebhookApiFake({
  clientId: 'AeSimulatorClient',
  clientSecret: 'simulator-secret',
});
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer(fake.route);
});

afterAll(async () => {
  await http.close();
  await server.close();
});

describe('signPayPalWebhook', () => {
  it('returns the five PayPal headers, lower-cased, with a UUID and a to-the-second time by default', () => {
    const headers = signPayPalWebhook({
      body: Buffer.from('{}'),
      webhookId: 'W',
      certUrl: 'https://api.paypal.com/c',
      privateKeyPem: DEV_PRIVATE_KEY_PEM,
    });
    expect(Object.keys(headers).sort()).toEqual([
      'paypal-auth-algo',
      'paypal-cert-url',
      'paypal-transmission-id',
      'paypal-transmission-sig',
      'paypal-transmission-time',
    ]);
    expect(headers['paypal-transmission-id']).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
    );
    expect(headers['paypal-transmission-time']).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    expect(headers['paypal-auth-algo']).toBe('SHA256withRSA');
    expect(headers['paypal-cert-url']).toBe('https://api.paypal.com/c');
    expect(Buffer.from(headers['paypal-transmission-sig'] ?? '', 'base64')).toHaveLength(256);
  });

  for (const type of PAYPAL_WEBHOOK_SAMPLE_EVENTS) {
    it(`signs a ${type} sample that verifies locally and through the fake's API`, async () => {
      const body = Buffer.from(
        JSON.stringify(samplePayPalWebhookEvent(type, { sandbox: true })),
        'utf8',
      );
      const headers = signPayPalWebhook({
        body,
        webhookId: 'WH-SIM-1',
        certUrl: `${server.origin}${DEV_CERTIFICATE_PATH}`,
        privateKeyPem: DEV_PRIVATE_KEY_PEM,
      });
      const request = webhookRequest(body, headers);
      const local: PayPalWebhooksConfig = {
        webhookId: 'WH-SIM-1',
        environment: 'sandbox',
        verification: 'local',
        apiBaseUrl: server.origin,
      };
      expect(await provider.verify(request, local, { clock, http, caches })).toEqual({
        ok: true,
        method: 'SHA256withRSA cert CN=ipnhub fake PayPal (INSECURE, dev only) serial 01A7C0FFEE',
      });
      const api: PayPalWebhooksConfig = {
        ...local,
        verification: 'api',
        clientId: 'AeSimulatorClient',
        clientSecret: 'simulator-secret',
      };
      expect(await provider.verify(request, api, { clock, http, caches })).toEqual({
        ok: true,
        method: 'PayPal verify-webhook-signature API',
      });
    });
  }

  it('produces deliveries a source without apiBaseUrl never trusts', async () => {
    const body = Buffer.from(
      JSON.stringify(samplePayPalWebhookEvent('PAYMENT.CAPTURE.COMPLETED')),
      'utf8',
    );
    const headers = signPayPalWebhook({
      body,
      webhookId: 'WH-SIM-1',
      certUrl: `${server.origin}${DEV_CERTIFICATE_PATH}`,
      privateKeyPem: DEV_PRIVATE_KEY_PEM,
    });
    expect(
      await provider.verify(
        webhookRequest(body, headers),
        { webhookId: 'WH-SIM-1', environment: 'live', verification: 'local' },
        { clock, http, caches },
      ),
    ).toMatchObject({
      ok: false,
      code: 'CERTIFICATE_URL_NOT_ALLOWED',
    });
  });
});
