import { describe, expect, it } from 'vitest';
import { parseFormBody } from '../../lib/form-body.js';
import { normalizeDigistore24 } from './normalize.js';
import { verifyShaSign } from './sha-sign.js';
import {
  DIGISTORE24_SAMPLE_EVENTS,
  encodeDigistore24Body,
  sampleDigistore24Fields,
  signDigistore24Fields,
} from './sign-request.js';
import { loadDigistore24Fixture } from './test-support/ipn-examples.js';

const passphrase = 'sample-passphrase';

function decode(body: string): Record<string, string> {
  const parsed = parseFormBody(Buffer.from(body, 'utf8'));
  if (!parsed.ok) throw new Error(parsed.reason);
  return { ...parsed.fields };
}

describe('signDigistore24Fields', () => {
  it('appends the sha_sign of the fixture (worked example A)', () => {
    const example = loadDigistore24Fixture().worked_examples[0];
    if (!example) throw new Error('no worked example');
    const signed = signDigistore24Fields(example.params, example.passphrase);
    expect(signed['sha_sign']).toBe(example.expected);
    expect(Object.keys(signed).at(-1)).toBe('sha_sign');
    expect(Object.keys(signed)).toHaveLength(Object.keys(example.params).length);
  });

  it('replaces an old sha_sign or SHASIGN', () => {
    const signed = signDigistore24Fields(
      { event: 'connection_test', SHASIGN: 'old', sha_sign: 'old' },
      passphrase,
    );
    expect(Object.keys(signed)).toEqual(['event', 'sha_sign']);
    expect(verifyShaSign(signed, passphrase)).toMatchObject({ ok: true, variant: 'A' });
  });
});

describe('encodeDigistore24Body', () => {
  it('form-encodes UTF-8, spaces as + and reserved characters', () => {
    const body = encodeDigistore24Body(
      { event: 'on_refund', name: 'Müller & Söhne', custom: 'a=b+c' },
      passphrase,
    );
    expect(
      body.startsWith('event=on_refund&name=M%C3%BCller+%26+S%C3%B6hne&custom=a%3Db%2Bc&sha_sign='),
    ).toBe(true);
    expect(verifyShaSign(decode(body), passphrase)).toMatchObject({ ok: true, variant: 'A' });
  });
});

