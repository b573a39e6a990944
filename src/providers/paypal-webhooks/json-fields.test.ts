import { describe, expect, it } from 'vitest';
import { isoDate, isoTime, money, text } from './json-fields.js';

describe('json-fields', () => {
  it('reads RFC 3339 times as UTC ISO strings and refuses anything else', () => {
    expect(isoTime('2015-05-18T15:45:13Z')).toBe('2015-05-18T15:45:13.000Z');
    expect(isoTime('2018-08-15T12:13:29-07:00')).toBe('2018-08-15T19:13:29.000Z');
    expect(isoTime('2019-02-14T21:50:07.940Z')).toBe('2019-02-14T21:50:07.940Z');
    expect(isoTime('2018-19-12T22:20:32.000Z')).toBe(null);
    expect(isoTime('2018-02-30T00:00:00Z')).toBe(null);
    expect(isoTime('May 18 2015')).toBe(null);
    expect(isoTime(1431963913)).toBe(null);
    expect(isoDate('2019-01-01T00:20:49Z')).toBe('2019-01-01');
  });

  it('reads v1 and v2 money objects in minor units', () => {
    expect(money({ currency_code: 'EUR', value: '97.00' })).toEqual({
      currency: 'EUR',
      minor: 9700,
    });
    expect(money({ currency: 'USD', total: '-0.49' })).toEqual({ currency: 'USD', minor: -49 });
    expect(money({ value: '1500' }, 'JPY')).toEqual({ currency: 'JPY', minor: 1500 });
    expect(money({ currency_code: 'EUR' })).toBe(null);
    expect(money('97.00')).toBe(null);
  });

  it('treats empty strings and other types as absent', () => {
    expect(text({ a: { b: '' } }, 'a', 'b')).toBe(null);
    expect(text({ a: [{ b: 'x' }] }, 'a', 0, 'b')).toBe('x');
    expect(text({ a: 5 }, 'a')).toBe('5');
    expect(text({ a: { b: 'x' } }, 'a')).toBe(null);
    expect(text(JSON.parse('{"__proto__":{"x":"y"}}'), 'x')).toBe(null);
  });
});
