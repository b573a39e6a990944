/**
 * The three real PayPal sandbox deliveries verify locally. Their certificate URL is on
 * api.sandbox.paypal.com; a wrapper around the real guarded HTTP client sends that origin to a
 * local server, so the provider checks PayPal's URL while the test stays offline.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../lib/clock.js';
import { createHttpClient } from '../../lib/http-client.js';
import type { PayPalWebhooksConfig } from './config.js';
import { paypalWebhooksProvider } from './paypal-webhooks-provider.js';
import { rewriteOrigin } from '../../lib/rewrite-origin.js';
import type { RewritingHttpClient } from '../../lib/rewrite-origin.js';
import { startTestServer } from './test-support/test-server.js';
import type { TestServer } from './test-support/test-server.js';
import {
  INSIDE_VECTOR_VALIDITY,
  loadPayPalWebhookVectors,
  webhookRequest,
} from './test-support/vectors.js';
import { createCacheScope } from '../../lib/cache-scope.js';

/** One runtime's caches for this file, as requests to one server share them. */
const caches = createCacheScope();

const fixture = loadPayPalWebhookVectors();
const provider = paypalWebhooksProvider();
const certPath = new URL(fixture.certUrl).pathname;
const guarded = createHttpClient({ timeoutMs: 2000, allowList: ['127.0.0.1'] });

let server: TestServer;
let http: RewritingHttpClient;

function config(webhookId: string): PayPalWebhooksConfig {
  return { webhookId, environment: 'sandbox', verification: 'local' };
}

beforeAll(async () => {
  server = await startTestServer();
  server.serve(certPath, fixture.certificatePem);
  http = rewriteOrigin(guarded, 'https://api.sandbox.paypal.com', server.origin);
});

afterAll(async () => {
  await guarded.close();
  await server.close();
});

describe('PayPal sandbox vectors (local verification)', () => {
  it('verifies all three, downloading the certificate once', async () => {
    const clock = new ManualClock(INSIDE_VECTOR_VALIDITY);
    for (let round = 0; round < 3; round++) {
      for (const vector of fixture.vectors) {
        const verdict = await provider.verify(
          webhookRequest(vector.body, vector.headers),
          config(vector.webhookId),
          { clock, http, caches },
        );
        expect(verdict, vector.name).toEqual({
          ok: true,
          method:
            'SHA256withRSA cert CN=messageverificationcerts.sandbox.paypal.com serial 09254C9310752B0F523D9B6902BDE54C',
        });
      }
    }
    expect(server.hits(certPath)).toBe(1);
    expect(http.requested).toEqual([fixture.certUrl]);
  });

  it('rejects each vector under another webhook ID', async () => {
    const clock = new ManualClock(INSIDE_VECTOR_VALIDITY);
    const [first, second] = fixture.vectors;
    if (!first || !second) throw new Error('fixture has fewer than two vectors');
    const verdict = await provider.verify(
      webhookRequest(first.body, first.headers),
      config(second.webhookId),
      { clock, http, caches },
    );
    expect(verdict).toMatchObject({ ok: false, code: 'SIGNATURE_INVALID' });
  });

  it('rejects the vectors after the certificate expired and before it was valid', async () => {
    const [vector] = fixture.vectors;
    if (!vector) throw new Error('fixture has no vectors');
    const request = webhookRequest(vector.body, vector.headers);
    expect(
      await provider.verify(request, config(vector.webhookId), {
        clock: new ManualClock('2017-03-22T12:00:01Z'),
        http,
        caches,
      }),
    ).toEqual({
      ok: false,
      code: 'CERTIFICATE_INVALID',
      reason:
        'the signing certificate (CN=messageverificationcerts.sandbox.paypal.com serial 09254C9310752B0F523D9B6902BDE54C) expired at 2017-03-22T12:00:00.000Z',
    });
    expect(
      await provider.verify(request, config(vector.webhookId), {
        clock: new ManualClock('2015-03-17T23:59:59Z'),
        http,
        caches,
      }),
    ).toEqual({
      ok: false,
      code: 'CERTIFICATE_INVALID',
      reason:
        'the signing certificate (CN=messageverificationcerts.sandbox.paypal.com serial 09254C9310752B0F523D9B6902BDE54C) is not valid before 2015-03-18T00:00:00.000Z',
    });
    expect(
      await provider.verify(request, config(vector.webhookId), {
        clock: new ManualClock('2017-03-22T12:00:00Z'),
        http,
        caches,
      }),
    ).toMatchObject({ ok: true });
  });
});
