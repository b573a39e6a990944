import { describe, expect, it } from 'vitest';
import { parseIpnBody } from './ipn-body.js';
import { normalizePayPalIpn } from './normalize.js';
import {
  PAYPAL_IPN_SAMPLE_KINDS,
  encodePayPalIpnBody,
  samplePayPalIpnFields,
} from './sample-messages.js';
import { LIVE_CONFIG } from './test-support/ipn-fixtures.js';

describe('encodePayPalIpnBody', () => {
  const pairs: Array<[string, string]> = [
    ['first_name', 'Jörg'],
    ['item_name', '€ 5 – “Praxis”'],
    ['custom', 'website_id=13&user_id=21'],
    ['payer_email', 'a.b-c_d@example.com'],
    ['last_name', 'Łukasz*'],
  ];

  it('encodes windows-1252 bytes, + for spaces, and ? for what the charset lacks', () => {
    expect(encodePayPalIpnBody(pairs, 'windows-1252').toString('latin1')).toBe(
      'first_name=J%F6rg&item_name=%80+5+%96+%93Praxis%94&custom=website_id%3D13%26user_id%3D21&payer_email=a.b-c_d%40example.com&last_name=%3Fukasz%2A',
    );
  });

  it('encodes UTF-8 bytes, %20 for spaces on request', () => {
    expect(encodePayPalIpnBody(pairs, 'UTF-8', { spaces: '%20' }).toString('latin1')).toBe(
      'first_name=J%C3%B6rg&item_name=%E2%82%AC%205%20%E2%80%93%20%E2%80%9CPraxis%E2%80%9D&custom=website_id%3D13%26user_id%3D21&payer_email=a.b-c_d%40example.com&last_name=%C5%81ukasz%2A',
    );
  });

  it('round-trips through the parser in both charsets', () => {
    const representable = pairs.slice(0, 4);
    for (const charset of ['windows-1252', 'UTF-8'] as const) {
      const body = encodePayPalIpnBody([...representable, ['charset', charset]], charset);
      const parsed = parseIpnBody(body);
      expect(parsed.ok, charset).toBe(true);
      if (parsed.ok)
        expect(Object.entries(parsed.fields)).toEqual([...representable, ['charset', charset]]);
    }
  });
});

describe('samplePayPalIpnFields', () => {
  for (const kind of PAYPAL_IPN_SAMPLE_KINDS) {
    it(`builds a ${kind} message that parses in both charsets and normalizes`, () => {
      const fields = samplePayPalIpnFields(kind);
      const names = fields.map(([name]) => name);
      expect(new Set(names).size, 'unique names').toBe(names.length);
      const wire = parseIpnBody(encodePayPalIpnBody(fields, 'windows-1252'));
      const utf8 = parseIpnBody(
        encodePayPalIpnBody(samplePayPalIpnFields(kind, { charset: 'UTF-8' }), 'UTF-8', {
          spaces: '%20',
        }),
      );
      expect(wire.ok && utf8.ok).toBe(true);
      if (!wire.ok || !utf8.ok) return;
      expect(Object.entries(wire.fields)).toEqual(fields);
      expect({ ...utf8.fields, charset: 'windows-1252' }).toEqual({ ...wire.fields });
      expect(['events', 'ignored', 'held']).toContain(
        normalizePayPalIpn(wire.fields, LIVE_CONFIG).kind,
      );
    });
  }

  it('is deterministic', () => {
    expect(samplePayPalIpnFields('cart')).toEqual(samplePayPalIpnFields('cart'));
  });

  it('reverses the web_accept sample in refund, reversal and canceled_reversal', () => {
    const payment = Object.fromEntries(samplePayPalIpnFields('web_accept'));
    const refund = Object.fromEntries(samplePayPalIpnFields('refund'));
    const partial = Object.fromEntries(samplePayPalIpnFields('partial_refund'));
    expect(refund).toMatchObject({
      payment_status: 'Refunded',
      parent_txn_id: payment['txn_id'],
      mc_gross: '-19.99',
      mc_fee: '-0.85',
    });
    expect(refund['txn_type']).toBe(undefined);
    expect(refund['txn_id']).not.toBe(payment['txn_id']);
    expect(partial['mc_gross']).toBe('-9.99');
    expect(Object.fromEntries(samplePayPalIpnFields('canceled_reversal'))).toMatchObject({
      payment_status: 'Canceled_Reversal',
      mc_gross: '19.99',
    });
  });

  it('applies overrides, and fields last: in place or appended', () => {
    const fields = samplePayPalIpnFields('subscr_payment', {
      txnId: 'TXN1',
      profileId: 'I-OTHER',
      amount: '4.50',
      currency: 'USD',
      payerEmail: 'x@example.com',
      receiverEmail: 'me@example.com',
      receiverId: 'ME00000000001',
      itemNumber: 'n1',
      test: true,
      fields: { payment_status: 'Pending', pending_reason: 'echeck' },
    });
    const byName = Object.fromEntries(fields);
    expect(byName).toMatchObject({
      txn_id: 'TXN1',
      subscr_id: 'I-OTHER',
      mc_gross: '4.50',
      mc_currency: 'USD',
      payment_gross: '4.50',
      payer_email: 'x@example.com',
      receiver_email: 'me@example.com',
      business: 'me@example.com',
      receiver_id: 'ME00000000001',
      item_number: 'n1',
      test_ipn: '1',
      payment_status: 'Pending',
    });
    const names = fields.map(([name]) => name);
    expect(names.indexOf('payment_status')).toBe(
      samplePayPalIpnFields('subscr_payment').findIndex(([name]) => name === 'payment_status'),
    );
    expect(names.at(-1)).toBe('pending_reason');
  });

  it('builds a web_accept-shaped message for a kind it does not know', () => {
    expect(Object.fromEntries(samplePayPalIpnFields('future_kind'))).toMatchObject({
      txn_type: 'future_kind',
      payment_status: 'Completed',
    });
  });
});
