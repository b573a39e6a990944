import { describe, expect, it } from 'vitest';
import { parseFormBody } from './form-body.js';
import type { FormBodyErrorCode } from './form-body.js';

function parse(body: string | Buffer) {
  return parseFormBody(typeof body === 'string' ? Buffer.from(body, 'utf8') : body);
}

function okFields(body: string | Buffer): { fields: Record<string, string>; order: string[] } {
  const result = parse(body);
  if (!result.ok) throw new Error(`expected ok, got ${result.code}: ${result.reason}`);
  return { fields: { ...result.fields }, order: result.order };
}

describe('parseFormBody', () => {
  it('treats an empty body as zero fields', () => {
    expect(okFields('')).toEqual({ fields: {}, order: [] });
  });

  it('decodes + as space, %XX once, and UTF-8', () => {
    const body =
      'event=on_refund&address_first_name=J%C3%B6rg&address_last_name=M%C3%BCller+%26+S%C3%B6hne' +
      '&custom=crm%3D42%3Bsrc%3Dfb%2Bads&double=%2541&placeholder_TITLE=Basic';
    expect(okFields(body)).toEqual({
      fields: {
        event: 'on_refund',
        address_first_name: 'Jörg',
        address_last_name: 'Müller & Söhne',
        custom: 'crm=42;src=fb+ads',
        double: '%41',
        placeholder_TITLE: 'Basic',
      },
      order: [
        'event',
        'address_first_name',
        'address_last_name',
        'custom',
        'double',
        'placeholder_TITLE',
      ],
    });
  });

  it('keeps the body order of the names', () => {
    expect(okFields('z=1&a=2&M=3').order).toEqual(['z', 'a', 'M']);
  });

  it('matches URLSearchParams on well-formed bodies', () => {
    const bodies = [
      'a=1&&b=2&',
      '&&&',
      'novalue&empty=&eq==x=y',
      'sp+ace=a+b+%20c',
      'umlaut=Stra%C3%9Fe&raw=Straße',
      'emoji=%F0%9F%98%80&mixed=%c3%a4',
      'bom=%EF%BB%BFx',
      'semi=a;b&question=?x',
    ];
    for (const body of bodies) {
      const expected: Record<string, string> = {};
      for (const [name, value] of new URLSearchParams(body)) expected[name] = value;
      expect(okFields(body).fields, body).toEqual(expected);
    }
  });

  it('keeps a leading byte-order mark inside a value', () => {
    expect(okFields('bom=%EF%BB%BFx').fields.bom).toBe('\uFEFFx');
  });

  it('reads a field without = as an empty value', () => {
    expect(okFields('flag&x=1')).toEqual({ fields: { flag: '', x: '1' }, order: ['flag', 'x'] });
  });

  it('stores __proto__ and constructor as plain fields', () => {
    const result = parse('__proto__=x&constructor=y');
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(Object.keys(result.fields)).toEqual(['__proto__', 'constructor']);
    expect(Object.getOwnPropertyDescriptor(result.fields, '__proto__')?.value).toBe('x');
    expect(Object.getOwnPropertyDescriptor(result.fields, 'constructor')?.value).toBe('y');
    expect(Object.getPrototypeOf(result.fields)).toBe(null);
  });

  it('reads raw UTF-8 bytes and escapes mixed in one value', () => {
    expect(okFields(Buffer.from('city=K%C3%B6ln-Mülheim+Süd&n%C3%A4me=x')).fields).toEqual({
      city: 'Köln-Mülheim Süd',
      näme: 'x',
    });
  });

  it('reads escapes that decode to ASCII as ASCII', () => {
    expect(okFields('email=a%40b.de&note=50%25+off').fields).toEqual({
      email: 'a@b.de',
      note: '50% off',
    });
  });

  it('reads bodies with many fields and long escaped values', () => {
    const names = Array.from({ length: 1000 }, (_, i) => `f${i}`);
    const long = 'ä'.repeat(5000);
    const body = `${names.map((name) => `${name}=${name}`).join('&')}&long=${encodeURIComponent(long)}`;
    const result = okFields(body);
    expect(result.order).toEqual([...names, 'long']);
    expect(result.fields.f999).toBe('f999');
    expect(result.fields.long).toBe(long);
  });

  it('handles 1 MB of & as zero fields', () => {
    expect(okFields(Buffer.alloc(1024 * 1024, '&'))).toEqual({ fields: {}, order: [] });
  });

  describe('rejects', () => {
    const cases: Array<[string, string | Buffer, FormBodyErrorCode, string]> = [
      ['a non-hex escape', 'a=%ZZ', 'MALFORMED_BODY', 'invalid percent escape at byte 2'],
      [
        'a truncated escape at the end',
        'a=%E4%',
        'MALFORMED_BODY',
        'invalid percent escape at byte 5',
      ],
      [
        'a one-digit escape before &',
        'a=%4&b=1',
        'MALFORMED_BODY',
        'invalid percent escape at byte 2',
      ],
      ['a bad escape in a name', 'x%G1=1', 'MALFORMED_BODY', 'invalid percent escape at byte 1'],
      [
        'a lone continuation byte',
        'b=1&a=%80',
        'MALFORMED_BODY',
        'the pair at byte 4 is not valid utf-8',
      ],
      [
        'a truncated multi-byte sequence',
        'a=%E4',
        'MALFORMED_BODY',
        'the pair at byte 0 is not valid utf-8',
      ],
      [
        'an overlong encoding',
        'a=%C0%AF',
        'MALFORMED_BODY',
        'the pair at byte 0 is not valid utf-8',
      ],
      [
        'an escaped UTF-16 surrogate',
        'a=%ED%A0%80',
        'MALFORMED_BODY',
        'the pair at byte 0 is not valid utf-8',
      ],
      [
        'a code point above U+10FFFF',
        'a=%F4%90%80%80',
        'MALFORMED_BODY',
        'the pair at byte 0 is not valid utf-8',
      ],
      [
        'invalid UTF-8 in a name',
        'ok=1&n%FF=1',
        'MALFORMED_BODY',
        'the pair at byte 5 is not valid utf-8',
      ],
      [
        'a raw latin-1 byte',
        Buffer.from([0x61, 0x3d, 0xe4]),
        'MALFORMED_BODY',
        'the pair at byte 0 is not valid utf-8',
      ],
      ['an empty name', 'a=1&=2', 'MALFORMED_BODY', 'empty field name at byte 4'],
      ['an empty name without value', 'a=1&=', 'MALFORMED_BODY', 'empty field name at byte 4'],
      ['a duplicate name', 'a=1&b=2&a=3', 'DUPLICATE_FIELD', 'field "a" occurs more than once'],
      [
        'a duplicate after decoding',
        'a=1&%61=2',
        'DUPLICATE_FIELD',
        'field "a" occurs more than once',
      ],
      [
        'a duplicate with empty values',
        'a&a=',
        'DUPLICATE_FIELD',
        'field "a" occurs more than once',
      ],
    ];
    for (const [label, body, code, reason] of cases) {
      it(label, () => {
        expect(parse(body)).toEqual({ ok: false, code, reason });
      });
    }

    it('refuses a charset the platform does not know or that is not ASCII-compatible', () => {
      const options = { charsetField: 'charset' };
      expect(parseFormBody(Buffer.from('charset=klingon&a=1'), options)).toEqual({
        ok: false,
        code: 'UNSUPPORTED_CHARSET',
        reason: 'charset "klingon" is not supported',
      });
      expect(parseFormBody(Buffer.from('a=1&charset=utf-16le'), options)).toMatchObject({
        ok: false,
        code: 'UNSUPPORTED_CHARSET',
      });
    });

    it('with escapedOnly, refuses raw bytes outside printable ASCII, a space and DEL included', () => {
      for (const [body, reason] of [
        ['a=b c', 'unencoded byte 0x20 at byte 3'],
        ['a=b\x7f', 'unencoded byte 0x7f at byte 3'],
        ['a=J\xf6rg', 'unencoded byte 0xf6 at byte 3'],
      ] as const) {
        expect(parseFormBody(Buffer.from(body, 'latin1'), { escapedOnly: true })).toEqual({
          ok: false,
          code: 'MALFORMED_BODY',
          reason,
        });
      }
      expect(parse('a=b c')).toMatchObject({ ok: true, fields: { a: 'b c' } });
    });

    it('quotes at most 64 characters of a long duplicate name', () => {
      const name = 'n'.repeat(100);
      expect(parse(`${name}=1&${name}=2`)).toEqual({
        ok: false,
        code: 'DUPLICATE_FIELD',
        reason: `field "${'n'.repeat(64)}…" occurs more than once`,
      });
    });
  });
});

