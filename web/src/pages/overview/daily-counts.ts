/**
 * The overview's days. The server counts per UTC hour (`GET /overview`: `hourly`, hours with
 * activity only); the chart shows days of the viewer's time zone, so the hours are summed
 * here, each by the local day its start falls on. (In a zone whose offset is not whole hours,
 * such as India's, an hour that straddles midnight counts for the day it starts in.)
 *
 * Days are calendar dates `YYYY-MM-DD` in the zone; the window asked of the server starts at
 * the first day's midnight, so the first day is whole, and the last day is today so far.
 */
import type { AnswerOf } from '../../api/types.js';

/** One UTC hour of `GET /overview`. */
export type HourlyCounts = AnswerOf<'getOverview', 200>['hourly'][number];

export interface DayCounts {
  /** `YYYY-MM-DD` in the time zone. */
  day: string;
  /** The day's first instant (local midnight), ISO 8601. */
  from: string;
  /** The next day's first instant, ISO 8601. */
  to: string;
  counts: Record<string, number>;
  total: number;
}

const HOUR_MS = 3_600_000;

/** The browser's time zone (Intl's default). */
export function browserTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}

const dayFormats = new Map<string, Intl.DateTimeFormat>();

/** The calendar date of `instant` in `timeZone`, `YYYY-MM-DD`. */
export function localDay(instant: Date, timeZone: string): string {
  let format = dayFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      calendar: 'gregory',
      numberingSystem: 'latn',
    });
    dayFormats.set(timeZone, format);
  }
  const parts = Object.fromEntries(
    format.formatToParts(instant).map((part) => [part.type, part.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day}`;
}

/** `day` moved by `delta` calendar days (no time zone involved: dates, not instants). */
export function addDays(day: string, delta: number): string {
  const [year = 0, month = 1, date = 1] = day.split('-').map(Number);
  return new Date(Date.UTC(year, month - 1, date + delta)).toISOString().slice(0, 10);
}

/** The last `count` days up to and including today, oldest first. */
export function lastDays(now: Date, count: number, timeZone: string): string[] {
  const today = localDay(now, timeZone);
  return Array.from({ length: count }, (_, index) => addDays(today, index - count + 1));
}

/**
 * The first instant of `day` in `timeZone`. Midnight can be skipped by a daylight-saving jump,
 * so this is the first whole minute whose local date is `day`, found by stepping through the
 * hours around it (offsets lie between −12 and +14 hours).
 */
export function startOfDay(day: string, timeZone: string): Date {
  const [year = 0, month = 1, date = 1] = day.split('-').map(Number);
  const utcMidnight = Date.UTC(year, month - 1, date);
  let hour = utcMidnight - 15 * HOUR_MS;
  while (localDay(new Date(hour), timeZone) < day) hour += HOUR_MS;
  // The first UTC hour on `day`: the start itself unless midnight lies inside the hour before
  // (zones offset by 30 or 45 minutes).
  if (localDay(new Date(hour - 60_000), timeZone) < day) return new Date(hour);
  let minute = hour - HOUR_MS;
  while (localDay(new Date(minute), timeZone) < day) minute += 60_000;
  return new Date(minute);
}

/** How many hours back `GET /overview` must reach so the window starts at the first day's midnight. */
export function hoursSince(start: Date, now: Date): number {
  return Math.max(1, Math.ceil((now.getTime() - start.getTime()) / HOUR_MS));
}

/** The hourly counts of one kind (`verdicts` or `events`) summed into `days`; hours outside them are left out. */
export function sumIntoDays(
  hourly: readonly HourlyCounts[],
  kind: 'verdicts' | 'events',
  days: readonly string[],
  timeZone: string,
): DayCounts[] {
  const byDay = new Map<string, DayCounts>();
  days.forEach((day, index) => {
    const next = days[index + 1] ?? addDays(day, 1);
    byDay.set(day, {
      day,
      from: startOfDay(day, timeZone).toISOString(),
      to: startOfDay(next, timeZone).toISOString(),
      counts: {},
      total: 0,
    });
  });
  for (const entry of hourly) {
    const start = new Date(`${entry.hour}:00:00.000Z`);
    if (Number.isNaN(start.getTime())) continue;
    const target = byDay.get(localDay(start, timeZone));
    if (!target) continue;
    for (const [key, count] of Object.entries(entry[kind])) {
      target.counts[key] = (target.counts[key] ?? 0) + count;
      target.total += count;
    }
  }
  return [...byDay.values()];
}

/** Totals per key over the days, largest first (ties by key). */
export function totalsOf(days: readonly DayCounts[]): Array<{ key: string; count: number }> {
  const totals = new Map<string, number>();
  for (const day of days)
    for (const [key, count] of Object.entries(day.counts))
      totals.set(key, (totals.get(key) ?? 0) + count);
  return [...totals.entries()]
    .map(([key, count]) => ({ key, count }))
    .sort((a, b) => b.count - a.count || (a.key < b.key ? -1 : 1));
}
