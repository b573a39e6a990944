import { describe, expect, it } from 'vitest';
import { createFormatters } from './format.js';

/** Intl separates some currency amounts with a no-break space; compare them as plain spaces. */
const plain = (text: string): string => text.replace(/[\u00a0\u202f]/g, ' ');

describe('formatters', () => {
  it('formats minor units with the currency’s own digits in each locale', () => {
    expect(plain(createFormatters('de-DE').money(1999, 'EUR'))).toBe('19,99 €');
    expect(plain(createFormatters('en-US').money(1999, 'EUR'))).toBe('€19.99');
    expect(plain(createFormatters('it-IT').money(123456, 'EUR'))).toBe('1234,56 €');
    expect(plain(createFormatters('en-US').money(500, 'JPY'))).toBe('¥500');
    expect(plain(createFormatters('en-US').money(1234, 'BHD'))).toBe('BHD 1.234');
    expect(plain(createFormatters('en-US').money(-250, 'usd'))).toBe('-$2.50');
  });

  it('formats shekel amounts for Hebrew', () => {
    const text = plain(createFormatters('he-IL').money(1999, 'ILS'));
    expect(text).toContain('19.99');
    expect(text).toContain('₪');
  });

  it('shows an amount with an unknown currency code as number and code', () => {
    expect(createFormatters('en-US').money(1999, 'X1')).toBe('19.99 X1');
  });

  it('formats instants in the given time zone and locale', () => {
    const de = createFormatters('de-DE', { timeZone: 'Europe/Berlin' });
    expect(de.dateTime('2026-05-14T09:12:45Z')).toBe('14.05.2026, 11:12');
    expect(de.date('2026-05-14T23:30:00Z')).toBe('15.05.2026');
    const en = createFormatters('en-US', { timeZone: 'America/New_York' });
    expect(en.dateTime('2026-05-14T09:12:45Z')).toBe('May 14, 2026, 5:12 AM');
  });

  it('shows a calendar date as the same day in every time zone', () => {
    expect(
      createFormatters('en-US', { timeZone: 'America/Los_Angeles' }).calendarDate('2026-06-14'),
    ).toBe('Jun 14, 2026');
    expect(
      createFormatters('de-DE', { timeZone: 'Pacific/Kiritimati' }).calendarDate('2026-06-14'),
    ).toBe('14.06.2026');
    expect(createFormatters('de-DE').calendarDate('2026-06')).toBe('2026-06');
  });

  it('leaves a value that is not a date as it is', () => {
    expect(createFormatters('en').dateTime('not a date')).toBe('not a date');
  });

  it('formats numbers with the locale’s grouping', () => {
    expect(plain(createFormatters('de-DE').number(100000))).toBe('100.000');
    expect(createFormatters('en-US').number(100000)).toBe('100,000');
  });
});
