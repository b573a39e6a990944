import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { ManualClock } from '../../lib/clock.js';
import { offlineHttpClient } from '../../lib/offline-http-client.js';
import type { Digistore24Config } from './config.js';
import { digistore24Provider } from './digistore24-provider.js';
import { encodeDigistore24Body } from './sign-request.js';
import {
  digistore24Request as request,
  loadDigistore24Fixture,
  wireBody,
} from './test-support/ipn-examples.js';
import { createCacheScope } from '../../lib/cache-scope.js';

const fixture = loadDigistore24Fixture();
const config: Digistore24Config = { passphrase: fixture.example_payloads.passphrase };
const provider = digistore24Provider();
const ctx = {
  clock: new ManualClock('2024-05-14T07:12:46.000Z'),
  http: offlineHttpClient(),
  caches: createCacheScope(),
};

const payment = fixture.example_payloads.items[0];
if (!payment) throw new Error('fixture has no payloads');
const paymentBody = wireBody(payment).toString('utf8');

describe('digistore24Provider', () => {
  it('describes itself', () => {
    expect(provider.id).toBe('digistore24');
    expect(provider.displayName).toBe('Digistore24');
    expect(provider.contentTypes).toEqual(['application/x-www-form-urlencoded']);
    expect(provider.secretFields).toEqual(['passphrase']);
  });

  it('publishes the passphrase as a write-only, labelled field', () => {
    const schema = z.toJSONSchema(provider.configSchema);
    expect(schema.required).toEqual(['passphrase']);
    expect(schema.properties?.['passphrase']).toMatchObject({
      type: 'string',
      minLength: 1,
      maxLength: 200,
      title: 'IPN passphrase',
      writeOnly: true,
    });
    expect(provider.configSchema.safeParse({ passphrase: '' }).success).toBe(false);
  });

  describe('verify', () => {
    it('names the variant that matched', async () => {
      expect(await provider.verify(request(paymentBody), config, ctx)).toEqual({
        ok: true,
        method: 'sha512 variant A',
      });
      const b = fixture.worked_examples.find((e) => e.name === 'B-utf8-special-uppercase-keys');
      const c = fixture.worked_examples.find((e) => e.name === 'C-entity-legacy-html-decoded');
      if (!b || !c) throw new Error('worked examples missing');
      const body = (params: Record<string, string>, signature: string) =>
        request(new URLSearchParams({ ...params, sha_sign: signature }).toString());
      expect(
        await provider.verify(body(b.params, b.expected), { passphrase: b.passphrase }, ctx),
      ).toEqual({ ok: true, method: 'sha512 variant B' });
      expect(
        await provider.verify(
          body(c.params, c.expected),
          { passphrase: c.passphrase, legacyHtmlDecoding: true },
          ctx,
        ),
      ).toEqual({ ok: true, method: 'sha512 variant C' });
      expect(
        await provider.verify(body(c.params, c.expected), { passphrase: c.passphrase }, ctx),
      ).toMatchObject({ ok: false, code: 'SIGNATURE_INVALID' });
    });

    it('verifies the wire form of worked example B, with + and %26 in values', async () => {
      const wire =
        'event=on_refund&order_id=K7QX2M9P&orderform_id=1&address_first_name=J%C3%B6rg&address_last_name=M%C3%BCller+%26+S%C3%B6hne' +
        '&custom=crm%3D42%3Bsrc%3Dfb%2Bads&placeholder_TITLE=Basic&transaction_type=refund' +
        '&sha_sign=9543E5438CD06DF0D3538D7AD7B50E477DA6C7AD9626359DCFC31DC120F24D4BA52B47835CD7A26A99CF4ED42FD9A77C6AD4D2A9A97F0E421E72AC51A337FA00';
      expect(
        await provider.verify(request(wire), { passphrase: 'Test-Passphrase-42' }, ctx),
      ).toEqual({ ok: true, method: 'sha512 variant A' });
    });

    it('passes on the parser reason for a malformed body', async () => {
      expect(await provider.verify(request('a=%E4%'), config, ctx)).toEqual({
        ok: false,
        code: 'MALFORMED_BODY',
        reason: 'invalid percent escape at byte 5',
      });
    });
  });

  describe('normalize', () => {
    it('normalizes the wire body of example 1', () => {
      const result = provider.normalize(request(paymentBody), config);
      expect(result.kind).toBe('events');
      if (result.kind !== 'events') return;
      expect(result.events.map((e) => [e.type, e.dedupKey, e.order?.amount])).toEqual([
        ['payment', 'ds24:K7QX2M9P:on_payment:91000001', 9700],
      ]);
      expect(result.events[0]?.raw['address_street']).toBe('Musterstraße 5');
      expect(result.events[0]?.raw['sha_sign']).toBe(undefined);
    });

    it('keeps every field but the signature in raw, in body order, however often it is verified and normalized', async () => {
      const req = request(paymentBody);
      const sent = [...new URLSearchParams(paymentBody)].filter(([name]) => name !== 'sha_sign');
      expect(await provider.verify(req, config, ctx)).toMatchObject({ ok: true });
      const first = provider.normalize(req, config);
      const again = provider.normalize(req, config);
      // Another passphrase reads the same body afresh: it does not verify, and has no events.
      expect(provider.normalize(req, { passphrase: 'other' })).toMatchObject({ kind: 'invalid' });
      expect(await provider.verify(req, config, ctx)).toMatchObject({ ok: true });
      for (const result of [first, again, provider.normalize(req, config)]) {
        if (result.kind !== 'events') throw new Error(result.kind);
        expect(Object.entries(result.events[0]?.raw ?? {})).toEqual(sent);
      }
    });

    it('returns the parser error as invalid', () => {
      expect(provider.normalize(request('a=1&a=2'), config)).toEqual({
        kind: 'invalid',
        code: 'DUPLICATE_FIELD',
        reason: 'field "a" occurs more than once',
      });
    });

    it('ignores an unknown event', () => {
      const result = provider.normalize(
        request(encodeDigistore24Body({ event: 'eticket', eticket_id: '9' }, config.passphrase)),
        config,
      );
      expect(result).toMatchObject({
        kind: 'ignored',
        reason: 'Digistore24 event "eticket" is not handled',
        fields: { event: 'eticket', eticket_id: '9' },
      });
    });
  });

  describe('normalize builds from the signed fields only', () => {
    it('gives no events for a body whose signature does not hold', () => {
      expect(
        provider.normalize(
          request(
            encodeDigistore24Body({ event: 'on_payment', order_id: 'X1' }, 'another passphrase'),
          ),
          config,
        ),
      ).toMatchObject({
        kind: 'invalid',
        code: 'SIGNATURE_INVALID',
      });
    });
  });

  describe('acknowledge', () => {
    const ok = { status: 200, contentType: 'text/plain; charset=utf-8', body: 'OK' };

    it('answers OK for accepted, duplicate and ignored notifications', () => {
      expect(provider.acknowledge({ kind: 'accepted', eventIds: ['evt_1'] })).toEqual(ok);
      expect(provider.acknowledge({ kind: 'duplicate' })).toEqual(ok);
      expect(provider.acknowledge({ kind: 'ignored', reason: 'unknown event' })).toEqual(ok);
    });

    it('answers a one-line plain-text error with the rejection status', () => {
      expect(
        provider.acknowledge({
          kind: 'rejected',
          code: 'SIGNATURE_INVALID',
          reason: 'sha_sign does not match\r\nthe passphrase',
          status: 403,
        }),
      ).toEqual({
        status: 403,
        contentType: 'text/plain; charset=utf-8',
        body: 'ERROR: SIGNATURE_INVALID: sha_sign does not match the passphrase',
      });
    });

    it('asks for a retry when storing failed', () => {
      expect(provider.acknowledge({ kind: 'error' })).toEqual({
        status: 500,
        contentType: 'text/plain; charset=utf-8',
        body: 'ERROR: INGEST_FAILED: temporary failure, please retry',
      });
    });
  });
});
