import { describe, expect, it } from 'vitest';
import { formatMoney, minorUnitDigits, parseMoney, rescaleFromDefault } from './money.js';

describe('parseMoney', () => {
  it.each([
    ['97.00', 'EUR', 9700],
    ['49', 'EUR', 4900],
    ['0.1', 'EUR', 10],
    ['29.99', 'USD', 2999],
    ['1,5', 'EUR', 150],
    ['-12.50', 'EUR', -1250],
    ['1000', 'JPY', 1000],
    ['1.234', 'KWD', 1234],
    ['0.005', 'EUR', 1],
    ['0.004', 'EUR', 0],
    [' 7.10 ', 'EUR', 710],
  ])('%s %s → %i', (input, currency, expected) => {
    expect(parseMoney(input, currency)).toBe(expected);
  });

  it.each(['', 'abc', '1.2.3', '1e5', null, undefined])('rejects %s', (input) => {
    expect(parseMoney(input, 'EUR')).toBeNull();
  });

  it('never goes through a float (0.1 + 0.2 style inputs stay exact)', () => {
    expect(parseMoney('0.30', 'EUR')).toBe(30);
    expect(parseMoney('1234567.89', 'EUR')).toBe(123456789);
  });
});

describe('formatMoney', () => {
  it('formats minor units by currency', () => {
    expect(formatMoney(9700, 'EUR')).toBe('97.00');
    expect(formatMoney(-5, 'EUR')).toBe('-0.05');
    expect(formatMoney(1000, 'JPY')).toBe('1000');
    expect(formatMoney(1234, 'KWD')).toBe('1.234');
    expect(minorUnitDigits(null)).toBe(2);
  });
});

describe('rescaleFromDefault', () => {
  it.each([
    ['-500', 'JPY'],
    ['500.50', 'JPY'],
    ['500.49', 'JPY'],
    ['19.99', 'EUR'],
    ['1.23', 'KWD'],
    ['-7', 'KWD'],
  ])(
    '%s read without a currency, then rescaled to %s, equals parsing it with the currency',
    (input, currency) => {
      const unknown = parseMoney(input);
      expect(unknown).not.toBeNull();
      expect(rescaleFromDefault(unknown ?? 0, currency)).toBe(parseMoney(input, currency));
    },
  );
});
