/**
 * The PayPal webhooks provider's contract cases (run by `src/providers/provider-contracts.test.ts`):
 * PayPal's own sandbox vectors and events signed with a test certificate, verified at once
 * against certificates served by a local server over real HTTP (PayPal's origins are
 * rewritten to it, see `src/lib/rewrite-origin.ts`), each with the events it must become;
 * and the deliveries `verify` refuses.
 */
import { ManualClock } from '../../../lib/clock.js';
import { createHttpClient } from '../../../lib/http-client.js';
import type { HttpClient } from '../../../lib/http-client.js';
import { rewriteOrigin } from '../../../lib/rewrite-origin.js';
import type { InboundRequest } from '../../provider.js';
import type {
  ExpectedNormalized,
  ProviderContractCase,
  ProviderContractSetup,
} from '../../provider-contract.js';
import type { PayPalWebhooksConfig } from '../config.js';
import { samplePayPalWebhookEvent } from '../sample-events.js';
import { signPayPalWebhook } from '../sign-webhook.js';
import { expectedPayPalWebhooksNormalized } from './contract-expectations.js';
import { createTestCa, issueLeaf } from './test-pki.js';
import { startTestServer } from './test-server.js';
import { INSIDE_VECTOR_VALIDITY, loadPayPalWebhookVectors, webhookRequest } from './vectors.js';

const LEAF_URL = 'https://api.paypal.com/v1/notifications/certs/CERT-contract-leaf';
const WEBHOOK_ID = '5GP028458E2496506';

function expected(name: string): ExpectedNormalized {
  const found = expectedPayPalWebhooksNormalized[name];
  if (!found)
    throw new Error(`no expected normalization for the PayPal webhooks contract case ${name}`);
  return found;
}

export function paypalWebhooksContract(): ProviderContractSetup<PayPalWebhooksConfig> {
  const fixture = loadPayPalWebhookVectors();
  const leaf = issueLeaf(createTestCa(), {
    commonName: 'messageverificationcerts.paypal.com',
    notBefore: '2015-01-01T00:00:00Z',
    notAfter: '2030-01-01T00:00:00Z',
  });
  const config: PayPalWebhooksConfig = {
    webhookId: WEBHOOK_ID,
    environment: 'live',
    verification: 'local',
  };

  function signedSample(body: object, webhookId = WEBHOOK_ID, certUrl = LEAF_URL): InboundRequest {
    const rawBody = Buffer.from(JSON.stringify(body), 'utf8');
    return webhookRequest(
      rawBody,
      signPayPalWebhook({
        body: rawBody,
        webhookId,
        certUrl,
        privateKeyPem: leaf.privateKeyPem,
        transmissionTime: '2016-09-21T22:00:46Z',
      }),
    );
  }

  const capture = signedSample(samplePayPalWebhookEvent('PAYMENT.CAPTURE.COMPLETED'));
  const authentic = (
    name: string,
    request: InboundRequest,
    caseConfig: PayPalWebhooksConfig = config,
  ): ProviderContractCase<PayPalWebhooksConfig> => ({
    name,
    request,
    config: caseConfig,
    expect: 'verified',
    normalized: expected(name),
  });

  const cases: Array<ProviderContractCase<PayPalWebhooksConfig>> = [
    ...fixture.vectors.map((v) =>
      authentic(`PayPal sandbox vector ${v.name}`, webhookRequest(v.body, v.headers), {
        webhookId: v.webhookId,
        environment: 'sandbox',
        verification: 'local',
      }),
    ),
    authentic('a completed capture signed by a test certificate', capture),
    authentic(
      'a completed checkout order',
      signedSample(samplePayPalWebhookEvent('CHECKOUT.ORDER.COMPLETED')),
    ),
    authentic(
      'a subscription payment failure',
      signedSample(samplePayPalWebhookEvent('BILLING.SUBSCRIPTION.PAYMENT.FAILED')),
    ),
    authentic(
      'an event type the hub does not handle',
      signedSample({
        id: 'WH-PLAN-1',
        event_type: 'BILLING.PLAN.CREATED',
        resource_type: 'plan',
        resource: { id: 'P-1' },
      }),
    ),
    {
      name: 'another webhook ID',
      request: capture,
      config: { ...config, webhookId: 'NOT-OUR-LISTENER' },
      expect: { rejected: 'SIGNATURE_INVALID' },
    },
    {
      name: 'a tampered body',
      request: {
        ...capture,
        rawBody: Buffer.from(capture.rawBody.toString('utf8').replace('97.00', '0.97')),
      },
      config,
      expect: { rejected: 'SIGNATURE_INVALID' },
    },
    {
      name: 'no signature header',
      request: { ...capture, headers: { 'content-type': 'application/json' } },
      config,
      expect: { rejected: 'SIGNATURE_MISSING' },
    },
    {
      name: 'a certificate URL off PayPal',
      request: signedSample(
        samplePayPalWebhookEvent('PAYMENT.CAPTURE.COMPLETED'),
        WEBHOOK_ID,
        'https://evil.example/cert.pem',
      ),
      config,
      expect: { rejected: 'CERTIFICATE_URL_NOT_ALLOWED' },
    },
    {
      name: 'a body that is not an event',
      request: { ...capture, rawBody: Buffer.from('{"id":"WH-1","event_type":7}') },
      config,
      expect: { rejected: 'MALFORMED_JSON' },
    },
  ];

  return {
    cases,
    async start() {
      // Certificates come from a local server; PayPal's origins are rewritten to it.
      const server = await startTestServer();
      server.serve(new URL(fixture.certUrl).pathname, fixture.certificatePem);
      server.serve(new URL(LEAF_URL).pathname, leaf.certificatePem);
      const guarded = createHttpClient({ timeoutMs: 2000, allowList: ['127.0.0.1'] });
      const http: HttpClient = rewriteOrigin(
        rewriteOrigin(guarded, 'https://api.sandbox.paypal.com', server.origin),
        'https://api.paypal.com',
        server.origin,
      );
      return {
        context: { http, clock: new ManualClock(INSIDE_VECTOR_VALIDITY) },
        async stop() {
          await guarded.close();
          await server.close();
        },
      };
    },
  };
}
