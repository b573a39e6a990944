/**
 * The calendar day of an instant in an IANA time zone, as `YYYY-MM-DD`: the date a document
 * prints, the year of a yearly number series, the dates of an e-invoice. One function, so the
 * number's year, the printed date and the e-invoice's date can never disagree.
 */
import { wallClockIn } from './wall-clock.js';

const pad = (value: number, width: number): string => String(value).padStart(width, '0');

/** `YYYY-MM-DD` of `instant` (a Date, or an ISO 8601 string) in `timeZone`. */
export function calendarDay(instant: Date | string, timeZone: string): string {
  const ms = typeof instant === 'string' ? Date.parse(instant) : instant.getTime();
  const clock = wallClockIn(timeZone)(ms);
  return `${pad(clock.year, 4)}-${pad(clock.month, 2)}-${pad(clock.day, 2)}`;
}
