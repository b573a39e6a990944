import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closedPort } from '../../../test/helpers/closed-port.js';
import {
  createIpnVerificationFake,
  withDevVerifySign,
} from '../../dev/fake-paypal/ipn-verification.js';
import type { FakeRoute } from '../../dev/fake-paypal/fake-route.js';
import { ManualClock } from '../../lib/clock.js';
import { createHttpClient } from '../../lib/http-client.js';
import type { ProviderContext } from '../provider.js';
import { PAYPAL_IPN_ENDPOINTS, postbackUrl } from './config.js';
import type { PayPalIpnConfig } from './config.js';
import { paypalIpnProvider } from './paypal-ipn-provider.js';
import { POSTBACK_USER_AGENT, postbackBody } from './postback.js';
import { serveFakeRoute } from '../../dev/fake-paypal/server.js';
import type { FakeRouteServer } from '../../dev/fake-paypal/server.js';
import {
  LIVE_CONFIG,
  fixtureBody,
  fixtureNamed,
  ipnRequest,
  loadPayPalIpnFixtures,
} from './test-support/ipn-fixtures.js';
import { createCacheScope } from '../../lib/cache-scope.js';

/** One runtime's caches for this file, as requests to one server share them. */
const caches = createCacheScope();

const provider = paypalIpnProvider();
const fixtures = loadPayPalIpnFixtures();
const payment = fixtureBody(fixtureNamed(fixtures, 'web-accept-windows-1252'));
const utf8 = fixtureBody(fixtureNamed(fixtures, 'web-accept-utf-8'));

const fake = createIpnVerificationFake({ registered: fixtures.map(fixtureBody) });
const http = createHttpClient({ timeoutMs: 2000, allowList: ['127.0.0.1'] });
const clock = new ManualClock('2024-05-14T17:20:00.000Z');
const ctx: ProviderContext = { clock, http, caches };
let server: FakeRouteServer;
let config: PayPalIpnConfig;

beforeAll(async () => {
  server = await serveFakeRoute(fake.route);
  config = { ...LIVE_CONFIG, verificationUrl: `${server.url}/cgi-bin/webscr` };
});

afterAll(async () => {
  await http.close();
  await server.close();
});

function latin1(text: string): Buffer {
  return Buffer.from(text, 'latin1');
}

