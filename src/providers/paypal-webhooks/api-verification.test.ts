/** API mode (docs/protocols/paypal.md#webhook-signature-verification method 2) against the fake PayPal over real HTTP. */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { closedPort } from '../../../test/helpers/closed-port.js';
import { DEV_PRIVATE_KEY_PEM } from '../../dev/fake-paypal/dev-certificate.js';
import type { FakeRoute } from '../../dev/fake-paypal/fake-route.js';
import { DEV_CERTIFICATE_PATH, createWebhookApiFake } from '../../dev/fake-paypal/webhook-api.js';
import type { WebhookApiFake } from '../../dev/fake-paypal/webhook-api.js';
import { ManualClock } from '../../lib/clock.js';
import { createHttpClient } from '../../lib/http-client.js';
import type { InboundRequest } from '../provider.js';
import { API_VERIFICATION_METHOD } from './api-verification.js';
import type { PayPalWebhooksConfig } from './config.js';
import { paypalWebhooksProvider } from './paypal-webhooks-provider.js';
import { samplePayPalWebhookEvent } from './sample-events.js';
import { signPayPalWebhook } from './sign-webhook.js';
import { startTestServer } from './test-support/test-server.js';
import type { TestServer } from './test-support/test-server.js';
import { webhookRequest } from './test-support/vectors.js';
import { createCacheScope } from '../../lib/cache-scope.js';

/** One runtime's caches for this file, as requests to one server share them. */
const caches = createCacheScope();

const provider = paypalWebhooksProvider();
const http = createHttpClient({ timeoutMs: 2000, allowList: ['127.0.0.1'] });
const WEBHOOK_ID = '1JE4291016473214C';
const servers: TestServer[] = [];
let clientNo = 0;

interface Setup {
  fake: WebhookApiFake;
  server: TestServer;
  config: PayPalWebhooksConfig;
  clock: ManualClock;
}

/** A fresh fake PayPal with its own credentials (tokens are cached per process by base URL and client ID). */
async function setup(
  options: { tokenLifetimeSeconds?: number; wrap?: (route: FakeRoute) => FakeRoute } = {},
): Promise<Setup> {
  const clientId = `AeTestClient${++clientNo}`;
  const fake = createWebhookApiFake({
    clientId,
    clientSecret: 'EGnHDxD_qRPdaLdZz8iCr8N7_MzF-YHPTkjs6NKYQvQSBngp4PTTVWkPZRbL',
    ...(options.tokenLifetimeSeconds === undefined
      ? {}
      : { tokenLifetimeSeconds: options.tokenLifetimeSeconds }),
  });
  const server = await startTestServer(options.wrap ? options.wrap(fake.route) : fake.route);
  servers.push(server);
  const config: PayPalWebhooksConfig = {
    webhookId: WEBHOOK_ID,
    environment: 'sandbox',
    verification: 'api',
    clientId,
    clientSecret: 'EGnHDxD_qRPdaLdZz8iCr8N7_MzF-YHPTkjs6NKYQvQSBngp4PTTVWkPZRbL',
    apiBaseUrl: server.origin,
  };
  return { fake, server, config, clock: new ManualClock('2026-03-02T10:00:00.000Z') };
}

