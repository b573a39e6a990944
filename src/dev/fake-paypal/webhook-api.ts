/**
 * The fake PayPal's REST webhook APIs (docs/protocols/paypal.md#webhook-signature-verification), for `ipnhub dev fake-paypal`
 * and tests, served from one base URL that a source's `apiBaseUrl` points at:
 * - `GET /v1/notifications/certs/CERT-ipnhub-dev` — the dev signing certificate (PEM);
 * - `POST /v1/oauth2/token` — client credentials: HTTP basic auth with the configured client
 *   ID and secret, form body `grant_type=client_credentials`; issues bearer tokens;
 * - `POST /v1/notifications/verify-webhook-signature` — bearer token required; checks the
 *   signature with the dev certificate as PayPal does: over the signed string
 *   `<transmission id>|<transmission time>|<webhook id>|<crc32>`, the CRC taken over the
 *   RE-SERIALISED `webhook_event` (`JSON.stringify` of the parsed object), not over the bytes
 *   the listener received; answers `{ verification_status: SUCCESS | FAILURE }`.
 * Anything malformed is a strict 400 or 401 with PayPal-style JSON errors. The signature check
 * is written independently of the provider's code on purpose: the fake is an oracle.
 */
import { X509Certificate, randomBytes, verify } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { DEV_CERTIFICATE_PEM } from './dev-certificate.js';
import type { FakeRequest, FakeResponse, FakeRoute } from './fake-route.js';
import { isRecord } from '../../lib/is-record.js';
import { mediaTypeOf } from '../../lib/media-type.js';
import { parseFormBody } from '../../lib/form-body.js';

/** Where the fake serves the dev certificate; signed deliveries name `<fake base>` + this path as their cert URL. */
export const DEV_CERTIFICATE_PATH = '/v1/notifications/certs/CERT-ipnhub-dev';
const TOKEN_PATH = '/v1/oauth2/token';
const VERIFY_PATH = '/v1/notifications/verify-webhook-signature';

export interface WebhookApiFakeOptions {
  clientId: string;
  clientSecret: string;
  /** `expires_in` of issued tokens, in seconds. Default 32400 (PayPal's nine hours). */
  tokenLifetimeSeconds?: number;
}

export interface WebhookApiFake {
  route: FakeRoute;
  /** Invalidates every token issued so far: PayPal then answers 401 to them, as to an expired token. */
  expireTokens(): void;
  /** Requests answered so far, for tests: tokens issued and verification verdicts given. */
  counts(): { tokensIssued: number; verifications: number };
}

const REQUIRED_FIELDS = [
  'auth_algo',
  'cert_url',
  'transmission_id',
  'transmission_sig',
  'transmission_time',
  'webhook_id',
] as const;

function json(status: number, body: unknown): FakeResponse {
  return {
    status,
    headers: {
      'content-type': 'application/json',
      'paypal-debug-id': randomBytes(6).toString('hex'),
    },
    body: JSON.stringify(body),
  };
}

/** PayPal's signed string over the re-serialised event, verified with the dev certificate. */
function signatureValid(
  fields: Record<(typeof REQUIRED_FIELDS)[number], string>,
  event: Record<string, unknown>,
  certificate: X509Certificate,
): boolean {
  if (fields.auth_algo !== 'SHA256withRSA') return false;
  if (!URL.canParse(fields.cert_url) || new URL(fields.cert_url).pathname !== DEV_CERTIFICATE_PATH)
    return false;
  const crc = crc32(Buffer.from(JSON.stringify(event), 'utf8')) >>> 0;
  const signed = Buffer.from(
    `${fields.transmission_id}|${fields.transmission_time}|${fields.webhook_id}|${crc}`,
    'utf8',
  );
  try {
    return verify(
      'sha256',
      signed,
      certificate.publicKey,
      Buffer.from(fields.transmission_sig, 'base64'),
    );
  } catch {
    return false;
  }
}

