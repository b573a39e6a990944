/**
 * PayPal's signing certificates, downloaded once per URL (docs/protocols/paypal.md#webhook-signature-verification method 1,
 * step 2: "Cache certs by URL"). The cache is per runtime: a certificate URL names one
 * immutable certificate, and every source verifying against it shares the download.
 * Concurrent verifications of a new URL share one in-flight download; a failed download or an
 * unparsable certificate is not cached, so PayPal's retry of the message tries again.
 */
import { X509Certificate } from 'node:crypto';
import type { HttpClient } from '../../lib/http-client.js';
import { cacheSlot } from '../../lib/cache-scope.js';
import type { CacheScope } from '../../lib/cache-scope.js';

export type CertificateResult =
  | { ok: true; certificate: X509Certificate }
  | { ok: false; code: 'VERIFICATION_UNAVAILABLE' | 'CERTIFICATE_INVALID'; reason: string };

// Only certificates that downloaded and parsed stay, and only allowed URLs get here, so the
// bound is a guard against an unexpected flood of distinct PayPal URLs, not an LRU policy.
const MAX_ENTRIES = 64;
const CERTIFICATES = cacheSlot(
  'PayPal signing certificates',
  () => new Map<string, Promise<CertificateResult>>(),
);

async function download(url: string, http: HttpClient): Promise<CertificateResult> {
  const result = await http.request({
    method: 'GET',
    url,
    headers: { accept: 'application/x-pem-file, text/plain, */*' },
  });
  if (!result.ok) {
    return {
      ok: false,
      code: 'VERIFICATION_UNAVAILABLE',
      reason: `the signing certificate could not be downloaded (${result.kind}): ${result.message}`,
    };
  }
  const { status, body, truncated } = result.response;
  if (status !== 200) {
    return {
      ok: false,
      code: 'VERIFICATION_UNAVAILABLE',
      reason: `the signing certificate download answered HTTP ${status}`,
    };
  }
  if (truncated)
    return {
      ok: false,
      code: 'CERTIFICATE_INVALID',
      reason: 'the signing certificate download is larger than the response limit',
    };
  try {
    return { ok: true, certificate: new X509Certificate(body) };
  } catch (err) {
    return {
      ok: false,
      code: 'CERTIFICATE_INVALID',
      reason: `the signing certificate cannot be parsed: ${err instanceof Error ? err.message : String(err)}`,
    };
  }
}

async function downloadSafely(url: string, http: HttpClient): Promise<CertificateResult> {
  try {
    return await download(url, http);
  } catch (err) {
    // HttpClient reports failures as values; a throw is a bug in it, but must not become a 500 loop.
    return {
      ok: false,
      code: 'VERIFICATION_UNAVAILABLE',
      reason: `the signing certificate could not be downloaded: ${err instanceof Error ? err.message : String(err)}`,
    };
  }
}

/** The parsed certificate at `url`, downloaded with `http` on first use. Never rejects. */
export function fetchCertificate(
  url: string,
  http: HttpClient,
  caches: CacheScope,
): Promise<CertificateResult> {
  const cache = caches.get(CERTIFICATES);
  const cached = cache.get(url);
  if (cached) return cached;
  const pending = downloadSafely(url, http);
  cache.set(url, pending);
  if (cache.size > MAX_ENTRIES) {
    const oldest = cache.keys().next();
    if (!oldest.done) cache.delete(oldest.value);
  }
  void pending.then((result) => {
    if (!result.ok && cache.get(url) === pending) cache.delete(url);
  });
  return pending;
}
