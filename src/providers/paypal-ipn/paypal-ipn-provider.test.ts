import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { ManualClock } from '../../lib/clock.js';
import { offlineHttpClient } from '../../lib/offline-http-client.js';
import type { PayPalIpnConfig } from './config.js';
import { paypalIpnProvider } from './paypal-ipn-provider.js';
import {
  LIVE_CONFIG,
  fixtureNamed,
  ipnRequest,
  loadPayPalIpnFixtures,
} from './test-support/ipn-fixtures.js';
import { createCacheScope } from '../../lib/cache-scope.js';

const provider = paypalIpnProvider();
const fixtures = loadPayPalIpnFixtures();
const ctx = {
  clock: new ManualClock('2024-05-14T17:15:05.000Z'),
  http: offlineHttpClient(),
  caches: createCacheScope(),
};
const payment = fixtureNamed(fixtures, 'web-accept-windows-1252').body;

describe('paypalIpnProvider', () => {
  it('describes itself', () => {
    expect(provider.id).toBe('paypal-ipn');
    expect(provider.displayName).toBe('PayPal IPN');
    expect(provider.contentTypes).toEqual(['application/x-www-form-urlencoded']);
    expect(provider.secretFields).toEqual([]);
    expect(typeof provider.confirm).toBe('function');
  });

  describe('config schema', () => {
    it('publishes labelled fields, none required by itself', () => {
      const schema = z.toJSONSchema(provider.configSchema);
      const properties = schema.properties ?? {};
      expect(Object.keys(properties)).toEqual([
        'environment',
        'receiverEmail',
        'receiverId',
        'verificationUrl',
        'expectedPrices',
      ]);
      for (const [name, property] of Object.entries(properties)) {
        expect(property, name).toMatchObject({
          title: expect.any(String),
          description: expect.any(String),
        });
      }
      expect(properties['environment']).toMatchObject({
        enum: ['live', 'sandbox'],
        default: 'live',
      });
    });

    it('defaults the environment to live', () => {
      expect(provider.configSchema.parse({ receiverEmail: 'seller@example.com' })).toEqual({
        environment: 'live',
        receiverEmail: 'seller@example.com',
      });
    });

    it('needs a receiver e-mail or ID, and says so', () => {
      const result = provider.configSchema.safeParse({ environment: 'sandbox' });
      expect(result.success).toBe(false);
      if (!result.success) {
        expect(result.error.issues).toMatchObject([
          {
            path: ['receiverEmail'],
            message:
              'set receiverEmail or receiverId (or both): every message is checked against the PayPal account it was paid to',
          },
        ]);
      }
      expect(provider.configSchema.safeParse({ receiverId: 'KXQ7ZRP4M2B8N' }).success).toBe(true);
    });

    it('rejects malformed values', () => {
      for (const bad of [
        { receiverEmail: 'not-an-email' },
        { receiverId: 'SHORT' },
        { receiverId: 'KXQ7ZRP4M2B8N', environment: 'production' },
        { receiverId: 'KXQ7ZRP4M2B8N', verificationUrl: 'ftp://example.com/x' },
        {
          receiverId: 'KXQ7ZRP4M2B8N',
          expectedPrices: { a: { amount: '19,99', currency: 'EUR' } },
        },
        {
          receiverId: 'KXQ7ZRP4M2B8N',
          expectedPrices: { a: { amount: '19.99', currency: 'eur' } },
        },
        { receiverId: 'KXQ7ZRP4M2B8N', expectedPrices: { a: { amount: [], currency: 'EUR' } } },
      ]) {
        expect(provider.configSchema.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
      }
      expect(
        provider.configSchema.safeParse({
          receiverId: 'KXQ7ZRP4M2B8N',
          expectedPrices: { a: { amount: ['1.00', '19.99'], currency: 'EUR' } },
        }).success,
      ).toBe(true);
    });
  });

  describe('verify', () => {
    it('checks only the shape and leaves authenticity to the postback', async () => {
      // A receiver mismatch or test_ipn on live is decided after VERIFIED, in normalize.
      const config: PayPalIpnConfig = {
        environment: 'live',
        receiverEmail: 'someone.else@example.com',
      };
      expect(await provider.verify(ipnRequest(payment), config, ctx)).toEqual({
        ok: true,
        method: 'postback pending',
      });
    });

    it('notes a message without a charset field, which is decoded as windows-1252', async () => {
      const undeclared = payment.replace('&charset=windows-1252', '');
      expect(undeclared).not.toContain('charset=');
      expect(await provider.verify(ipnRequest(undeclared), LIVE_CONFIG, ctx)).toEqual({
        ok: true,
        method: 'postback pending',
        notes: ['no charset field; decoded as windows-1252'],
      });
    });

    it('passes on the decoder reason', async () => {
      expect(
        await provider.verify(
          ipnRequest('txn_type=web_accept&charset=x-klingon'),
          LIVE_CONFIG,
          ctx,
        ),
      ).toEqual({
        ok: false,
        code: 'UNSUPPORTED_CHARSET',
        reason: 'charset "x-klingon" is not supported',
      });
      expect(
        await provider.verify(ipnRequest('txn_type=web_accept&item_name=%E4%'), LIVE_CONFIG, ctx),
      ).toEqual({
        ok: false,
        code: 'MALFORMED_BODY',
        reason: 'invalid percent escape at byte 33',
      });
      expect(
        await provider.verify(ipnRequest('first_name=J%F6rg&mc_gross=1.00'), LIVE_CONFIG, ctx),
      ).toEqual({
        ok: false,
        code: 'MISSING_FIELD',
        reason: 'txn_type is missing: not a PayPal IPN',
      });
    });
  });

  describe('normalize', () => {
    it('normalizes the request body', () => {
      const result = provider.normalize(ipnRequest(payment), LIVE_CONFIG);
      expect(result.kind).toBe('events');
      if (result.kind === 'events')
        expect(result.events.map((e) => [e.type, e.dedupKey, e.order?.amount])).toEqual([
          ['payment', 'pp:txn:61E67681CH3238416:Completed', 1999],
        ]);
    });

    it('returns a decoder error as invalid', () => {
      expect(
        provider.normalize(ipnRequest('txn_type=web_accept&txn_type=cart'), LIVE_CONFIG),
      ).toEqual({
        kind: 'invalid',
        code: 'DUPLICATE_FIELD',
        reason: 'field "txn_type" occurs more than once',
      });
    });
  });

  describe('acknowledge', () => {
    const empty = { status: 200, contentType: 'text/plain; charset=utf-8', body: '' };

    it('answers an empty 200 for everything stored', () => {
      expect(provider.acknowledge({ kind: 'pending' })).toEqual(empty);
      expect(provider.acknowledge({ kind: 'accepted', eventIds: ['evt_1'] })).toEqual(empty);
      expect(provider.acknowledge({ kind: 'duplicate' })).toEqual(empty);
      expect(provider.acknowledge({ kind: 'ignored', reason: 'txn_type new_case' })).toEqual(empty);
      expect(provider.acknowledge({ kind: 'held', reason: 'txn_type adjustment' })).toEqual(empty);
    });

    it('answers a rejection with its status and one line of text', () => {
      expect(
        provider.acknowledge({
          kind: 'rejected',
          code: 'UNSUPPORTED_CHARSET',
          reason: 'charset "x"\r\nis not supported',
          status: 400,
        }),
      ).toEqual({
        status: 400,
        contentType: 'text/plain; charset=utf-8',
        body: 'ERROR: UNSUPPORTED_CHARSET: charset "x" is not supported',
      });
    });

    it('answers 500 when storing failed, so PayPal resends', () => {
      expect(provider.acknowledge({ kind: 'error' })).toEqual({
        status: 500,
        contentType: 'text/plain; charset=utf-8',
        body: 'ERROR: INGEST_FAILED: temporary failure, please retry',
      });
    });
  });
});