/** Creates the fake with its own token store; mount `route` on the fake PayPal's server. */
export function createWebhookApiFake(options: WebhookApiFakeOptions): WebhookApiFake {
  const certificate = new X509Certificate(DEV_CERTIFICATE_PEM);
  const lifetime = options.tokenLifetimeSeconds ?? 32_400;
  const expectedBasic = `Basic ${Buffer.from(`${options.clientId}:${options.clientSecret}`, 'utf8').toString('base64')}`;
  const tokens = new Set<string>();
  let tokensIssued = 0;
  let verifications = 0;

  function issueToken(req: FakeRequest): FakeResponse {
    if (req.headers['authorization'] !== expectedBasic) {
      return json(401, {
        error: 'invalid_client',
        error_description: 'Client Authentication failed',
      });
    }
    if (mediaTypeOf(req.headers['content-type']) !== 'application/x-www-form-urlencoded') {
      return json(400, {
        error: 'invalid_request',
        error_description: 'Content-Type must be application/x-www-form-urlencoded',
      });
    }
    const form = parseFormBody(req.body);
    const grant = form.ok ? form.fields.grant_type : undefined;
    if (grant !== 'client_credentials')
      return json(400, {
        error: 'unsupported_grant_type',
        error_description: `Grant Type is ${grant ?? 'NULL'}`,
      });
    const token = `A21AA${randomBytes(32).toString('base64url')}`;
    tokens.add(token);
    tokensIssued++;
    return json(200, {
      scope: 'https://uri.paypal.com/services/applications/webhooks',
      access_token: token,
      token_type: 'Bearer',
      app_id: 'APP-80W284485P519543T',
      expires_in: lifetime,
      nonce: randomBytes(16).toString('hex'),
    });
  }

  function verifySignature(req: FakeRequest): FakeResponse {
    const auth = req.headers['authorization'] ?? '';
    const token = auth.startsWith('Bearer ') ? auth.slice('Bearer '.length) : '';
    if (!tokens.has(token))
      return json(401, {
        error: 'invalid_token',
        error_description: 'Token signature verification failed',
      });
    if (mediaTypeOf(req.headers['content-type']) !== 'application/json')
      return json(400, {
        name: 'MALFORMED_REQUEST',
        message: 'Content-Type must be application/json',
      });
    let body: unknown;
    try {
      body = JSON.parse(req.body.toString('utf8'));
    } catch {
      return json(400, { name: 'MALFORMED_REQUEST', message: 'The request body is not JSON' });
    }
    if (!isRecord(body))
      return json(400, {
        name: 'MALFORMED_REQUEST',
        message: 'The request body is not a JSON object',
      });
    const details: Array<{ field: string; issue: string }> = REQUIRED_FIELDS.filter(
      (field) => typeof body[field] !== 'string' || body[field] === '',
    ).map((field) => ({ field, issue: 'MISSING_REQUIRED_PARAMETER' }));
    const event = body['webhook_event'];
    if (!isRecord(event))
      details.push({ field: 'webhook_event', issue: 'MISSING_REQUIRED_PARAMETER' });
    if (details.length > 0 || !isRecord(event))
      return json(400, {
        name: 'VALIDATION_ERROR',
        message: 'Invalid request - see details',
        details,
      });
    const fields = Object.fromEntries(
      REQUIRED_FIELDS.map((field) => [field, String(body[field])]),
    ) as Record<(typeof REQUIRED_FIELDS)[number], string>;
    verifications++;
    return json(200, {
      verification_status: signatureValid(fields, event, certificate) ? 'SUCCESS' : 'FAILURE',
    });
  }

  const routes: Record<string, { method: string; handle: (req: FakeRequest) => FakeResponse }> = {
    [DEV_CERTIFICATE_PATH]: {
      method: 'GET',
      handle: () => ({
        status: 200,
        headers: { 'content-type': 'application/x-pem-file' },
        body: DEV_CERTIFICATE_PEM,
      }),
    },
    [TOKEN_PATH]: { method: 'POST', handle: issueToken },
    [VERIFY_PATH]: { method: 'POST', handle: verifySignature },
  };

  return {
    route: async (req) => {
      const entry = Object.hasOwn(routes, req.path) ? routes[req.path] : undefined;
      if (!entry) return null;
      if (req.method.toUpperCase() !== entry.method)
        return json(405, {
          name: 'METHOD_NOT_SUPPORTED',
          message: `Use ${entry.method} for ${req.path}`,
        });
      return entry.handle(req);
    },
    expireTokens: () => tokens.clear(),
    counts: () => ({ tokensIssued, verifications }),
  };
}
