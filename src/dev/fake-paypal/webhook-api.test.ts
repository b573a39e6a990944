import { X509Certificate, createPrivateKey, sign } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { DEV_CERTIFICATE_PEM, DEV_PRIVATE_KEY_PEM } from './dev-certificate.js';
import type { FakeRequest, FakeResponse } from './fake-route.js';
import { DEV_CERTIFICATE_PATH, createWebhookApiFake } from './webhook-api.js';

const CLIENT_ID = 'AeFakeClient';
const CLIENT_SECRET = 'EFakeSecret';
const basic = (id: string, secret: string): string =>
  `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

function request(
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body: string | Buffer = '',
): FakeRequest {
  return {
    method,
    path,
    query: '',
    headers,
    body: Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8'),
  };
}

function json(response: FakeResponse | null): unknown {
  if (response === null) throw new Error('route did not answer');
  return JSON.parse(response.body.toString());
}

async function token(fake: ReturnType<typeof createWebhookApiFake>): Promise<string> {
  const response = await fake.route(
    request(
      'POST',
      '/v1/oauth2/token',
      {
        authorization: basic(CLIENT_ID, CLIENT_SECRET),
        'content-type': 'application/x-www-form-urlencoded',
      },
      'grant_type=client_credentials',
    ),
  );
  return (json(response) as { access_token: string }).access_token;
}

const event = {
  id: 'WH-FAKE-1',
  event_type: 'PAYMENT.CAPTURE.COMPLETED',
  resource: { id: '3C679366HH908993F', amount: { currency_code: 'EUR', value: '97.00' } },
};

/** The verify request body for `event`, signed over `signedBody` (PayPal's bytes) with the dev key. */
function verifyBody(
  overrides: Record<string, string> = {},
  signedBody = JSON.stringify(event),
): string {
  const fields = {
    auth_algo: 'SHA256withRSA',
    cert_url: `http://127.0.0.1:4010${DEV_CERTIFICATE_PATH}`,
    transmission_id: 'b2384410-f8d2-11e4-8bf3-77339302725b',
    transmission_time: '2026-03-02T10:00:00Z',
    webhook_id: 'WH-LISTENER-1',
  };
  const crc = crc32(Buffer.from(signedBody, 'utf8')) >>> 0;
  const signed = `${fields.transmission_id}|${fields.transmission_time}|${fields.webhook_id}|${crc}`;
  const transmissionSig = sign('sha256', Buffer.from(signed), DEV_PRIVATE_KEY_PEM).toString(
    'base64',
  );
  return JSON.stringify({
    ...fields,
    transmission_sig: transmissionSig,
    ...overrides,
    webhook_event: event,
  });
}

async function verify(
  fake: ReturnType<typeof createWebhookApiFake>,
  body: string,
  bearer?: string,
): Promise<FakeResponse | null> {
  const auth = bearer ?? (await token(fake));
  return fake.route(
    request(
      'POST',
      '/v1/notifications/verify-webhook-signature',
      { authorization: `Bearer ${auth}`, 'content-type': 'application/json' },
      body,
    ),
  );
}

