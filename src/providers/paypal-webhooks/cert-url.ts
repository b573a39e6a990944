/**
 * Which `PAYPAL-CERT-URL` values may be fetched (docs/providers.md, PayPal webhooks: the
 * certificate URL must be HTTPS on a PayPal host): the URL comes from the request, so fetching
 * any URL would let a forger hand us his own key.
 */

export type CertUrlVerdict =
  /** `paypal`: an HTTPS URL on a PayPal host; `operator`: under the source's configured `apiBaseUrl`. */
  { ok: true; url: URL; trust: 'paypal' | 'operator' } | { ok: false; reason: string };

/** `api.paypal.com`, `api.sandbox.paypal.com` and every other `*.paypal.com` name. */
export function isPayPalHost(hostname: string): boolean {
  return hostname.endsWith('.paypal.com');
}

function underBase(url: URL, base: URL): boolean {
  if (url.origin !== base.origin) return false;
  const prefix = base.pathname.endsWith('/') ? base.pathname : `${base.pathname}/`;
  return base.pathname === '/' || url.pathname.startsWith(prefix);
}

/**
 * Accepts an `https:` URL on the default port of a PayPal host, without credentials. When the
 * source has an `apiBaseUrl` (tests, the local fake PayPal, a proxy), URLs under that base are
 * accepted too — an explicit operator choice, compared by origin and path prefix, never by
 * string prefix (`http://127.0.0.1:4000` must not admit `http://127.0.0.1:40001`).
 */
export function checkCertUrl(value: string, apiBaseUrl?: string): CertUrlVerdict {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return { ok: false, reason: 'the certificate URL is not a valid URL' };
  }
  const base =
    apiBaseUrl !== undefined && URL.canParse(apiBaseUrl) ? new URL(apiBaseUrl) : undefined;
  if (base !== undefined && underBase(url, base)) return { ok: true, url, trust: 'operator' };
  if (isPayPalHost(url.hostname) || base === undefined) {
    if (url.protocol !== 'https:')
      return {
        ok: false,
        reason: `the certificate URL must use https, not ${url.protocol.slice(0, -1)}`,
      };
    if (!isPayPalHost(url.hostname))
      return { ok: false, reason: `the certificate host ${url.hostname} is not a PayPal host` };
    if (url.port !== '' || url.username !== '' || url.password !== '') {
      return { ok: false, reason: 'the certificate URL must not carry a port or credentials' };
    }
    return { ok: true, url, trust: 'paypal' };
  }
  // The operator named a base; say how the URL misses it rather than that it is not https.
  if (url.origin !== base.origin) {
    return {
      ok: false,
      reason: `the certificate URL's origin ${url.origin} is neither the source's apiBaseUrl origin ${base.origin} nor a PayPal host`,
    };
  }
  return {
    ok: false,
    reason: `the certificate URL's path ${url.pathname} is not under the source's apiBaseUrl path ${base.pathname}`,
  };
}
