import { sign } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../lib/clock.js';
import { createHttpClient } from '../../lib/http-client.js';
import type { InboundRequest, ProviderContext } from '../provider.js';
import type { PayPalWebhooksConfig } from './config.js';
import { paypalWebhooksProvider } from './paypal-webhooks-provider.js';
import { samplePayPalWebhookEvent } from './sample-events.js';
import { signPayPalWebhook } from './sign-webhook.js';
import { createTestCa, issueLeaf } from './test-support/test-pki.js';
import type { TestCertificate } from './test-support/test-pki.js';
import { rewriteOrigin } from '../../lib/rewrite-origin.js';
import type { RewritingHttpClient } from '../../lib/rewrite-origin.js';
import { startTestServer } from './test-support/test-server.js';
import type { TestServer } from './test-support/test-server.js';
import { webhookRequest } from './test-support/vectors.js';
import { createCacheScope } from '../../lib/cache-scope.js';

const provider = paypalWebhooksProvider();
const WEBHOOK_ID = '8PT597110X687430LKGECATA';
const config: PayPalWebhooksConfig = {
  webhookId: WEBHOOK_ID,
  environment: 'live',
  verification: 'local',
};
const guarded = createHttpClient({ timeoutMs: 2000, allowList: ['127.0.0.1'] });
const clock = new ManualClock('2024-05-14T07:12:46.000Z');
const body = Buffer.from(
  JSON.stringify(samplePayPalWebhookEvent('PAYMENT.CAPTURE.COMPLETED')),
  'utf8',
);

let server: TestServer;
let http: RewritingHttpClient;
let ctx: ProviderContext;
let ca: TestCertificate;
let leaf: TestCertificate;
let pathNo = 0;

/** Serves `cert` at a fresh path (the certificate cache is per process) and returns its PayPal URL. */
function publish(cert: TestCertificate | string): string {
  const path = `/v1/notifications/certs/CERT-test-${++pathNo}`;
  server.serve(path, typeof cert === 'string' ? cert : cert.certificatePem);
  return `https://api.paypal.com${path}`;
}

function signed(
  certUrl: string,
  key: TestCertificate = leaf,
  rawBody: Buffer = body,
  webhookId = WEBHOOK_ID,
): InboundRequest {
  const headers = signPayPalWebhook({
    body: rawBody,
    webhookId,
    transmissionId: '4cce5920-5106-11ef-84e2-f38df3f70683',
    transmissionTime: '2024-05-14T07:12:45Z',
    certUrl,
    privateKeyPem: key.privateKeyPem,
  });
  return webhookRequest(rawBody, headers);
}

/** A request whose signature is over `signedString` instead of PayPal's. */
function signedOver(certUrl: string, signedString: string, rawBody: Buffer): InboundRequest {
  const request = signed(certUrl, leaf, rawBody);
  const signature = sign('sha256', Buffer.from(signedString, 'utf8'), leaf.privateKeyPem).toString(
    'base64',
  );
  return { ...request, headers: { ...request.headers, 'paypal-transmission-sig': signature } };
}

beforeAll(async () => {
  server = await startTestServer();
  http = rewriteOrigin(guarded, 'https://api.paypal.com', server.origin);
  ctx = { clock, http, caches: createCacheScope() };
  ca = createTestCa();
  leaf = issueLeaf(ca, {
    commonName: 'messageverificationcerts.paypal.com',
    notBefore: '2020-01-01T00:00:00Z',
    notAfter: '2030-01-01T00:00:00Z',
  });
});

afterAll(async () => {
  await guarded.close();
  await server.close();
});