describe('parseFormBody with a charset field', () => {
  const options = { charsetField: 'charset', defaultCharset: 'windows-1252' };

  it('reads the values in the charset the body names, wherever the field stands', () => {
    const result = parseFormBody(Buffer.from('first_name=J%C3%BCrgen&charset=UTF-8'), options);
    expect(result).toMatchObject({
      ok: true,
      fields: { first_name: 'Jürgen', charset: 'UTF-8' },
      charset: 'utf-8',
      charsetDeclared: true,
    });
  });

  it('uses the default without the field, and UTF-8 without options', () => {
    expect(parseFormBody(Buffer.from('item=Kurs+%96+Basis'), options)).toMatchObject({
      ok: true,
      fields: { item: 'Kurs – Basis' },
      charset: 'windows-1252',
      charsetDeclared: false,
    });
    expect(parseFormBody(Buffer.from('item=%C3%A4'))).toMatchObject({
      ok: true,
      fields: { item: 'ä' },
      charset: 'utf-8',
      charsetDeclared: false,
    });
  });

  it('finds the charset field under an escaped name and reads an escaped label', () => {
    expect(parseFormBody(Buffer.from('item=%C3%A4&%63harset=utf%2D8'), options)).toMatchObject({
      ok: true,
      fields: { item: 'ä', charset: 'utf-8' },
      charset: 'utf-8',
      charsetDeclared: true,
    });
  });

  it('reads every byte from 0x80 up in windows-1252, raw or escaped', () => {
    const body = Buffer.concat([
      Buffer.from('a=%80%9F%A0%FF&b='),
      Buffer.from([0x80, 0xe4]),
      Buffer.from('&charset=windows-1252'),
    ]);
    expect(parseFormBody(body, options)).toMatchObject({
      ok: true,
      fields: { a: '€Ÿ\u00a0ÿ', b: '€ä' },
    });
  });

  it('reads a pair in a stateful charset as a whole, escape sequences included', () => {
    // ISO-2022-JP: ESC $ B switches to JIS X 0208, so the ASCII bytes after it are one kanji;
    // bytes that are all ASCII still do not read as ASCII there.
    const body = Buffer.from('name=%1B%24B%3BR%1B%28B&plain=x&charset=iso-2022-jp');
    expect(parseFormBody(body, options)).toMatchObject({
      ok: true,
      fields: { name: '子', plain: 'x', charset: 'iso-2022-jp' },
      charset: 'iso-2022-jp',
    });
  });

  it('refuses bytes the named charset cannot hold', () => {
    expect(parseFormBody(Buffer.from('first_name=J%F6rg&charset=UTF-8'), options)).toEqual({
      ok: false,
      code: 'MALFORMED_BODY',
      reason: 'the pair at byte 0 is not valid utf-8',
    });
  });
});
