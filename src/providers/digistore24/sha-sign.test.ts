import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { computeShaSign, NO_PASSPHRASE_SIGNATURE, verifyShaSign } from './sha-sign.js';
import type { ShaSignOptions } from './sha-sign.js';
import { loadDigistore24Fixture, signedParams } from './test-support/ipn-examples.js';

const fixture = loadDigistore24Fixture();

function sha512Upper(text: string): string {
  return createHash('sha512').update(text, 'utf8').digest('hex').toUpperCase();
}

function optionsFor(variant: string): ShaSignOptions {
  if (variant.startsWith('B')) return { upperCaseKeys: true };
  if (variant.startsWith('C')) return { htmlDecode: true };
  return {};
}

function workedExample(name: string) {
  const example = fixture.worked_examples.find((e) => e.name === name);
  if (!example) throw new Error(`no worked example ${name}`);
  return example;
}

describe('computeShaSign', () => {
  it('covers all five worked examples of the fixture', () => {
    expect(fixture.worked_examples.map((e) => e.name)).toEqual([
      'A-basic',
      'B-utf8-special',
      'B-utf8-special-uppercase-keys',
      'C-entity-raw',
      'C-entity-legacy-html-decoded',
    ]);
  });

  for (const example of fixture.worked_examples) {
    it(`reproduces worked example ${example.name} (variant ${example.variant})`, () => {
      expect(computeShaSign(example.params, example.passphrase, optionsFor(example.variant))).toBe(
        example.expected,
      );
    });
  }

  it('covers all nine example payloads of the fixture', () => {
    expect(fixture.example_payloads.items.map((item) => item.params['event'])).toEqual([
      'on_payment',
      'on_payment',
      'on_refund',
      'on_chargeback',
      'on_payment_missed',
      'on_rebill_cancelled',
      'last_paid_day',
      'on_affiliation',
      'connection_test',
    ]);
  });

  for (const item of fixture.example_payloads.items) {
    it(`reproduces the sha_sign of ${item.title}`, () => {
      expect(computeShaSign(item.params, fixture.example_payloads.passphrase)).toBe(item.sha_sign);
    });
  }

  it('hashes name=value+passphrase per non-empty field in byte order of the names', () => {
    const fields = {
      tag2: 'c',
      alpha: 'a',
      tag10: 'b',
      Zeta: 'z',
      placeholder_TITLE: 'T',
      placeholder_name: 'n',
      tag1: '0',
      empty: '',
    };
    const expected = sha512Upper(
      'Zeta=zp' +
        'alpha=ap' +
        'placeholder_TITLE=Tp' +
        'placeholder_name=np' +
        'tag1=0p' +
        'tag10=bp' +
        'tag2=cp',
    );
    expect(computeShaSign(fields, 'p')).toBe(expected);
  });

  it('sorts by UTF-8 bytes, not UTF-16 code units, when a name holds a character beyond U+FFFF', () => {
    // U+FF21 (EF BC A1) sorts before U+1F600 (F0 9F 98 80) in bytes, after it in code units.
    const fields = { 'x\u{1F600}': 'emoji', 'x\uFF21': 'fullwidth', x: 'plain' };
    const expected = sha512Upper('x=plainp' + 'x\uFF21=fullwidthp' + 'x\u{1F600}=emojip');
    expect(computeShaSign(fields, 'p')).toBe(expected);
  });

  it('sorts and writes upper-cased names in variant B, breaking ties by the original name', () => {
    const fields = { order_id: 'X', orderform_id: '1', a: 'lower', A: 'upper' };
    const expected = sha512Upper('A=upperp' + 'A=lowerp' + 'ORDERFORM_ID=1p' + 'ORDER_ID=Xp');
    expect(computeShaSign(fields, 'p', { upperCaseKeys: true })).toBe(expected);
  });

  it('hashes each body in its own names’ order when the bodies before it had other names or orders', () => {
    // The sorted names are kept for the next body with the same names in the same order.
    const a = { b: '2', a: '1', c: '3' };
    const reordered = { a: 'x', c: 'z', b: 'y' };
    const fewer = { b: '2', a: '1' };
    const signatureFirst = { sha_sign: 'S', b: '2', a: '1', c: '3' };
    for (const upperCaseKeys of [false, true]) {
      const options = { upperCaseKeys };
      const name = (n: string): string => (upperCaseKeys ? n.toUpperCase() : n);
      expect(computeShaSign(a, 'p', options)).toBe(
        sha512Upper(`${name('a')}=1p${name('b')}=2p${name('c')}=3p`),
      );
      expect(computeShaSign({ ...a, c: '9' }, 'p', options)).toBe(
        sha512Upper(`${name('a')}=1p${name('b')}=2p${name('c')}=9p`),
      );
      expect(computeShaSign(reordered, 'p', options)).toBe(
        sha512Upper(`${name('a')}=xp${name('b')}=yp${name('c')}=zp`),
      );
      expect(computeShaSign(fewer, 'p', options)).toBe(
        sha512Upper(`${name('a')}=1p${name('b')}=2p`),
      );
      expect(computeShaSign(signatureFirst, 'p', options)).toBe(computeShaSign(a, 'p', options));
      expect(computeShaSign({ b: '2', a: '1', d: '3' }, 'p', options)).toBe(
        sha512Upper(`${name('a')}=1p${name('b')}=2p${name('d')}=3p`),
      );
    }
  });

  it('upper-cases only ASCII letters in variant B, like PHP 8 strtoupper', () => {
    expect(computeShaSign({ straße: 'x' }, 'p', { upperCaseKeys: true })).toBe(
      sha512Upper('STRAßE=xp'),
    );
  });

  it('ignores sha_sign and SHASIGN but counts every other field', () => {
    const base = { event: 'connection_test', api_mode: 'live' };
    const plain = computeShaSign(base, 'p');
    expect(computeShaSign({ ...base, sha_sign: 'A', SHASIGN: 'B' }, 'p')).toBe(plain);
    expect(computeShaSign({ ...base, Sha_Sign: 'A' }, 'p')).not.toBe(plain);
  });

  it('decodes entities only when they end with ";" in variant C, as PHP html_entity_decode does', () => {
    expect(computeShaSign({ a: 'x &amp y &quot;z&#039;' }, 'p', { htmlDecode: true })).toBe(
      sha512Upper(`a=x &amp y "z'p`),
    );
  });

  it('skips a value that is empty only after HTML decoding in variant C', () => {
    expect(computeShaSign({ a: '1', b: '' }, 'p', { htmlDecode: true })).toBe(sha512Upper('a=1p'));
  });

  it(`returns ${NO_PASSPHRASE_SIGNATURE} for an empty passphrase (and "0", which PHP treats as empty)`, () => {
    expect(computeShaSign({ event: 'on_payment' }, '')).toBe('no_signature_passphrase_provided');
    expect(computeShaSign({ event: 'on_payment' }, '0')).toBe('no_signature_passphrase_provided');
  });
});

