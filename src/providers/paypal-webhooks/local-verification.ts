/**
 * Local ("self") verification of a webhook delivery with PayPal's certificate — see
 * docs/protocols/paypal.md#webhook-signature-verification method 1: headers present; certificate URL allowed; certificate downloaded
 * (cached), parsed, inside its validity period and named for PayPal; `SHA256withRSA` over
 * `<transmission id>|<transmission time>|<webhook id>|<crc32 of the raw body>`.
 *
 * Certificate chain: not verified. PayPal's certificate URL serves the leaf alone, its issuer
 * (a DigiCert EV intermediate) is not in Node's root store, and docs/protocols/paypal.md#webhook-signature-verification advises against
 * pinning one intermediate. Trust therefore rests on where the certificate comes from — an
 * HTTPS download from a `*.paypal.com` host, whose TLS certificate the HTTP client checks
 * against the system trust store — plus the validity period and the subject CN rule. For URLs
 * under the operator's `apiBaseUrl` (tests, the fake PayPal, proxies) the CN rule is skipped:
 * the operator vouched for that server.
 */
import { verify as verifySignature } from 'node:crypto';
import type { X509Certificate } from 'node:crypto';
import type { ProviderContext, Verification } from '../provider.js';
import { fetchCertificate } from './certificate-cache.js';
import { checkCertUrl, isPayPalHost } from './cert-url.js';
import { signedBytes } from './signed-string.js';
import type { TransmissionHeaders } from './transmission-headers.js';

/** The only `PAYPAL-AUTH-ALGO` accepted (docs/protocols/paypal.md#webhook-signature-verification step 6). */
export const SUPPORTED_AUTH_ALGO = 'SHA256withRSA';

/** One delivery's signature inputs; `apiBaseUrl` widens the trusted certificate URLs (cert-url.ts). */
export interface LocalVerificationInput {
  headers: TransmissionHeaders;
  rawBody: Buffer;
  webhookId: string;
  apiBaseUrl?: string | undefined;
}

/** The subject's CN, e.g. `messageverificationcerts.sandbox.paypal.com`, or null. */
function commonName(certificate: X509Certificate): string | null {
  for (const line of certificate.subject.split('\n')) {
    // Node escapes special characters in names (`INSECURE\, dev only`).
    if (line.startsWith('CN=')) return line.slice(3).replace(/\\(.)/g, '$1');
  }
  return null;
}

function checkCertificate(
  certificate: X509Certificate,
  now: Date,
  trust: 'paypal' | 'operator',
): Verification {
  const cn = commonName(certificate);
  const validFrom = new Date(certificate.validFrom);
  const validTo = new Date(certificate.validTo);
  const label = `CN=${cn ?? '?'} serial ${certificate.serialNumber}`;
  if (Number.isNaN(validFrom.getTime()) || Number.isNaN(validTo.getTime())) {
    return {
      ok: false,
      code: 'CERTIFICATE_INVALID',
      reason: `the signing certificate (${label}) has an unreadable validity period`,
    };
  }
  if (now < validFrom) {
    return {
      ok: false,
      code: 'CERTIFICATE_INVALID',
      reason: `the signing certificate (${label}) is not valid before ${validFrom.toISOString()}`,
    };
  }
  if (now > validTo) {
    return {
      ok: false,
      code: 'CERTIFICATE_INVALID',
      reason: `the signing certificate (${label}) expired at ${validTo.toISOString()}`,
    };
  }
  // docs/protocols/paypal.md#webhook-signature-verification step 3: the subject must be a PayPal name (PayPal's Python SDK: CN ends with .paypal.com).
  if (trust === 'paypal' && (cn === null || !isPayPalHost(cn.toLowerCase()))) {
    return {
      ok: false,
      code: 'CERTIFICATE_INVALID',
      reason: `the signing certificate is issued to ${cn ?? 'no CN'}, not to a paypal.com name`,
    };
  }
  if (certificate.publicKey.asymmetricKeyType !== 'rsa') {
    return {
      ok: false,
      code: 'CERTIFICATE_INVALID',
      reason: `the signing certificate (${label}) does not carry an RSA key`,
    };
  }
  return { ok: true, method: label };
}

function signatureMatches(
  data: Buffer,
  certificate: X509Certificate,
  signatureBase64: string,
): boolean {
  try {
    return verifySignature(
      'sha256',
      data,
      certificate.publicKey,
      Buffer.from(signatureBase64, 'base64'),
    );
  } catch {
    // A malformed signature is a mismatch, not a crash.
    return false;
  }
}

/** Verifies one delivery locally; network use is the certificate download only. */
export async function verifyLocally(
  input: LocalVerificationInput,
  ctx: ProviderContext,
): Promise<Verification> {
  const { headers } = input;
  if (headers.authAlgo !== SUPPORTED_AUTH_ALGO) {
    return {
      ok: false,
      code: 'SIGNATURE_INVALID',
      reason: `unsupported paypal-auth-algo "${headers.authAlgo.slice(0, 40)}" (only ${SUPPORTED_AUTH_ALGO} is accepted)`,
    };
  }
  const allowed = checkCertUrl(headers.certUrl, input.apiBaseUrl);
  if (!allowed.ok)
    return { ok: false, code: 'CERTIFICATE_URL_NOT_ALLOWED', reason: allowed.reason };

  const fetched = await fetchCertificate(allowed.url.href, ctx.http, ctx.caches);
  if (!fetched.ok) return { ok: false, code: fetched.code, reason: fetched.reason };
  const certificate = fetched.certificate;

  const usable = checkCertificate(certificate, ctx.clock.now(), allowed.trust);
  if (!usable.ok) return usable;

  const data = signedBytes({
    transmissionId: headers.transmissionId,
    transmissionTime: headers.transmissionTime,
    webhookId: input.webhookId,
    rawBody: input.rawBody,
  });
  if (!signatureMatches(data, certificate, headers.transmissionSig)) {
    return {
      ok: false,
      code: 'SIGNATURE_INVALID',
      reason:
        "paypal-transmission-sig does not match the body, the transmission headers and this source's webhook ID",
    };
  }
  return { ok: true, method: `${SUPPORTED_AUTH_ALGO} cert ${usable.method}` };
}
