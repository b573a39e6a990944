import { describe, expect, it } from 'vitest';
import { checkCertUrl } from './cert-url.js';

describe('checkCertUrl', () => {
  it('accepts HTTPS URLs on PayPal hosts', () => {
    for (const url of [
      'https://api.paypal.com/v1/notifications/certs/CERT-360caa42-fca2a594-1a5f47cb',
      'https://api.sandbox.paypal.com/v1/notifications/certs/CERT-360caa42-fca2a594-a5cafa77',
      'https://messageverificationcerts.paypal.com/cert.pem',
    ]) {
      expect(checkCertUrl(url)).toMatchObject({ ok: true, trust: 'paypal' });
    }
  });

  it('refuses everything else with a reason', () => {
    expect(checkCertUrl('https://evil.example/cert.pem')).toEqual({
      ok: false,
      reason: 'the certificate host evil.example is not a PayPal host',
    });
    expect(checkCertUrl('http://api.paypal.com/v1/notifications/certs/CERT-1')).toEqual({
      ok: false,
      reason: 'the certificate URL must use https, not http',
    });
    expect(checkCertUrl('https://api.paypal.com.evil.example/c')).toMatchObject({ ok: false });
    expect(checkCertUrl('https://evilpaypal.com/c')).toMatchObject({ ok: false });
    expect(checkCertUrl('https://paypal.com/c')).toMatchObject({ ok: false });
    expect(checkCertUrl('https://api.paypal.com:8443/c')).toEqual({
      ok: false,
      reason: 'the certificate URL must not carry a port or credentials',
    });
    expect(checkCertUrl('https://user:pw@api.paypal.com/c')).toMatchObject({ ok: false });
    expect(checkCertUrl('not a url')).toEqual({
      ok: false,
      reason: 'the certificate URL is not a valid URL',
    });
    expect(checkCertUrl('file:///etc/passwd')).toMatchObject({ ok: false });
  });

  it("accepts URLs under the operator's apiBaseUrl, by origin and path, not by string prefix", () => {
    expect(
      checkCertUrl(
        'http://127.0.0.1:4000/v1/notifications/certs/CERT-ipnhub-dev',
        'http://127.0.0.1:4000',
      ),
    ).toMatchObject({ ok: true, trust: 'operator' });
    expect(
      checkCertUrl(
        'http://127.0.0.1:40001/v1/notifications/certs/CERT-ipnhub-dev',
        'http://127.0.0.1:4000',
      ),
    ).toEqual({
      ok: false,
      reason:
        "the certificate URL's origin http://127.0.0.1:40001 is neither the source's apiBaseUrl origin http://127.0.0.1:4000 nor a PayPal host",
    });
    expect(
      checkCertUrl('http://127.0.0.1:4000/paypal/v1/certs/C', 'http://127.0.0.1:4000/paypal/'),
    ).toMatchObject({ ok: true, trust: 'operator' });
    expect(
      checkCertUrl('http://127.0.0.1:4000/paypalx/v1/certs/C', 'http://127.0.0.1:4000/paypal'),
    ).toMatchObject({ ok: false });
    expect(checkCertUrl('http://127.0.0.1:4000/other/C', 'http://127.0.0.1:4000/paypal')).toEqual({
      ok: false,
      reason:
        "the certificate URL's path /other/C is not under the source's apiBaseUrl path /paypal",
    });
    expect(checkCertUrl('https://evil.example/cert.pem', 'http://127.0.0.1:4000')).toEqual({
      ok: false,
      reason:
        "the certificate URL's origin https://evil.example is neither the source's apiBaseUrl origin http://127.0.0.1:4000 nor a PayPal host",
    });
    expect(
      checkCertUrl('http://api.paypal.com/v1/notifications/certs/CERT-1', 'http://127.0.0.1:4000'),
    ).toEqual({ ok: false, reason: 'the certificate URL must use https, not http' });
    expect(
      checkCertUrl('https://api.paypal.com/v1/notifications/certs/CERT-1', 'http://127.0.0.1:4000'),
    ).toMatchObject({ ok: true, trust: 'paypal' });
  });
});
