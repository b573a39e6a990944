import { describe, expect, it } from 'vitest';
import { withoutBidiMarks } from './test-support/pdf-text.js';
import { documentFormatter } from './format.js';

describe('documentFormatter', () => {
  it.each([
    ['de-DE', 'EUR', 121380, '1.213,80 €'],
    ['en-GB', 'EUR', 121380, '€1,213.80'],
    ['it-IT', 'EUR', 14900, '149,00 €'],
    ['he-IL', 'ILS', 188800, '1,888.00 ₪'],
    ['de-DE', 'EUR', -2380, '-23,80 €'],
    ['en-GB', 'JPY', 1500, 'JP¥1,500'],
    ['en-GB', 'KWD', 1234, 'KWD 1.234'],
  ])('%s %s %i → %s', (locale, currency, minor, expected) => {
    const text = documentFormatter(locale, currency, 'UTC').money(minor);
    expect(withoutBidiMarks(text).replace(/\u00a0/g, ' ')).toBe(expected);
  });

  it('prints an instant on the day it falls on in the time zone', () => {
    // 23:30 UTC on 2 January is already 3 January in Berlin and still 2 January in New York.
    expect(
      documentFormatter('de-DE', 'EUR', 'Europe/Berlin').instantDate('2026-01-02T23:30:00Z'),
    ).toBe('03.01.2026');
    expect(
      documentFormatter('en-GB', 'EUR', 'America/New_York').instantDate('2026-01-02T23:30:00Z'),
    ).toBe('2 January 2026');
    expect(
      documentFormatter('it-IT', 'EUR', 'Europe/Rome').instantDate('2026-04-20T16:45:00Z'),
    ).toBe('20 aprile 2026');
    expect(
      documentFormatter('he-IL', 'ILS', 'Asia/Jerusalem').instantDate('2026-05-06T07:20:00Z'),
    ).toBe('6 במאי 2026');
  });

  it('prints a calendar day as that day in any time zone', () => {
    expect(documentFormatter('de-DE', 'EUR', 'Pacific/Kiritimati').calendarDate('2026-01-03')).toBe(
      '03.01.2026',
    );
    expect(documentFormatter('en-GB', 'EUR', 'Pacific/Pago_Pago').calendarDate('2026-01-03')).toBe(
      '3 January 2026',
    );
  });

  it('prints rates and quantities as the language does', () => {
    expect(documentFormatter('de-DE', 'EUR', 'UTC').percent(1900)).toBe('19\u00a0%');
    expect(documentFormatter('en-GB', 'EUR', 'UTC').percent(550)).toBe('5.5%');
    expect(documentFormatter('it-IT', 'EUR', 'UTC').percent(2200)).toBe('22%');
    expect(documentFormatter('de-DE', 'EUR', 'UTC').quantity(1.5)).toBe('1,5');
  });

  it('refuses dates it cannot read instead of printing "Invalid Date"', () => {
    const format = documentFormatter('de-DE', 'EUR', 'UTC');
    expect(() => format.instantDate('yesterday')).toThrow(/not an ISO 8601 instant/);
    expect(() => format.calendarDate('2026-1-3')).toThrow(/not a calendar day/);
  });
});
