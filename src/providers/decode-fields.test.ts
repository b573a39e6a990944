import { describe, expect, it } from 'vitest';
import { providers } from './registry.js';

const body = (text: string) => Buffer.from(text, 'latin1');

describe('Provider.decodeFields', () => {
  it('digistore24: form fields in body order, + and %-escapes decoded as UTF-8, values exactly as signed', () => {
    const decoded = providers.digistore24.decodeFields(
      body(
        'event=on_payment&address_street=Musterstra%C3%9Fe+5&order_id=%26%2379%3BRDX7&sha_sign=AB12',
      ),
    );
    expect(decoded).toEqual({
      ok: true,
      fields: [
        { name: 'event', value: 'on_payment' },
        { name: 'address_street', value: 'Musterstraße 5' },
        // HTML entities are not decoded: people see the value that was signed.
        { name: 'order_id', value: '&#79;RDX7' },
        { name: 'sha_sign', value: 'AB12' },
      ],
      charset: { name: 'utf-8', basis: 'provider' },
    });
  });

  it('digistore24: a body it cannot decode gives the reason', () => {
    expect(providers.digistore24.decodeFields(body('a=%ZZ'))).toEqual({
      ok: false,
      reason: 'invalid percent escape at byte 2',
    });
    expect(providers.digistore24.decodeFields(body('a=1&a=2'))).toMatchObject({
      ok: false,
      reason: expect.stringContaining('"a"'),
    });
  });

  it('paypal-ipn: decodes in the charset the message names, windows-1252 without one', () => {
    const named = providers['paypal-ipn'].decodeFields(
      body('charset=windows-1252&item_name=Kurs+%96+Basis&first_name=J%FCrgen'),
    );
    expect(named).toEqual({
      ok: true,
      fields: [
        { name: 'charset', value: 'windows-1252' },
        { name: 'item_name', value: 'Kurs – Basis' },
        { name: 'first_name', value: 'Jürgen' },
      ],
      charset: { name: 'windows-1252', basis: 'message' },
    });
    expect(providers['paypal-ipn'].decodeFields(body('first_name=J%FCrgen'))).toEqual({
      ok: true,
      fields: [{ name: 'first_name', value: 'Jürgen' }],
      charset: { name: 'windows-1252', basis: 'assumed' },
    });
    expect(
      providers['paypal-ipn'].decodeFields(body('charset=UTF-8&first_name=J%C3%BCrgen')),
    ).toMatchObject({
      ok: true,
      fields: [{ name: 'charset' }, { name: 'first_name', value: 'Jürgen' }],
      charset: { name: 'utf-8', basis: 'message' },
    });
    expect(providers['paypal-ipn'].decodeFields(body('charset=klingon&a=1'))).toEqual({
      ok: false,
      reason: 'charset "klingon" is not supported',
    });
  });

  it('paypal-webhooks: the JSON envelope flattened to dot paths, in document order', () => {
    const json = {
      id: 'WH-1',
      event_type: 'PAYMENT.CAPTURE.COMPLETED',
      resource: {
        amount: { value: '10.00', currency_code: 'EUR' },
        links: [{ href: 'https://api.paypal.com/x' }],
        note: null,
        final: true,
      },
    };
    expect(providers['paypal-webhooks'].decodeFields(Buffer.from(JSON.stringify(json)))).toEqual({
      ok: true,
      fields: [
        { name: 'id', value: 'WH-1' },
        { name: 'event_type', value: 'PAYMENT.CAPTURE.COMPLETED' },
        { name: 'resource.amount.value', value: '10.00' },
        { name: 'resource.amount.currency_code', value: 'EUR' },
        { name: 'resource.links.0.href', value: 'https://api.paypal.com/x' },
        { name: 'resource.note', value: '' },
        { name: 'resource.final', value: 'true' },
      ],
      charset: { name: 'utf-8', basis: 'provider' },
    });
    expect(providers['paypal-webhooks'].decodeFields(body('event=on_payment'))).toMatchObject({
      ok: false,
      reason: expect.stringContaining('not JSON'),
    });
  });
});
