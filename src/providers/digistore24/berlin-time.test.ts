import { describe, expect, it } from 'vitest';
import { wallClockIn } from '../../lib/wall-clock.js';
import {
  berlinDateTimeToIso,
  berlinOffsetAt,
  berlinWallTimeToIso,
  EU_RULE_YEARS,
  isoToBerlinWallTime,
} from './berlin-time.js';

describe('berlinWallTimeToIso', () => {
  it('reads a summer time (CEST, UTC+2)', () => {
    expect(berlinWallTimeToIso('2024-05-14', '09:12:45')).toBe('2024-05-14T07:12:45.000Z');
  });

  it('reads a winter time (CET, UTC+1)', () => {
    expect(berlinWallTimeToIso('2024-02-01', '18:40:02')).toBe('2024-02-01T17:40:02.000Z');
  });

  it('crosses the date line back to the previous UTC day', () => {
    expect(berlinWallTimeToIso('2024-01-01', '00:30:00')).toBe('2023-12-31T23:30:00.000Z');
  });

  it('uses the right offset on both sides of the spring switch (2024-03-31 02:00 → 03:00)', () => {
    expect(berlinWallTimeToIso('2024-03-31', '01:59:59')).toBe('2024-03-31T00:59:59.000Z');
    expect(berlinWallTimeToIso('2024-03-31', '03:00:00')).toBe('2024-03-31T01:00:00.000Z');
  });

  it('moves a time inside the spring gap forward by the missing hour', () => {
    expect(berlinWallTimeToIso('2024-03-31', '02:30:00')).toBe('2024-03-31T01:30:00.000Z');
  });

  it('takes the first (summer) occurrence of the repeated autumn hour (2024-10-27 03:00 → 02:00)', () => {
    expect(berlinWallTimeToIso('2024-10-27', '02:30:00')).toBe('2024-10-27T00:30:00.000Z');
    expect(berlinWallTimeToIso('2024-10-27', '01:59:59')).toBe('2024-10-26T23:59:59.000Z');
    expect(berlinWallTimeToIso('2024-10-27', '03:00:00')).toBe('2024-10-27T02:00:00.000Z');
  });

  it('accepts a time without seconds', () => {
    expect(berlinWallTimeToIso('2024-05-14', '09:12')).toBe('2024-05-14T07:12:00.000Z');
  });

  it('returns null for malformed or impossible values', () => {
    expect(berlinWallTimeToIso('2024-02-30', '10:00:00')).toBe(null);
    expect(berlinWallTimeToIso('2024-13-01', '10:00:00')).toBe(null);
    expect(berlinWallTimeToIso('2024-05-14', '24:00:00')).toBe(null);
    expect(berlinWallTimeToIso('2024-05-14', '12:60:00')).toBe(null);
    expect(berlinWallTimeToIso('14.05.2024', '10:00:00')).toBe(null);
    expect(berlinWallTimeToIso('2024-05-14', '')).toBe(null);
  });
});

describe('berlinDateTimeToIso', () => {
  it('reads DS24 date-times', () => {
    expect(berlinDateTimeToIso('2024-02-01 18:40:02')).toBe('2024-02-01T17:40:02.000Z');
    expect(berlinDateTimeToIso('2024-05-10 20:15:00')).toBe('2024-05-10T18:15:00.000Z');
  });

  it('returns null without a time part', () => {
    expect(berlinDateTimeToIso('2024-02-01')).toBe(null);
    expect(berlinDateTimeToIso('')).toBe(null);
  });
});

describe('isoToBerlinWallTime', () => {
  it('writes summer and winter times with their offsets, across the date line', () => {
    expect(isoToBerlinWallTime(new Date('2024-05-14T07:12:45.678Z'))).toEqual({
      date: '2024-05-14',
      time: '09:12:45',
    });
    expect(isoToBerlinWallTime(new Date('2024-02-01T17:40:02Z'))).toEqual({
      date: '2024-02-01',
      time: '18:40:02',
    });
    expect(isoToBerlinWallTime(new Date('2023-12-31T23:30:00Z'))).toEqual({
      date: '2024-01-01',
      time: '00:30:00',
    });
  });

  it('round-trips through berlinWallTimeToIso around both switches', () => {
    for (const iso of [
      '2024-03-31T00:59:59.000Z',
      '2024-03-31T01:00:00.000Z',
      '2024-10-27T00:30:00.000Z',
      '2024-10-27T02:00:00.000Z',
      '2026-07-01T12:00:00.000Z',
    ]) {
      const { date, time } = isoToBerlinWallTime(new Date(iso));
      expect(berlinWallTimeToIso(date, time), iso).toBe(iso);
    }
  });
});

describe("Berlin's offset", () => {
  const HOUR = 3_600_000;
  /** The offset by the platform's time zone data (Intl), for comparison. */
  const intlBerlin = wallClockIn('Europe/Berlin');
  const intlOffset = (utcMs: number): number => intlBerlin(utcMs).offsetMs;

  it("agrees with the platform's time zone data at every hour of March and October and every day of the EU rule's years", () => {
    const disagreements: string[] = [];
    for (let year = EU_RULE_YEARS.from; year <= EU_RULE_YEARS.to; year++) {
      for (let t = Date.UTC(year, 0, 1, 12); t < Date.UTC(year + 1, 0, 1); t += 24 * HOUR)
        if (berlinOffsetAt(t) !== intlOffset(t)) disagreements.push(new Date(t).toISOString());
      for (const month of [2, 9]) {
        for (let t = Date.UTC(year, month, 1); t < Date.UTC(year, month + 1, 1); t += HOUR) {
          for (const at of [t - 1000, t])
            if (berlinOffsetAt(at) !== intlOffset(at))
              disagreements.push(new Date(at).toISOString());
        }
      }
    }
    expect(disagreements).toEqual([]);
  });

  it('switches at 01:00 UTC on the last Sundays of March and October', () => {
    expect(berlinOffsetAt(Date.UTC(2025, 2, 30, 0, 59, 59))).toBe(HOUR);
    expect(berlinOffsetAt(Date.UTC(2025, 2, 30, 1))).toBe(2 * HOUR);
    expect(berlinOffsetAt(Date.UTC(2025, 9, 26, 0, 59, 59))).toBe(2 * HOUR);
    expect(berlinOffsetAt(Date.UTC(2025, 9, 26, 1))).toBe(HOUR);
  });

  it("reads the years outside the EU rule from the platform's data: summer time ended in September before 1996", () => {
    // 1995: summer time ended on 24 September; the EU rule would still say summer on 15 October.
    expect(berlinOffsetAt(Date.UTC(1995, 9, 15, 12))).toBe(HOUR);
    expect(berlinWallTimeToIso('1995-10-15', '12:00:00')).toBe('1995-10-15T11:00:00.000Z');
    expect(berlinOffsetAt(Date.UTC(1995, 8, 20, 12))).toBe(2 * HOUR);
    expect(berlinOffsetAt(Date.UTC(2040, 6, 1, 12))).toBe(intlOffset(Date.UTC(2040, 6, 1, 12)));
  });
});
