import { describe, expect, it } from 'vitest';
import { calendarDay } from './calendar-day.js';

describe('calendarDay', () => {
  it('counts the day in the given zone, not in UTC', () => {
    // 23:30 UTC on New Year's Eve is already the new year in Berlin, still the old one in Los Angeles.
    expect(calendarDay(new Date('2025-12-31T23:30:00.000Z'), 'Europe/Berlin')).toBe('2026-01-01');
    expect(calendarDay(new Date('2025-12-31T23:30:00.000Z'), 'America/Los_Angeles')).toBe(
      '2025-12-31',
    );
    expect(calendarDay('2026-03-28T22:30:00.000Z', 'Asia/Jerusalem')).toBe('2026-03-29');
  });

  it('takes an ISO string like a Date, and pads month, day and year', () => {
    expect(calendarDay('2026-07-04T12:00:00.000Z', 'UTC')).toBe(
      calendarDay(new Date('2026-07-04T12:00:00.000Z'), 'UTC'),
    );
    expect(calendarDay('2026-07-04T12:00:00.000Z', 'UTC')).toBe('2026-07-04');
    expect(calendarDay('0999-02-03T12:00:00.000Z', 'UTC')).toBe('0999-02-03');
  });

  it('follows summer time: midnight local is the new day', () => {
    // Berlin is UTC+2 in summer: 22:00 UTC is midnight.
    expect(calendarDay('2026-06-30T21:59:59.000Z', 'Europe/Berlin')).toBe('2026-06-30');
    expect(calendarDay('2026-06-30T22:00:00.000Z', 'Europe/Berlin')).toBe('2026-07-01');
  });
});