describe('local verification with a test CA', () => {
  it("verifies a delivery signed with the certificate's key", async () => {
    const verdict = await provider.verify(signed(publish(leaf)), config, ctx);
    expect(verdict.ok).toBe(true);
    if (verdict.ok)
      expect(verdict.method).toMatch(
        /^SHA256withRSA cert CN=messageverificationcerts\.paypal\.com serial [0-9A-F]+$/,
      );
  });

  it('rejects a tampered body', async () => {
    const url = publish(leaf);
    const request = signed(url);
    const tampered = Buffer.from(body.toString('utf8').replace('"97.00"', '"9.70"'), 'utf8');
    expect(tampered.equals(body)).toBe(false);
    expect(await provider.verify({ ...request, rawBody: tampered }, config, ctx)).toEqual({
      ok: false,
      code: 'SIGNATURE_INVALID',
      reason:
        "paypal-transmission-sig does not match the body, the transmission headers and this source's webhook ID",
    });
  });

  it('rejects re-serialised JSON: same content, different bytes', async () => {
    const request = signed(publish(leaf));
    const reserialised = Buffer.from(
      JSON.stringify(JSON.parse(body.toString('utf8')), null, 2),
      'utf8',
    );
    expect(JSON.parse(reserialised.toString('utf8'))).toEqual(JSON.parse(body.toString('utf8')));
    expect(await provider.verify({ ...request, rawBody: reserialised }, config, ctx)).toMatchObject(
      { ok: false, code: 'SIGNATURE_INVALID' },
    );
  });

  it('rejects a signature made for another webhook ID', async () => {
    const request = signed(publish(leaf), leaf, body, 'WH-OTHER-LISTENER');
    expect(await provider.verify(request, config, ctx)).toMatchObject({
      ok: false,
      code: 'SIGNATURE_INVALID',
    });
    expect(
      await provider.verify(request, { ...config, webhookId: 'WH-OTHER-LISTENER' }, ctx),
    ).toMatchObject({ ok: true });
  });

  describe('the CRC-32 is an unsigned decimal', () => {
    // A body whose CRC-32 has the top bit set: as a signed 32-bit integer it would be negative.
    let highBody = body;
    for (let nonce = 0; crc32(highBody) >>> 0 < 0x8000_0000; nonce++) {
      highBody = Buffer.from(
        JSON.stringify({ ...samplePayPalWebhookEvent('PAYMENT.CAPTURE.COMPLETED'), nonce }),
        'utf8',
      );
    }
    const crc = crc32(highBody) >>> 0;
    const prefix = `4cce5920-5106-11ef-84e2-f38df3f70683|2024-05-14T07:12:45Z|${WEBHOOK_ID}|`;

    it('accepts the unsigned decimal', async () => {
      expect(crc).toBeGreaterThanOrEqual(2 ** 31);
      expect(
        await provider.verify(signedOver(publish(leaf), `${prefix}${crc}`, highBody), config, ctx),
      ).toMatchObject({ ok: true });
    });

    it('rejects the CRC written as hex', async () => {
      expect(
        await provider.verify(
          signedOver(publish(leaf), `${prefix}${crc.toString(16)}`, highBody),
          config,
          ctx,
        ),
      ).toMatchObject({ ok: false, code: 'SIGNATURE_INVALID' });
    });

    it('rejects the CRC written as a signed 32-bit integer', async () => {
      const signedCrc = crc | 0;
      expect(signedCrc).toBeLessThan(0);
      expect(
        await provider.verify(
          signedOver(publish(leaf), `${prefix}${signedCrc}`, highBody),
          config,
          ctx,
        ),
      ).toMatchObject({ ok: false, code: 'SIGNATURE_INVALID' });
    });
  });

  describe('certificate URL', () => {
    const foreign = [
      'https://evil.example/cert.pem',
      'http://api.paypal.com/v1/notifications/certs/CERT-x',
      'https://api.paypal.com.evil.example/cert.pem',
      'https://api.paypal.com:8443/cert.pem',
    ];
    for (const url of foreign) {
      it(`refuses ${url} without fetching it`, async () => {
        const before = http.requested.length;
        const verdict = await provider.verify(signed(url), config, ctx);
        expect(verdict).toMatchObject({ ok: false, code: 'CERTIFICATE_URL_NOT_ALLOWED' });
        expect(http.requested.length).toBe(before);
      });
    }

    it('accepts a URL under the configured apiBaseUrl, and there skips the PayPal CN rule', async () => {
      const stranger = issueLeaf(ca, {
        commonName: 'ipnhub fake PayPal',
        notBefore: '2020-01-01T00:00:00Z',
        notAfter: '2030-01-01T00:00:00Z',
      });
      const paypalUrl = publish(stranger);
      expect(await provider.verify(signed(paypalUrl, stranger), config, ctx)).toEqual({
        ok: false,
        code: 'CERTIFICATE_INVALID',
        reason: 'the signing certificate is issued to ipnhub fake PayPal, not to a paypal.com name',
      });
      const localUrl = `${server.origin}${new URL(paypalUrl).pathname}`;
      expect(await provider.verify(signed(localUrl, stranger), config, ctx)).toMatchObject({
        ok: false,
        code: 'CERTIFICATE_URL_NOT_ALLOWED',
      });
      expect(
        await provider.verify(
          signed(localUrl, stranger),
          { ...config, apiBaseUrl: server.origin },
          ctx,
        ),
      ).toMatchObject({ ok: true });
    });
  });

  describe('headers', () => {
    const names = [
      'paypal-transmission-id',
      'paypal-transmission-time',
      'paypal-transmission-sig',
      'paypal-cert-url',
      'paypal-auth-algo',
    ];
    for (const name of names) {
      it(`rejects a delivery without ${name}`, async () => {
        const request = signed('https://api.paypal.com/v1/notifications/certs/CERT-never-fetched');
        const { [name]: _dropped, ...headers } = request.headers;
        expect(await provider.verify({ ...request, headers }, config, ctx)).toEqual({
          ok: false,
          code: 'SIGNATURE_MISSING',
          reason: `missing header(s): ${name}`,
        });
      });
    }

    it('rejects an auth algorithm other than SHA256withRSA', async () => {
      const request = signed(publish(leaf));
      expect(
        await provider.verify(
          { ...request, headers: { ...request.headers, 'paypal-auth-algo': 'SHA1withRSA' } },
          config,
          ctx,
        ),
      ).toEqual({
        ok: false,
        code: 'SIGNATURE_INVALID',
        reason: 'unsupported paypal-auth-algo "SHA1withRSA" (only SHA256withRSA is accepted)',
      });
    });
  });

  describe('certificate validity', () => {
    it('rejects an expired certificate', async () => {
      const expired = issueLeaf(ca, {
        commonName: 'messageverificationcerts.paypal.com',
        notBefore: '2020-01-01T00:00:00Z',
        notAfter: '2024-05-14T07:12:45Z',
      });
      const verdict = await provider.verify(signed(publish(expired), expired), config, ctx);
      expect(verdict).toMatchObject({ ok: false, code: 'CERTIFICATE_INVALID' });
      if (!verdict.ok) expect(verdict.reason).toMatch(/expired at 2024-05-14T07:12:45\.000Z$/);
    });

    it('rejects a certificate that is not valid yet', async () => {
      const future = issueLeaf(ca, {
        commonName: 'messageverificationcerts.paypal.com',
        notBefore: '2024-05-14T07:12:47Z',
        notAfter: '2030-01-01T00:00:00Z',
      });
      const verdict = await provider.verify(signed(publish(future), future), config, ctx);
      expect(verdict).toMatchObject({ ok: false, code: 'CERTIFICATE_INVALID' });
      if (!verdict.ok)
        expect(verdict.reason).toMatch(/is not valid before 2024-05-14T07:12:47\.000Z$/);
    });

    it('rejects a body that is not a certificate', async () => {
      const verdict = await provider.verify(
        signed(publish('<html>maintenance</html>')),
        config,
        ctx,
      );
      expect(verdict).toMatchObject({ ok: false, code: 'CERTIFICATE_INVALID' });
    });
  });

  describe('certificate download', () => {
    it('answers VERIFICATION_UNAVAILABLE when the certificate is unreachable, and does not cache that', async () => {
      const url = publish(leaf);
      const path = new URL(url).pathname;
      server.dropConnections = true;
      try {
        const verdict = await provider.verify(signed(url), config, ctx);
        expect(verdict).toMatchObject({ ok: false, code: 'VERIFICATION_UNAVAILABLE' });
        if (!verdict.ok)
          expect(verdict.reason).toMatch(
            /^the signing certificate could not be downloaded \(connection\): /,
          );
      } finally {
        server.dropConnections = false;
      }
      expect(await provider.verify(signed(url), config, ctx)).toMatchObject({ ok: true });
      expect(await provider.verify(signed(url), config, ctx)).toMatchObject({ ok: true });
      expect(server.hits(path)).toBe(2);
    });

    it('answers VERIFICATION_UNAVAILABLE when PayPal answers 404', async () => {
      expect(
        await provider.verify(
          signed('https://api.paypal.com/v1/notifications/certs/CERT-missing'),
          config,
          ctx,
        ),
      ).toEqual({
        ok: false,
        code: 'VERIFICATION_UNAVAILABLE',
        reason: 'the signing certificate download answered HTTP 404',
      });
    });

    it('shares one download between concurrent verifications', async () => {
      const url = publish(leaf);
      const verdicts = await Promise.all(
        Array.from({ length: 6 }, () => provider.verify(signed(url), config, ctx)),
      );
      expect(verdicts.map((v) => v.ok)).toEqual([true, true, true, true, true, true]);
      expect(server.hits(new URL(url).pathname)).toBe(1);
    });
  });

  it('rejects a body that is not a webhook envelope before any network call', async () => {
    const before = http.requested.length;
    const request = signed(publish(leaf), leaf, Buffer.from('{"id":"WH-1"}', 'utf8'));
    expect(await provider.verify(request, config, ctx)).toEqual({
      ok: false,
      code: 'MALFORMED_JSON',
      reason: 'the event has no string "event_type"',
    });
    expect(http.requested.length).toBe(before);
  });
});