describe('verifyShaSign', () => {
  const passphrase = fixture.example_payloads.passphrase;
  const payment = fixture.example_payloads.items[0];
  if (!payment) throw new Error('fixture has no payloads');
  const signed = signedParams(payment);

  for (const item of fixture.example_payloads.items) {
    it(`accepts ${item.title} as variant A`, () => {
      expect(verifyShaSign(signedParams(item), passphrase)).toMatchObject({
        ok: true,
        variant: 'A',
      });
    });
  }

  it('accepts the fields in any order', () => {
    const reversed = Object.fromEntries(Object.entries(signed).reverse());
    expect(Object.keys(reversed)[0]).toBe('sha_sign');
    expect(verifyShaSign(reversed, passphrase)).toMatchObject({ ok: true, variant: 'A' });
  });

  it('accepts lower-case hex', () => {
    expect(
      verifyShaSign({ ...signed, sha_sign: payment.sha_sign.toLowerCase() }, passphrase),
    ).toMatchObject({ ok: true, variant: 'A' });
  });

  it('accepts the upper-case spelling SHASIGN', () => {
    const { sha_sign: signature, ...rest } = signed;
    expect(signature).toBe(payment.sha_sign);
    expect(verifyShaSign({ ...rest, SHASIGN: payment.sha_sign }, passphrase)).toMatchObject({
      ok: true,
      variant: 'A',
    });
  });

  it('accepts variant B (upper-case keys)', () => {
    const example = workedExample('B-utf8-special-uppercase-keys');
    expect(
      verifyShaSign({ ...example.params, sha_sign: example.expected }, example.passphrase),
    ).toMatchObject({ ok: true, variant: 'B' });
  });

  it('accepts variant C (legacy HTML-decoded values) for a value with &amp; only when asked to, with the decoded values as signed', () => {
    const example = workedExample('C-entity-legacy-html-decoded');
    expect(example.params['address_last_name']).toBe('Müller &amp; Söhne');
    const fields = { ...example.params, sha_sign: example.expected };
    expect(verifyShaSign(fields, example.passphrase)).toEqual({
      ok: false,
      code: 'SIGNATURE_INVALID',
      reason: 'sha_sign does not match the configured passphrase',
    });
    const verdict = verifyShaSign(fields, example.passphrase, { legacyHtmlDecoding: true });
    expect(verdict).toMatchObject({ ok: true, variant: 'C' });
    if (!verdict.ok) return;
    expect(verdict.signedFields['address_last_name']).toBe('Müller & Söhne');
    expect(verdict.signedFields['sha_sign']).toBe(undefined);
  });

  it("gives variant B's signed fields with lower-cased names, and refuses two signed values under one name", () => {
    const example = workedExample('B-utf8-special-uppercase-keys');
    const verdict = verifyShaSign(
      { ...example.params, sha_sign: example.expected },
      example.passphrase,
    );
    expect(verdict).toMatchObject({ ok: true, variant: 'B' });
    if (!verdict.ok) return;
    expect(Object.keys(verdict.signedFields).sort()).toEqual(
      Object.keys(example.params)
        .map((n) => n.toLowerCase())
        .sort(),
    );
    const signedUpper = (params: Record<string, string>) => ({
      ...params,
      sha_sign: computeShaSign(params, 'p', { upperCaseKeys: true }),
    });
    expect(
      verifyShaSign(signedUpper({ order_id: 'A', ORDER_ID: 'B', event: 'on_payment' }), 'p'),
    ).toEqual({
      ok: false,
      code: 'DUPLICATE_FIELD',
      reason: 'two fields differ only in the case of their names',
    });
    const withEmpty = verifyShaSign(
      signedUpper({ ORDER_ID: '', order_id: 'A', event: 'on_payment' }),
      'p',
    );
    expect(withEmpty).toMatchObject({
      ok: true,
      variant: 'B',
      signedFields: { order_id: 'A', event: 'on_payment' },
    });
  });

  it('accepts a value with &amp; hashed literally as variant A', () => {
    const example = workedExample('C-entity-raw');
    const verdict = verifyShaSign(
      { ...example.params, sha_sign: example.expected },
      example.passphrase,
      { legacyHtmlDecoding: true },
    );
    expect(verdict).toMatchObject({ ok: true, variant: 'A' });
    expect(verdict.ok && verdict.signedFields['address_last_name']).toBe('Müller &amp; Söhne');
  });

  const invalid = {
    ok: false,
    code: 'SIGNATURE_INVALID',
    reason: 'sha_sign does not match the configured passphrase',
  };

  it('rejects one changed value', () => {
    expect(verifyShaSign({ ...signed, amount: '9.70' }, passphrase)).toEqual(invalid);
  });

  it('rejects an added field (every field counts, no whitelist)', () => {
    expect(verifyShaSign({ ...signed, extra: 'x' }, passphrase)).toEqual(invalid);
  });

  it('treats an empty value as absent: emptying an empty field keeps the signature valid, emptying a filled one does not', () => {
    expect(verifyShaSign({ ...signed, voucher_code: '' }, passphrase)).toMatchObject({
      ok: true,
      variant: 'A',
    });
    expect(verifyShaSign({ ...signed, custom: '' }, passphrase)).toEqual(invalid);
  });

  it('rejects the wrong passphrase', () => {
    expect(verifyShaSign(signed, `${passphrase}x`)).toEqual(invalid);
  });

  it('rejects a signature that is not 128 hex digits', () => {
    expect(verifyShaSign({ ...signed, sha_sign: payment.sha_sign.slice(1) }, passphrase)).toEqual(
      invalid,
    );
    expect(
      verifyShaSign({ ...signed, sha_sign: `${payment.sha_sign.slice(1)}G` }, passphrase),
    ).toEqual(invalid);
    expect(verifyShaSign({ ...signed, sha_sign: ` ${payment.sha_sign}` }, passphrase)).toEqual(
      invalid,
    );
  });

  it('rejects a missing or empty sha_sign as SIGNATURE_MISSING', () => {
    const missing = {
      ok: false,
      code: 'SIGNATURE_MISSING',
      reason: 'the notification has no sha_sign field',
    };
    expect(verifyShaSign(payment.params, passphrase)).toEqual(missing);
    expect(verifyShaSign({ ...payment.params, sha_sign: '' }, passphrase)).toEqual(missing);
  });

  it(`rejects ${NO_PASSPHRASE_SIGNATURE} as SIGNATURE_NOT_CONFIGURED`, () => {
    expect(
      verifyShaSign(
        { ...payment.params, sha_sign: 'no_signature_passphrase_provided' },
        passphrase,
      ),
    ).toEqual({
      ok: false,
      code: 'SIGNATURE_NOT_CONFIGURED',
      reason:
        'Digistore24 sent no signature: set the IPN passphrase in the Digistore24 IPN connection',
    });
  });

  it('rejects everything when the source has no passphrase', () => {
    expect(verifyShaSign(signed, '')).toEqual({
      ok: false,
      code: 'SIGNATURE_NOT_CONFIGURED',
      reason: 'no IPN passphrase is configured for this source',
    });
  });
});
