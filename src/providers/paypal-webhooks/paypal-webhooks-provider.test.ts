import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ManualClock } from '../../lib/clock.js';
import { createHttpClient } from '../../lib/http-client.js';
import type { HttpClient } from '../../lib/http-client.js';
import type { InboundRequest } from '../provider.js';
import { runProviderContract } from '../provider-contract.js';
import type { ProviderContractCase } from '../provider-contract.js';
import { paypalApiBase, paypalWebhooksConfigSchema } from './config.js';
import type { PayPalWebhooksConfig } from './config.js';
import { paypalWebhooksProvider } from './paypal-webhooks-provider.js';
import { samplePayPalWebhookEvent } from './sample-events.js';
import { signPayPalWebhook } from './sign-webhook.js';
import { createTestCa, issueLeaf } from './test-support/test-pki.js';
import { rewriteOrigin } from './test-support/rewrite-origin.js';
import { startTestServer } from './test-support/test-server.js';
import type { TestServer } from './test-support/test-server.js';
import { INSIDE_VECTOR_VALIDITY, loadPayPalWebhookVectors, webhookRequest } from './test-support/vectors.js';

const provider = paypalWebhooksProvider();
const fixture = loadPayPalWebhookVectors();
const leaf = issueLeaf(createTestCa(), { commonName: 'messageverificationcerts.paypal.com', notBefore: '2015-01-01T00:00:00Z', notAfter: '2030-01-01T00:00:00Z' });
const LEAF_URL = 'https://api.paypal.com/v1/notifications/certs/CERT-contract-leaf';
const WEBHOOK_ID = '5GP028458E2496506';
const config: PayPalWebhooksConfig = { webhookId: WEBHOOK_ID, environment: 'live', verification: 'local' };

// Certificates come from a local server; PayPal's origins are rewritten to it (see rewrite-origin.ts).
const guarded = createHttpClient({ timeoutMs: 2000, allowList: ['127.0.0.1'] });
let server: TestServer | undefined;
const http: HttpClient = {
  request: (req) => {
    if (!server) throw new Error('certificate server not started');
    return rewriteOrigin(rewriteOrigin(guarded, 'https://api.sandbox.paypal.com', server.origin), 'https://api.paypal.com', server.origin).request(req);
  },
};

beforeAll(async () => {
  server = await startTestServer();
  server.serve(new URL(fixture.certUrl).pathname, fixture.certificatePem);
  server.serve(new URL(LEAF_URL).pathname, leaf.certificatePem);
});

afterAll(async () => {
  await guarded.close();
  await server?.close();
});

function signedSample(body: object, webhookId = WEBHOOK_ID, certUrl = LEAF_URL): InboundRequest {
  const rawBody = Buffer.from(JSON.stringify(body), 'utf8');
  return webhookRequest(rawBody, signPayPalWebhook({ body: rawBody, webhookId, certUrl, privateKeyPem: leaf.privateKeyPem, transmissionTime: '2016-09-21T22:00:46Z' }));
}

const capture = signedSample(samplePayPalWebhookEvent('PAYMENT.CAPTURE.COMPLETED'));