describe('dev certificate', () => {
  it('is the self-signed RSA-2048 dev certificate, valid 2025-01-01..2045-01-01, matching its key', () => {
    const cert = new X509Certificate(DEV_CERTIFICATE_PEM);
    expect(cert.subject).toContain('CN=ipnhub fake PayPal (INSECURE\\, dev only)');
    expect(cert.issuer).toBe(cert.subject);
    expect(new Date(cert.validFrom).toISOString()).toBe('2025-01-01T00:00:00.000Z');
    expect(new Date(cert.validTo).toISOString()).toBe('2045-01-01T00:00:00.000Z');
    expect(cert.publicKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
    expect(cert.checkPrivateKey(createPrivateKey(DEV_PRIVATE_KEY_PEM))).toBe(true);
  });
});

describe('createWebhookApiFake', () => {
  it('serves the dev certificate and leaves other paths to other routes', async () => {
    const fake = createWebhookApiFake({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });
    expect(await fake.route(request('GET', DEV_CERTIFICATE_PATH))).toMatchObject({
      status: 200,
      body: DEV_CERTIFICATE_PEM,
    });
    expect(await fake.route(request('POST', DEV_CERTIFICATE_PATH))).toMatchObject({ status: 405 });
    expect(await fake.route(request('POST', '/cgi-bin/webscr'))).toBe(null);
  });

  describe('POST /v1/oauth2/token', () => {
    const form = { 'content-type': 'application/x-www-form-urlencoded' };

    it('issues a bearer token for the right credentials', async () => {
      const fake = createWebhookApiFake({
        clientId: CLIENT_ID,
        clientSecret: CLIENT_SECRET,
        tokenLifetimeSeconds: 600,
      });
      const response = await fake.route(
        request(
          'POST',
          '/v1/oauth2/token',
          { ...form, authorization: basic(CLIENT_ID, CLIENT_SECRET) },
          'grant_type=client_credentials',
        ),
      );
      expect(response?.status).toBe(200);
      expect(json(response)).toMatchObject({
        token_type: 'Bearer',
        expires_in: 600,
        access_token: expect.stringMatching(/^A21AA[\w-]{40,}$/),
      });
      expect(fake.counts()).toEqual({ tokensIssued: 1, verifications: 0 });
    });

    it('answers 401 to wrong or missing credentials and 400 to a wrong body', async () => {
      const fake = createWebhookApiFake({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });
      const call = (headers: Record<string, string>, body: string) =>
        fake.route(request('POST', '/v1/oauth2/token', headers, body));
      expect(
        json(
          await call(
            { ...form, authorization: basic(CLIENT_ID, 'wrong') },
            'grant_type=client_credentials',
          ),
        ),
      ).toEqual({ error: 'invalid_client', error_description: 'Client Authentication failed' });
      expect((await call(form, 'grant_type=client_credentials'))?.status).toBe(401);
      expect(
        (
          await call(
            { authorization: basic(CLIENT_ID, CLIENT_SECRET), 'content-type': 'application/json' },
            '{"grant_type":"client_credentials"}',
          )
        )?.status,
      ).toBe(400);
      const wrongGrant = await call(
        { ...form, authorization: basic(CLIENT_ID, CLIENT_SECRET) },
        'grant_type=password',
      );
      expect([wrongGrant?.status, json(wrongGrant)]).toEqual([
        400,
        { error: 'unsupported_grant_type', error_description: 'Grant Type is password' },
      ]);
      expect(fake.counts().tokensIssued).toBe(0);
    });
  });

  describe('POST /v1/notifications/verify-webhook-signature', () => {
    it('answers SUCCESS for a correct signature over the re-serialised event', async () => {
      const fake = createWebhookApiFake({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });
      const response = await verify(fake, verifyBody());
      expect([response?.status, json(response)]).toEqual([200, { verification_status: 'SUCCESS' }]);
      expect(fake.counts()).toEqual({ tokensIssued: 1, verifications: 1 });
    });

    it('answers FAILURE when the signed bytes were not the re-serialised event (as PayPal does)', async () => {
      const fake = createWebhookApiFake({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });
      expect(json(await verify(fake, verifyBody({}, JSON.stringify(event, null, 2))))).toEqual({
        verification_status: 'FAILURE',
      });
    });

    it('answers FAILURE for another webhook id, another algorithm or a foreign certificate', async () => {
      const fake = createWebhookApiFake({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });
      expect(json(await verify(fake, verifyBody({ webhook_id: 'WH-OTHER' })))).toEqual({
        verification_status: 'FAILURE',
      });
      expect(json(await verify(fake, verifyBody({ auth_algo: 'SHA1withRSA' })))).toEqual({
        verification_status: 'FAILURE',
      });
      expect(
        json(
          await verify(
            fake,
            verifyBody({ cert_url: 'https://api.paypal.com/v1/notifications/certs/CERT-real' }),
          ),
        ),
      ).toEqual({ verification_status: 'FAILURE' });
      expect(
        json(await verify(fake, verifyBody({ transmission_sig: 'bm90IGEgc2lnbmF0dXJl' }))),
      ).toEqual({ verification_status: 'FAILURE' });
    });

    it('requires a valid bearer token; expired tokens are refused', async () => {
      const fake = createWebhookApiFake({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });
      expect(json(await verify(fake, verifyBody(), 'not-a-token'))).toEqual({
        error: 'invalid_token',
        error_description: 'Token signature verification failed',
      });
      const issued = await token(fake);
      expect((await verify(fake, verifyBody(), issued))?.status).toBe(200);
      fake.expireTokens();
      expect((await verify(fake, verifyBody(), issued))?.status).toBe(401);
      const noAuth = await fake.route(
        request(
          'POST',
          '/v1/notifications/verify-webhook-signature',
          { 'content-type': 'application/json' },
          verifyBody(),
        ),
      );
      expect(noAuth?.status).toBe(401);
    });

    it('answers 400 to bodies that are not a complete verification request', async () => {
      const fake = createWebhookApiFake({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });
      expect((await verify(fake, 'not json'))?.status).toBe(400);
      const missing = await verify(
        fake,
        JSON.stringify({ auth_algo: 'SHA256withRSA', webhook_event: 'x' }),
      );
      expect([missing?.status, json(missing)]).toEqual([
        400,
        {
          name: 'VALIDATION_ERROR',
          message: 'Invalid request - see details',
          details: [
            'cert_url',
            'transmission_id',
            'transmission_sig',
            'transmission_time',
            'webhook_id',
            'webhook_event',
          ].map((field) => ({ field, issue: 'MISSING_REQUIRED_PARAMETER' })),
        },
      ]);
      const auth = await token(fake);
      const form = await fake.route(
        request(
          'POST',
          '/v1/notifications/verify-webhook-signature',
          { authorization: `Bearer ${auth}`, 'content-type': 'application/x-www-form-urlencoded' },
          'a=b',
        ),
      );
      expect(form?.status).toBe(400);
      expect(fake.counts().verifications).toBe(0);
    });
  });
});