describe('sampleDigistore24Fields', () => {
  const expectedTypes = {
    on_payment: 'payment',
    on_refund: 'refund',
    on_chargeback: 'chargeback',
    on_payment_missed: 'payment_missed',
    payment_denial: 'payment_denied',
    on_rebill_cancelled: 'rebill_cancelled',
    on_rebill_resumed: 'rebill_resumed',
    last_paid_day: 'last_paid_day',
    on_affiliation: 'affiliation',
    connection_test: 'connection_test',
  } as const;

  for (const event of DIGISTORE24_SAMPLE_EVENTS) {
    it(`builds a signed ${event} that verifies and normalizes to ${expectedTypes[event]}`, () => {
      const fields = decode(encodeDigistore24Body(sampleDigistore24Fields(event), passphrase));
      expect(fields['event']).toBe(event);
      expect(verifyShaSign(fields, passphrase)).toMatchObject({ ok: true, variant: 'A' });
      const normalized = normalizeDigistore24(fields);
      expect(normalized.kind).toBe('events');
      if (normalized.kind !== 'events') return;
      expect(normalized.events.map((e) => e.type)).toEqual([expectedTypes[event]]);
    });
  }

  it('builds a full order payload like the example payloads of docs/protocols/digistore24.md#example-payloads, empty fields included', () => {
    const fields = sampleDigistore24Fields('on_payment');
    expect(Object.keys(fields).length).toBeGreaterThanOrEqual(60);
    expect(fields).toMatchObject({
      event: 'on_payment',
      event_label: 'payment',
      order_id: 'K7QX2M9P',
      product_id: '543210',
      billing_type: 'single_payment',
      pay_sequence_no: '0',
      amount: '97.00',
      amount_netto: '81.51',
      amount_vat: '15.49',
      address_street: 'Musterstraße 5',
      address_company: '',
      transaction_id: '91000001',
      transaction_type: 'payment',
      api_mode: 'live',
    });
  });

  it('matches the dedup keys of the fixture examples by default', () => {
    const key = (event: string) => {
      const result = normalizeDigistore24(sampleDigistore24Fields(event));
      return result.kind === 'events' ? result.events[0]?.dedupKey : result.kind;
    };
    expect(key('on_payment')).toBe('ds24:K7QX2M9P:on_payment:91000001');
    expect(key('on_refund')).toBe('ds24:K7QX2M9P:on_refund:91000333');
    expect(key('on_rebill_cancelled')).toBe(
      'ds24:R3TW8N2D:on_rebill_cancelled:1:2024-05-10 20:15:00',
    );
    expect(key('on_affiliation')).toBe('ds24:affiliation:maxpartner:543210');
  });

  it('applies every override', () => {
    const fields = sampleDigistore24Fields('on_payment', {
      orderId: 'ORDER123',
      productId: '999',
      email: 'x@example.org',
      transactionId: 'T1',
      paySequenceNo: 3,
      billingType: 'installment',
      amount: '119.00',
      currency: 'USD',
      language: 'de',
      test: true,
      upsellNo: 2,
    });
    expect(fields).toMatchObject({
      order_id: 'ORDER123',
      product_id: '999',
      email: 'x@example.org',
      buyer_email: 'x@example.org',
      transaction_id: 'T1',
      pay_sequence_no: '3',
      billing_type: 'installment',
      amount: '119.00',
      amount_netto: '100.00',
      amount_vat: '19.00',
      currency: 'USD',
      transaction_currency: 'USD',
      language: 'de',
      product_language: 'de',
      buyer_language: 'de',
      api_mode: 'test',
      pay_method: 'test',
      upsell_no: '2',
    });
    const result = normalizeDigistore24(fields);
    if (result.kind !== 'events') throw new Error(result.kind);
    expect(result.events[0]).toMatchObject({
      test: true,
      order: {
        id: 'ORDER123',
        amount: 11900,
        currency: 'USD',
        billingType: 'installment',
        paySequenceNo: 3,
        items: [{ productId: '999', isAddon: true }],
      },
      subscription: { id: 'ORDER123', status: 'active' },
      dedupKey: 'ds24:ORDER123:on_payment:T1',
    });
  });

  it('gives subscription events no transaction unless one is asked for', () => {
    expect(sampleDigistore24Fields('on_payment_missed')['transaction_id']).toBe(undefined);
    expect(
      sampleDigistore24Fields('on_payment_missed', { transactionId: 'T9' })['transaction_id'],
    ).toBe('T9');
  });

  it('builds an order-shaped set for an unknown event, which normalize ignores', () => {
    const fields = sampleDigistore24Fields('eticket');
    expect(fields['event']).toBe('eticket');
    expect(normalizeDigistore24(fields).kind).toBe('ignored');
  });

  it('dates every field from `at` (Berlin wall time), so the event occurs then', () => {
    const at = new Date('2026-01-31T22:30:05.250Z');
    const payment = sampleDigistore24Fields('on_payment', { billingType: 'subscription', at });
    expect(payment).toMatchObject({
      transaction_date: '2026-01-31',
      transaction_time: '23:30:05',
      order_date: '2026-01-31',
      order_time: '23:30:05',
      order_date_time: '2026-01-31 23:30:05',
      next_payment_at: '2026-02-28',
    });
    const cancelled = sampleDigistore24Fields('on_rebill_cancelled', { at });
    expect(cancelled['rebill_stop_noted_at']).toBe('2026-01-31 23:30:05');
    for (const fields of [payment, cancelled, sampleDigistore24Fields('on_refund', { at })]) {
      const result = normalizeDigistore24(fields);
      if (result.kind !== 'events') throw new Error(result.kind);
      expect(result.events[0]?.occurredAt).toBe('2026-01-31T22:30:05.000Z');
    }
    // A later instant gives a later event and, for a cancellation, a new fact.
    const later = normalizeDigistore24(
      sampleDigistore24Fields('on_rebill_cancelled', { at: new Date('2026-02-01T08:00:00Z') }),
    );
    const earlier = normalizeDigistore24(cancelled);
    if (later.kind !== 'events' || earlier.kind !== 'events') throw new Error('not events');
    expect(later.events[0]?.dedupKey).not.toBe(earlier.events[0]?.dedupKey);
  });

  it('is deterministic', () => {
    expect(sampleDigistore24Fields('on_chargeback', { amount: '10.00' })).toEqual(
      sampleDigistore24Fields('on_chargeback', { amount: '10.00' }),
    );
  });
});
