import { describe, expect, it } from 'vitest';
import { parseMajorAmount } from './amount-input.js';

describe('parseMajorAmount', () => {
  it('reads a decimal comma or point with the currency’s decimals', () => {
    expect(parseMajorAmount('12,50', 'EUR')).toBe(1250);
    expect(parseMajorAmount(' 12.5 ', 'eur')).toBe(1250);
    expect(parseMajorAmount('7', 'ILS')).toBe(700);
    expect(parseMajorAmount('500', 'JPY')).toBe(500);
    expect(parseMajorAmount('1.234', 'BHD')).toBe(1234);
  });

  it('refuses what is not a positive amount of that currency', () => {
    for (const text of ['', '0', '0,00', '-5', '12,505', '1.250,00', '12 50', 'abc', '5.5']) {
      expect(parseMajorAmount(text, text === '5.5' ? 'JPY' : 'EUR'), text).toBeNull();
    }
  });
});