describe('confirm (postback)', () => {
  it('answers ok for a message PayPal sent, posting its exact bytes after the command', async () => {
    fake.setMode('normal');
    const before = fake.postbacks.length;
    expect(await provider.confirm?.(ipnRequest(payment), config, ctx)).toEqual({
      ok: true,
      method: 'postback VERIFIED',
    });
    const postback = fake.postbacks[before];
    expect(postback?.body.equals(Buffer.concat([latin1('cmd=_notify-validate&'), payment]))).toBe(
      true,
    );
    expect(postback?.userAgent).toBe(POSTBACK_USER_AGENT);
    expect(postback?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(postback?.headers['connection']).toBe('close');
  });

  it('verifies every fixture byte for byte', async () => {
    fake.setMode('normal');
    for (const fixture of fixtures) {
      // A message without a charset field keeps the note that it was read as windows-1252.
      const notes = fixture.body.includes('charset=')
        ? {}
        : { notes: ['no charset field; decoded as windows-1252'] };
      expect(
        await provider.confirm?.(ipnRequest(fixtureBody(fixture)), config, ctx),
        fixture.name,
      ).toEqual({ ok: true, method: 'postback VERIFIED', ...notes });
    }
  });

  it('gets INVALID for a body changed by one byte', async () => {
    fake.setMode('normal');
    const tampered = latin1(payment.toString('latin1').replace('mc_gross=19.99', 'mc_gross=19.98'));
    expect(tampered.length).toBe(payment.length);
    expect(await provider.confirm?.(ipnRequest(tampered), config, ctx)).toEqual({
      ok: false,
      code: 'POSTBACK_INVALID',
      reason: `PayPal answered INVALID to the postback to ${server.url}/cgi-bin/webscr`,
    });
  });

  it('gets INVALID for the same fields re-encoded: %20 for +, or ö as UTF-8', async () => {
    fake.setMode('normal');
    const spaces = latin1(payment.toString('latin1').replaceAll('+', '%20'));
    const reEncoded = latin1(payment.toString('latin1').replaceAll('%F6', '%C3%B6'));
    for (const body of [spaces, reEncoded]) {
      expect(await provider.confirm?.(ipnRequest(body), config, ctx)).toMatchObject({
        ok: false,
        code: 'POSTBACK_INVALID',
      });
    }
    expect(await provider.confirm?.(ipnRequest(utf8), config, ctx)).toMatchObject({ ok: true });
  });

  it('gets VERIFIED for an unregistered body with a valid dev signature', async () => {
    fake.setMode('normal');
    const signed = withDevVerifySign(
      latin1(payment.toString('latin1').replace('61E67681CH3238416', '0NEWTXN0000000001')),
    );
    expect(await provider.confirm?.(ipnRequest(signed), config, ctx)).toEqual({
      ok: true,
      method: 'postback VERIFIED',
    });
  });

  it('asks to retry on a 500', async () => {
    fake.setMode('fail500');
    const before = fake.postbacks.length;
    const answer = await provider.confirm?.(ipnRequest(payment), config, ctx);
    expect(answer).toEqual({
      ok: 'retry',
      reason: `postback to ${server.url}/cgi-bin/webscr got HTTP 500 with "<!DOCTYPE html><html><head><title>Internal Server Error</title></head><body><h1>…", not VERIFIED or INVALID`,
    });
    expect(fake.postbacks[before]?.body.equals(postbackBody(payment))).toBe(true);
  });

  it('asks to retry on an answer that is neither word', async () => {
    fake.setMode('garbage');
    expect(await provider.confirm?.(ipnRequest(payment), config, ctx)).toMatchObject({
      ok: 'retry',
      reason: expect.stringContaining('got HTTP 200 with "<!DOCTYPE html>'),
    });
  });

  it('asks to retry when PayPal does not answer in time', async () => {
    const impatient = createHttpClient({ timeoutMs: 200, allowList: ['127.0.0.1'] });
    fake.setMode({ delayMs: 1500 });
    try {
      expect(
        await provider.confirm?.(ipnRequest(payment), config, { clock, http: impatient, caches }),
      ).toEqual({
        ok: 'retry',
        reason: `postback to ${server.url}/cgi-bin/webscr failed (timeout): no complete answer within 200 ms`,
      });
    } finally {
      fake.setMode('normal');
      await impatient.close();
    }
  });

  it('asks to retry when the connection is refused', async () => {
    const url = `http://127.0.0.1:${await closedPort()}/cgi-bin/webscr`;
    const answer = await provider.confirm?.(
      ipnRequest(payment),
      { ...config, verificationUrl: url },
      ctx,
    );
    expect(answer).toMatchObject({ ok: 'retry' });
    if (answer?.ok === 'retry')
      expect(answer.reason).toMatch(
        new RegExp(`^postback to ${url} failed \\(connection\\): .*ECONNREFUSED`),
      );
  });

  describe('against a scripted endpoint', () => {
    let answer: { status: number; headers: Record<string, string>; body: string } = {
      status: 200,
      headers: {},
      body: '',
    };
    let scripted: FakeRouteServer;
    let scriptedConfig: PayPalIpnConfig;
    const route: FakeRoute = async () => answer;

    beforeAll(async () => {
      scripted = await serveFakeRoute(route);
      scriptedConfig = { ...LIVE_CONFIG, verificationUrl: `${scripted.url}/cgi-bin/webscr` };
    });
    afterAll(async () => scripted.close());

    it('accepts the verdict with surrounding whitespace', async () => {
      answer = { status: 200, headers: {}, body: 'VERIFIED\r\n' };
      expect(await provider.confirm?.(ipnRequest(payment), scriptedConfig, ctx)).toEqual({
        ok: true,
        method: 'postback VERIFIED',
      });
      answer = { status: 200, headers: {}, body: ' INVALID\n' };
      expect(await provider.confirm?.(ipnRequest(payment), scriptedConfig, ctx)).toMatchObject({
        ok: false,
        code: 'POSTBACK_INVALID',
      });
    });

    it('takes no verdict from a non-200 answer or another word', async () => {
      for (const [status, body] of [
        [503, 'INVALID'],
        [403, 'VERIFIED'],
        [200, ''],
        [200, 'verified'],
        [200, 'VERIFIED INVALID'],
      ] as const) {
        answer = { status, headers: {}, body };
        expect(
          await provider.confirm?.(ipnRequest(payment), scriptedConfig, ctx),
          `${status} ${body}`,
        ).toMatchObject({ ok: 'retry' });
      }
      answer = { status: 200, headers: {}, body: '' };
      expect(await provider.confirm?.(ipnRequest(payment), scriptedConfig, ctx)).toMatchObject({
        reason: expect.stringContaining('got HTTP 200 with an empty body'),
      });
    });

    it('passes Retry-After on as seconds, from delta-seconds or an HTTP date', async () => {
      answer = { status: 503, headers: { 'retry-after': '120' }, body: 'busy' };
      expect(await provider.confirm?.(ipnRequest(payment), scriptedConfig, ctx)).toMatchObject({
        ok: 'retry',
        retryAfterSeconds: 120,
      });
      answer = {
        status: 503,
        headers: { 'retry-after': 'Tue, 14 May 2024 17:30:00 GMT' },
        body: 'busy',
      };
      expect(await provider.confirm?.(ipnRequest(payment), scriptedConfig, ctx)).toMatchObject({
        ok: 'retry',
        retryAfterSeconds: 600,
      });
      answer = { status: 503, headers: { 'retry-after': 'soon' }, body: 'busy' };
      const without = await provider.confirm?.(ipnRequest(payment), scriptedConfig, ctx);
      expect(without).toMatchObject({ ok: 'retry' });
      expect(without && 'retryAfterSeconds' in without).toBe(false);
    });
  });
});

describe('postbackUrl', () => {
  it('uses the ipnpb endpoint of the environment unless overridden', () => {
    expect(postbackUrl({ environment: 'live', receiverId: 'KXQ7ZRP4M2B8N' })).toBe(
      'https://ipnpb.paypal.com/cgi-bin/webscr',
    );
    expect(postbackUrl({ environment: 'sandbox', receiverId: 'KXQ7ZRP4M2B8N' })).toBe(
      'https://ipnpb.sandbox.paypal.com/cgi-bin/webscr',
    );
    expect(
      postbackUrl({
        environment: 'sandbox',
        receiverId: 'KXQ7ZRP4M2B8N',
        verificationUrl: 'http://127.0.0.1:1/x',
      }),
    ).toBe('http://127.0.0.1:1/x');
    expect(PAYPAL_IPN_ENDPOINTS).toEqual({
      live: 'https://ipnpb.paypal.com/cgi-bin/webscr',
      sandbox: 'https://ipnpb.sandbox.paypal.com/cgi-bin/webscr',
    });
  });
});
