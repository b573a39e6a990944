import { describe, expect, it } from 'vitest';
import { parseIpnBody } from './ipn-body.js';
import type { IpnBodyResult } from './ipn-body.js';
import { fixtureBody, fixtureNamed, loadPayPalIpnFixtures } from './test-support/ipn-fixtures.js';

const fixtures = loadPayPalIpnFixtures();

function parse(body: string): IpnBodyResult {
  return parseIpnBody(Buffer.from(body, 'latin1'));
}

function fieldsOf(body: string): Record<string, string> {
  const result = parse(body);
  if (!result.ok) throw new Error(`${result.code}: ${result.reason}`);
  return { ...result.fields };
}

describe('parseIpnBody', () => {
  it('parses every fixture', () => {
    for (const fixture of fixtures)
      expect(parseIpnBody(fixtureBody(fixture)).ok, fixture.name).toBe(true);
  });

  it('decodes windows-1252 bytes, + as space, and keeps & and = inside custom', () => {
    const result = parseIpnBody(fixtureBody(fixtureNamed(fixtures, 'web-accept-windows-1252')));
    expect(result).toMatchObject({ ok: true, charset: 'windows-1252', charsetDeclared: true });
    if (!result.ok) return;
    expect(result.fields['first_name']).toBe('Jörg');
    expect(result.fields['address_street']).toBe('Hauptstraße 12');
    expect(result.fields['item_name']).toBe('Online-Kurs – Preis 19 €');
    expect(result.fields['custom']).toBe('website_id=13&user_id=21');
    expect(result.fields['payment_date']).toBe('10:15:02 May 14, 2024 PDT');
    expect(result.fields['address_state']).toBe('');
    expect(result.order.slice(0, 3)).toEqual([
      'mc_gross',
      'protection_eligibility',
      'address_status',
    ]);
    expect(result.order.length).toBe(Object.keys(result.fields).length);
  });

  it('decodes UTF-8 bytes and %20 when the message says charset=UTF-8', () => {
    const result = parseIpnBody(fixtureBody(fixtureNamed(fixtures, 'web-accept-utf-8')));
    expect(result).toMatchObject({ ok: true, charset: 'utf-8' });
    if (!result.ok) return;
    expect(result.fields['first_name']).toBe('Jörg');
    expect(result.fields['payer_business_name']).toBe('Müller & Söhne GmbH');
    expect(result.fields['item_name']).toBe('E-Book „Praxis“ € Edition');
    expect(result.fields['address_street']).toBe('Hauptstraße 12\r\nHinterhaus');
    expect(result.fields['contact_phone']).toBe('+49 221 123456');
  });

  it('assumes windows-1252 when there is no charset field', () => {
    const result = parseIpnBody(fixtureBody(fixtureNamed(fixtures, 'express-checkout-no-charset')));
    expect(result).toMatchObject({ ok: true, charset: 'windows-1252', charsetDeclared: false });
    if (result.ok) expect(result.fields['first_name']).toBe('Jörg');
  });

  it('reads the same byte differently by charset: %F6 is ö in windows-1252 and invalid in UTF-8', () => {
    expect(fieldsOf('first_name=J%F6rg&charset=windows-1252')['first_name']).toBe('Jörg');
    expect(parse('first_name=J%F6rg&charset=UTF-8')).toEqual({
      ok: false,
      code: 'MALFORMED_BODY',
      reason: 'the pair at byte 0 is not valid utf-8',
    });
    expect(fieldsOf('first_name=J%C3%B6rg&charset=windows-1252')['first_name']).toBe('JÃ¶rg');
  });

  it('decodes %80 as the euro sign under every label WHATWG maps to windows-1252', () => {
    for (const label of [
      'windows-1252',
      'Windows-1252',
      'iso-8859-1',
      'latin1',
      'us-ascii',
      'cp1252',
    ]) {
      expect(fieldsOf(`a=%80%9F&charset=${label}`)['a'], label).toBe('€Ÿ');
    }
  });

  it('decodes other charsets the platform knows', () => {
    expect(fieldsOf('a=%A3&charset=iso-8859-2')['a']).toBe('Ł');
    expect(fieldsOf('a=%E4&charset=windows-1251')['a']).toBe('д');
  });

  it('rejects an unknown charset, and charsets that are not ASCII-compatible', () => {
    expect(parse('txn_type=web_accept&charset=klingon')).toEqual({
      ok: false,
      code: 'UNSUPPORTED_CHARSET',
      reason: 'charset "klingon" is not supported',
    });
    expect(parse('txn_type=web_accept&charset=UTF-16')).toMatchObject({
      ok: false,
      code: 'UNSUPPORTED_CHARSET',
    });
    expect(parse('txn_type=web_accept&charset=iso-2022-kr')).toMatchObject({
      ok: false,
      code: 'UNSUPPORTED_CHARSET',
    });
    expect(parse('txn_type=web_accept&charset=')).toMatchObject({
      ok: false,
      code: 'UNSUPPORTED_CHARSET',
    });
  });

  it('rejects bad percent escapes', () => {
    expect(parse('a=%ZZ')).toEqual({
      ok: false,
      code: 'MALFORMED_BODY',
      reason: 'invalid percent escape at byte 2',
    });
    expect(parse('a=1&b=%E')).toEqual({
      ok: false,
      code: 'MALFORMED_BODY',
      reason: 'invalid percent escape at byte 6',
    });
    expect(parse('a=%4&b=1')).toEqual({
      ok: false,
      code: 'MALFORMED_BODY',
      reason: 'invalid percent escape at byte 2',
    });
  });

  it('rejects raw bytes outside printable ASCII, an empty name', () => {
    expect(parse('a=J\xf6rg')).toEqual({
      ok: false,
      code: 'MALFORMED_BODY',
      reason: 'unencoded byte 0xf6 at byte 3',
    });
    expect(parse('a=b c')).toEqual({
      ok: false,
      code: 'MALFORMED_BODY',
      reason: 'unencoded byte 0x20 at byte 3',
    });
    expect(parse('=x')).toEqual({
      ok: false,
      code: 'MALFORMED_BODY',
      reason: 'empty field name at byte 0',
    });
  });

  it('rejects a field that occurs twice, also when only the decoded names are equal', () => {
    expect(parse('txn_id=1&txn_id=2')).toEqual({
      ok: false,
      code: 'DUPLICATE_FIELD',
      reason: 'field "txn_id" occurs more than once',
    });
    expect(parse('txn_id=1&txn%5Fid=2')).toMatchObject({ ok: false, code: 'DUPLICATE_FIELD' });
  });

  it('skips empty pairs and reads a name without = as an empty value', () => {
    expect(fieldsOf('&a=1&&b&c=x=y&')).toEqual({ a: '1', b: '', c: 'x=y' });
  });

  it('parses an empty body to no fields', () => {
    expect(parse('')).toEqual({
      ok: true,
      fields: {},
      order: [],
      charset: 'windows-1252',
      charsetDeclared: false,
    });
  });

  it('keeps a field named __proto__ as a plain field', () => {
    const result = parse('__proto__=x&a=1');
    expect(result.ok).toBe(true);
    if (result.ok)
      expect(Object.entries(result.fields)).toEqual([
        ['__proto__', 'x'],
        ['a', '1'],
      ]);
  });
});
