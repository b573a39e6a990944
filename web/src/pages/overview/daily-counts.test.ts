import { describe, expect, it } from 'vitest';
import type { HourlyCounts } from './daily-counts.js';
import {
  addDays,
  hoursSince,
  lastDays,
  localDay,
  startOfDay,
  sumIntoDays,
  totalsOf,
} from './daily-counts.js';

describe('days of the viewer’s time zone', () => {
  it('name the calendar date of an instant in the zone', () => {
    const instant = new Date('2026-05-14T22:30:00.000Z');
    expect(localDay(instant, 'UTC')).toBe('2026-05-14');
    expect(localDay(instant, 'Europe/Berlin')).toBe('2026-05-15');
    expect(localDay(instant, 'America/New_York')).toBe('2026-05-14');
  });

  it('count back calendar days across month and year ends', () => {
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(addDays('2025-12-31', 1)).toBe('2026-01-01');
    expect(lastDays(new Date('2026-01-02T05:00:00.000Z'), 3, 'Asia/Jerusalem')).toEqual([
      '2025-12-31',
      '2026-01-01',
      '2026-01-02',
    ]);
  });

  it('start at local midnight, also on the days clocks change and in zones offset by half an hour', () => {
    expect(startOfDay('2026-05-14', 'Europe/Berlin').toISOString()).toBe(
      '2026-05-13T22:00:00.000Z',
    );
    expect(startOfDay('2026-01-14', 'Europe/Rome').toISOString()).toBe('2026-01-13T23:00:00.000Z');
    // Berlin changes to summer time at 02:00 on 29 March 2026: that day is 23 hours long.
    expect(startOfDay('2026-03-29', 'Europe/Berlin').toISOString()).toBe(
      '2026-03-28T23:00:00.000Z',
    );
    expect(startOfDay('2026-03-30', 'Europe/Berlin').toISOString()).toBe(
      '2026-03-29T22:00:00.000Z',
    );
    expect(startOfDay('2026-05-14', 'Asia/Kolkata').toISOString()).toBe('2026-05-13T18:30:00.000Z');
    expect(startOfDay('2026-05-14', 'America/Los_Angeles').toISOString()).toBe(
      '2026-05-14T07:00:00.000Z',
    );
  });

  it('ask the server for enough whole hours to reach the first day’s midnight', () => {
    const now = new Date('2026-05-14T10:30:00.000Z');
    expect(hoursSince(startOfDay('2026-04-15', 'Europe/Berlin'), now)).toBe(29 * 24 + 12 + 1);
    expect(hoursSince(now, now)).toBe(1);
  });
});

describe('summing the server’s UTC hours into local days', () => {
  const hourly: HourlyCounts[] = [
    // 21:00 UTC on the 13th is 23:00 in Berlin (13th); 22:00 UTC is midnight of the 14th there.
    { hour: '2026-05-13T21', verdicts: { accepted: 2 }, events: { payment: 2 } },
    { hour: '2026-05-13T22', verdicts: { accepted: 1, rejected: 1 }, events: { payment: 1 } },
    { hour: '2026-05-14T21', verdicts: { test: 1 }, events: { connection_test: 1 } },
    { hour: '2026-05-14T22', verdicts: { accepted: 4 }, events: { refund: 1, payment: 3 } },
    // Before the first day: left out.
    { hour: '2026-05-10T12', verdicts: { accepted: 9 }, events: {} },
  ];

  it('adds each hour to the local day it starts in, with the day’s bounds for links', () => {
    const days = sumIntoDays(
      hourly,
      'verdicts',
      ['2026-05-13', '2026-05-14', '2026-05-15'],
      'Europe/Berlin',
    );
    expect(days).toEqual([
      {
        day: '2026-05-13',
        from: '2026-05-12T22:00:00.000Z',
        to: '2026-05-13T22:00:00.000Z',
        counts: { accepted: 2 },
        total: 2,
      },
      {
        day: '2026-05-14',
        from: '2026-05-13T22:00:00.000Z',
        to: '2026-05-14T22:00:00.000Z',
        counts: { accepted: 1, rejected: 1, test: 1 },
        total: 3,
      },
      {
        day: '2026-05-15',
        from: '2026-05-14T22:00:00.000Z',
        to: '2026-05-15T22:00:00.000Z',
        counts: { accepted: 4 },
        total: 4,
      },
    ]);
    const utc = sumIntoDays(hourly, 'events', ['2026-05-13', '2026-05-14'], 'UTC');
    expect(utc.map((day) => [day.day, day.counts])).toEqual([
      ['2026-05-13', { payment: 3 }],
      ['2026-05-14', { connection_test: 1, refund: 1, payment: 3 }],
    ]);
  });

  it('totals every key over the days, largest first', () => {
    const days = sumIntoDays(
      hourly,
      'events',
      ['2026-05-13', '2026-05-14', '2026-05-15'],
      'Europe/Berlin',
    );
    expect(totalsOf(days)).toEqual([
      { key: 'payment', count: 6 },
      { key: 'connection_test', count: 1 },
      { key: 'refund', count: 1 },
    ]);
    expect(totalsOf([])).toEqual([]);
  });
});