const cases: Array<ProviderContractCase<PayPalWebhooksConfig>> = [
  ...fixture.vectors.map((v) => ({
    name: `PayPal sandbox vector ${v.name}`,
    request: webhookRequest(v.body, v.headers),
    config: { webhookId: v.webhookId, environment: 'sandbox' as const, verification: 'local' as const },
    expect: 'verified' as const,
  })),
  { name: 'a completed capture signed by a test certificate', request: capture, config, expect: 'verified' },
  { name: 'a completed checkout order', request: signedSample(samplePayPalWebhookEvent('CHECKOUT.ORDER.COMPLETED')), config, expect: 'verified' },
  { name: 'a subscription payment failure', request: signedSample(samplePayPalWebhookEvent('BILLING.SUBSCRIPTION.PAYMENT.FAILED')), config, expect: 'verified' },
  {
    name: 'an event type the hub does not handle',
    request: signedSample({ id: 'WH-PLAN-1', event_type: 'BILLING.PLAN.CREATED', resource_type: 'plan', resource: { id: 'P-1' } }),
    config,
    expect: 'verified',
  },
  { name: 'another webhook ID', request: capture, config: { ...config, webhookId: 'NOT-OUR-LISTENER' }, expect: { rejected: 'SIGNATURE_INVALID' } },
  { name: 'a tampered body', request: { ...capture, rawBody: Buffer.from(capture.rawBody.toString('utf8').replace('97.00', '0.97')) }, config, expect: { rejected: 'SIGNATURE_INVALID' } },
  { name: 'no signature header', request: { ...capture, headers: { 'content-type': 'application/json' } }, config, expect: { rejected: 'SIGNATURE_MISSING' } },
  {
    name: 'a certificate URL off PayPal',
    request: signedSample(samplePayPalWebhookEvent('PAYMENT.CAPTURE.COMPLETED'), WEBHOOK_ID, 'https://evil.example/cert.pem'),
    config,
    expect: { rejected: 'CERTIFICATE_URL_NOT_ALLOWED' },
  },
  { name: 'a body that is not an event', request: { ...capture, rawBody: Buffer.from('{"id":"WH-1","event_type":7}') }, config, expect: { rejected: 'MALFORMED_JSON' } },
];

runProviderContract(provider, cases, { http, clock: new ManualClock(INSIDE_VECTOR_VALIDITY) });

