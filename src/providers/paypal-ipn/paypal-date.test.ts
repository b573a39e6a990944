import { describe, expect, it } from 'vitest';
import { isoToPayPalDate, paypalDateToDay, paypalDateToIso } from './paypal-date.js';

describe('paypalDateToIso', () => {
  it('reads PST as UTC−8', () => {
    expect(paypalDateToIso('23:04:06 Feb 02, 2009 PST')).toBe('2009-02-03T07:04:06.000Z');
  });

  it('reads PDT as UTC−7', () => {
    expect(paypalDateToIso('10:15:02 May 14, 2024 PDT')).toBe('2024-05-14T17:15:02.000Z');
  });

  it('tells the two 01:13:05 of the autumn DST change apart by the label', () => {
    expect(paypalDateToIso('01:13:05 Nov 01, 2015 PDT')).toBe('2015-11-01T08:13:05.000Z');
    expect(paypalDateToIso('01:13:05 Nov 01, 2015 PST')).toBe('2015-11-01T09:13:05.000Z');
  });

  it('applies the label even when it is wrong for the date (the simulator sent PDT in February)', () => {
    expect(paypalDateToIso('23:04:06 Feb 02, 2009 PDT')).toBe('2009-02-03T06:04:06.000Z');
  });

  it('tolerates a trailing dot on the month, a one-digit day and surrounding blanks', () => {
    expect(paypalDateToIso(' 08:00:00 Sep. 5, 2024 PDT ')).toBe('2024-09-05T15:00:00.000Z');
  });

  it('rolls over to the next year in UTC', () => {
    expect(paypalDateToIso('16:30:00 Dec 31, 2023 PST')).toBe('2024-01-01T00:30:00.000Z');
  });

  it('is null for N/A, empty and absent values', () => {
    expect(paypalDateToIso('N/A')).toBe(null);
    expect(paypalDateToIso('')).toBe(null);
    expect(paypalDateToIso(null)).toBe(null);
    expect(paypalDateToIso(undefined)).toBe(null);
  });

  it('is null for every other shape', () => {
    for (const value of [
      '2015-10-25 01:21:32',
      '01:21:32 Jan 25th 2015 PDT',
      '01:21:32 01 25, 2015 PDT',
      '01:21:32 January 25, 2015 PDT',
      '01:28 Jan 25, 2015 PDT',
      '01:21:32 Jan 49, 2015 PDT',
      '01:21:32 Feb 30, 2024 PDT',
      '24:00:00 Jan 25, 2015 PST',
      '01:21:32 Jan 25, 2015 CET',
      '01:21:32 Jan 25, 2015',
      '01:21:32 jan 25, 2015 PST',
    ]) {
      expect(paypalDateToIso(value), value).toBe(null);
    }
  });

  it('accepts 29 February in a leap year only', () => {
    expect(paypalDateToIso('12:00:00 Feb 29, 2024 PST')).toBe('2024-02-29T20:00:00.000Z');
    expect(paypalDateToIso('12:00:00 Feb 29, 2023 PST')).toBe(null);
  });
});

describe('paypalDateToDay', () => {
  it('keeps the day PayPal wrote, even where UTC is already the next day', () => {
    expect(paypalDateToDay('03:00:00 Jul 14, 2024 PDT')).toBe('2024-07-14');
    expect(paypalDateToDay('23:30:00 Jul 14, 2024 PDT')).toBe('2024-07-14');
  });

  it('is null where paypalDateToIso is', () => {
    expect(paypalDateToDay('N/A')).toBe(null);
    expect(paypalDateToDay('2024-07-14')).toBe(null);
  });
});

describe('isoToPayPalDate', () => {
  it('writes US Pacific time with the label of the date, and round-trips through paypalDateToIso', () => {
    const cases: Array<[string, string]> = [
      ['2009-02-03T07:04:06.000Z', '23:04:06 Feb 02, 2009 PST'],
      ['2024-05-14T17:15:02.000Z', '10:15:02 May 14, 2024 PDT'],
      ['2026-03-08T09:59:59.000Z', '01:59:59 Mar 08, 2026 PST'],
      ['2026-03-08T10:00:00.000Z', '03:00:00 Mar 08, 2026 PDT'],
      ['2026-11-01T08:30:00.000Z', '01:30:00 Nov 01, 2026 PDT'],
      ['2026-11-01T09:30:00.000Z', '01:30:00 Nov 01, 2026 PST'],
    ];
    for (const [iso, paypal] of cases) {
      expect(isoToPayPalDate(new Date(iso)), iso).toBe(paypal);
      expect(paypalDateToIso(paypal), paypal).toBe(iso);
    }
  });
});