function delivery(server: TestServer, webhookId = WEBHOOK_ID): InboundRequest {
  const body = Buffer.from(
    JSON.stringify(samplePayPalWebhookEvent('PAYMENT.CAPTURE.COMPLETED', { sandbox: true })),
    'utf8',
  );
  const headers = signPayPalWebhook({
    body,
    webhookId,
    certUrl: `${server.origin}${DEV_CERTIFICATE_PATH}`,
    privateKeyPem: DEV_PRIVATE_KEY_PEM,
    transmissionTime: '2026-03-02T09:59:58Z',
  });
  return webhookRequest(body, headers);
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

afterAll(async () => {
  await http.close();
});

describe('API verification against the fake PayPal', () => {
  it('accepts SUCCESS and reuses the token for the next message', async () => {
    const { fake, server, config, clock } = await setup();
    expect(await provider.verify(delivery(server), config, { clock, http, caches })).toEqual({
      ok: true,
      method: API_VERIFICATION_METHOD,
    });
    expect(await provider.verify(delivery(server), config, { clock, http, caches })).toEqual({
      ok: true,
      method: API_VERIFICATION_METHOD,
    });
    expect(fake.counts()).toEqual({ tokensIssued: 1, verifications: 2 });
  });

  it('rejects FAILURE as SIGNATURE_INVALID', async () => {
    const { fake, server, config, clock } = await setup();
    expect(
      await provider.verify(delivery(server, 'ANOTHER-WEBHOOK'), config, { clock, http, caches }),
    ).toEqual({
      ok: false,
      code: 'SIGNATURE_INVALID',
      reason: "PayPal's verification API answered FAILURE for this message",
    });
    expect(fake.counts().verifications).toBe(1);
  });

  it('refreshes an expired token once and verifies', async () => {
    const { fake, server, config, clock } = await setup();
    expect(await provider.verify(delivery(server), config, { clock, http, caches })).toMatchObject({
      ok: true,
    });
    fake.expireTokens();
    expect(await provider.verify(delivery(server), config, { clock, http, caches })).toEqual({
      ok: true,
      method: API_VERIFICATION_METHOD,
    });
    expect(fake.counts()).toEqual({ tokensIssued: 2, verifications: 2 });
  });

  it("renews the token shortly before PayPal's expiry, by the context clock", async () => {
    const { fake, server, config, clock } = await setup({ tokenLifetimeSeconds: 300 });
    await provider.verify(delivery(server), config, { clock, http, caches });
    clock.advance(239_000);
    await provider.verify(delivery(server), config, { clock, http, caches });
    expect(fake.counts().tokensIssued).toBe(1);
    clock.advance(1_000);
    expect(await provider.verify(delivery(server), config, { clock, http, caches })).toMatchObject({
      ok: true,
    });
    expect(fake.counts().tokensIssued).toBe(2);
  });

  it('gives up after a second 401 (one refresh only)', async () => {
    const { server, config, clock } = await setup({
      wrap: (route) => async (req) =>
        req.path === '/v1/notifications/verify-webhook-signature'
          ? { status: 401, body: '{"error":"invalid_token"}' }
          : route(req),
    });
    expect(await provider.verify(delivery(server), config, { clock, http, caches })).toEqual({
      ok: false,
      code: 'VERIFICATION_UNAVAILABLE',
      reason: "PayPal's verification API refused a freshly issued access token (HTTP 401)",
    });
    expect(server.hits('/v1/oauth2/token')).toBe(2);
    expect(server.hits('/v1/notifications/verify-webhook-signature')).toBe(2);
  });

  it('answers VERIFICATION_UNAVAILABLE when PayPal fails with 5xx', async () => {
    const { server, config, clock } = await setup({
      wrap: (route) => async (req) =>
        req.path === '/v1/notifications/verify-webhook-signature'
          ? { status: 503, body: 'upstream down' }
          : route(req),
    });
    expect(await provider.verify(delivery(server), config, { clock, http, caches })).toEqual({
      ok: false,
      code: 'VERIFICATION_UNAVAILABLE',
      reason: "PayPal's verification API answered HTTP 503: upstream down",
    });
  });

  it('answers VERIFICATION_UNAVAILABLE when the client credentials are refused', async () => {
    const { fake, server, config, clock } = await setup();
    expect(
      await provider.verify(
        delivery(server),
        { ...config, clientSecret: 'wrong' },
        { clock, http, caches },
      ),
    ).toEqual({
      ok: false,
      code: 'VERIFICATION_UNAVAILABLE',
      reason: 'PayPal refused the client ID and secret (HTTP 401 from the token endpoint)',
    });
    expect(fake.counts()).toEqual({ tokensIssued: 0, verifications: 0 });
  });

  it('answers VERIFICATION_UNAVAILABLE when PayPal is unreachable', async () => {
    const { server, config, clock } = await setup();
    const verdict = await provider.verify(
      delivery(server),
      { ...config, apiBaseUrl: `http://127.0.0.1:${await closedPort()}` },
      { clock, http, caches },
    );
    expect(verdict).toMatchObject({ ok: false, code: 'VERIFICATION_UNAVAILABLE' });
    if (!verdict.ok)
      expect(verdict.reason).toMatch(/^PayPal's token endpoint is unreachable \(connection\): /);
  });

  it('rejects missing headers and malformed bodies before calling PayPal', async () => {
    const { fake, server, config, clock } = await setup();
    const request = delivery(server);
    const { 'paypal-transmission-sig': _sig, ...headers } = request.headers;
    expect(await provider.verify({ ...request, headers }, config, { clock, http, caches })).toEqual(
      {
        ok: false,
        code: 'SIGNATURE_MISSING',
        reason: 'missing header(s): paypal-transmission-sig',
      },
    );
    expect(
      await provider.verify({ ...request, rawBody: Buffer.from('[1,2]') }, config, {
        clock,
        http,
        caches,
      }),
    ).toEqual({ ok: false, code: 'MALFORMED_JSON', reason: 'the body is not a JSON object' });
    expect(fake.counts()).toEqual({ tokensIssued: 0, verifications: 0 });
  });
});