describe('paypalWebhooksProvider', () => {
  it('describes itself', () => {
    expect(provider.id).toBe('paypal-webhooks');
    expect(provider.displayName).toBe('PayPal webhooks');
    expect(provider.contentTypes).toEqual(['application/json']);
    expect(provider.secretFields).toEqual(['clientSecret']);
  });

  describe('config', () => {
    it('fills in the defaults: live, local verification', () => {
      expect(paypalWebhooksConfigSchema.parse({ webhookId: ' 4JH86294D6297924G ' })).toEqual({ webhookId: '4JH86294D6297924G', environment: 'live', verification: 'local' });
    });

    it('requires client ID and secret for API verification', () => {
      const result = paypalWebhooksConfigSchema.safeParse({ webhookId: 'X1', verification: 'api' });
      expect(result.success).toBe(false);
      if (!result.success) {
        expect(result.error.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
          ['clientId', 'is required when verification is "api"'],
          ['clientSecret', 'is required when verification is "api"'],
        ]);
      }
      expect(paypalWebhooksConfigSchema.safeParse({ webhookId: 'X1', verification: 'api', clientId: 'id', clientSecret: 'secret' }).success).toBe(true);
    });

    it('refuses webhook IDs that would break the signed string, and non-HTTP base URLs', () => {
      expect(paypalWebhooksConfigSchema.safeParse({ webhookId: 'A|B' }).success).toBe(false);
      expect(paypalWebhooksConfigSchema.safeParse({ webhookId: '' }).success).toBe(false);
      expect(paypalWebhooksConfigSchema.safeParse({ webhookId: 'A', apiBaseUrl: 'ftp://127.0.0.1/' }).success).toBe(false);
      expect(paypalWebhooksConfigSchema.safeParse({ webhookId: 'A', environment: 'test' }).success).toBe(false);
    });

    it('publishes a labelled JSON Schema with the secret write-only', () => {
      const schema = z.toJSONSchema(provider.configSchema);
      expect(schema.required).toEqual(['webhookId', 'environment', 'verification']);
      const properties = (schema.properties ?? {}) as Record<string, { title?: string; description?: string; writeOnly?: boolean }>;
      expect(Object.keys(properties)).toEqual(['webhookId', 'environment', 'verification', 'clientId', 'clientSecret', 'apiBaseUrl']);
      for (const [name, property] of Object.entries(properties)) {
        expect(property.title, name).toBeTruthy();
        expect(property.description, name).toBeTruthy();
      }
      expect(properties['clientSecret']?.writeOnly).toBe(true);
      expect(properties['clientId']?.writeOnly).toBe(undefined);
    });

    it('picks the API base by environment unless overridden', () => {
      expect(paypalApiBase({ environment: 'live' })).toBe('https://api-m.paypal.com');
      expect(paypalApiBase({ environment: 'sandbox' })).toBe('https://api-m.sandbox.paypal.com');
      expect(paypalApiBase({ environment: 'live', apiBaseUrl: 'http://127.0.0.1:7000/paypal/' })).toBe('http://127.0.0.1:7000/paypal');
    });
  });

  describe('normalize', () => {
    it('normalizes a signed sample', () => {
      const result = provider.normalize(capture, config);
      expect(result.kind).toBe('events');
      if (result.kind === 'events') expect(result.events.map((e) => [e.type, e.dedupKey, e.order?.amount])).toEqual([['payment', 'ppwh:capture:3C679366HH908993F:payment', 9700]]);
    });

    const malformed: Array<[string, Buffer, string]> = [
      ['not JSON', Buffer.from('id=WH-1&event_type=X'), 'the body is not JSON: '],
      ['a JSON array', Buffer.from('[{"id":"WH-1"}]'), 'the body is not a JSON object'],
      ['no id', Buffer.from('{"event_type":"PAYMENT.CAPTURE.COMPLETED"}'), 'the event has no string "id"'],
      ['an empty id', Buffer.from('{"id":"","event_type":"PAYMENT.CAPTURE.COMPLETED"}'), 'the event has no string "id"'],
      ['no event_type', Buffer.from('{"id":"WH-1"}'), 'the event has no string "event_type"'],
      ['invalid UTF-8', Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x7d]), 'the body is not valid UTF-8'],
    ];
    for (const [label, body, reason] of malformed) {
      it(`rejects ${label} as MALFORMED_JSON`, () => {
        const result = provider.normalize({ ...capture, rawBody: body }, config);
        expect(result).toMatchObject({ kind: 'invalid', code: 'MALFORMED_JSON' });
        if (result.kind === 'invalid') expect(result.reason.startsWith(reason)).toBe(true);
      });
    }
  });

  describe('acknowledge', () => {
    const empty = { status: 200, contentType: 'text/plain; charset=utf-8', body: '' };

    it('answers an empty 200 to everything stored', () => {
      expect(provider.acknowledge({ kind: 'accepted', eventIds: ['evt_1'] })).toEqual(empty);
      expect(provider.acknowledge({ kind: 'duplicate' })).toEqual(empty);
      expect(provider.acknowledge({ kind: 'ignored', reason: 'not handled' })).toEqual(empty);
      expect(provider.acknowledge({ kind: 'pending' })).toEqual(empty);
    });

    it('answers a rejection with its status and a JSON error', () => {
      expect(provider.acknowledge({ kind: 'rejected', code: 'SIGNATURE_INVALID', reason: 'no match', status: 403 })).toEqual({
        status: 403,
        contentType: 'application/json; charset=utf-8',
        body: '{"error":{"code":"SIGNATURE_INVALID","message":"no match"}}',
      });
    });

    it('asks PayPal to retry when verification was unavailable or storing failed', () => {
      expect(provider.acknowledge({ kind: 'rejected', code: 'VERIFICATION_UNAVAILABLE', reason: 'certificate host down', status: 400 }).status).toBe(503);
      expect(provider.acknowledge({ kind: 'error' })).toEqual({
        status: 500,
        contentType: 'application/json; charset=utf-8',
        body: '{"error":{"code":"INGEST_FAILED","message":"temporary failure, please retry"}}',
      });
    });
  });
});
