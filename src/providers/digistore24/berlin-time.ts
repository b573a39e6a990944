/**
 * Digistore24 wall-clock times to UTC and back. DS24 sends dates and times without a zone and
 * does not document which one; it is presumably its server time, Europe/Berlin, which this
 * module assumes, with Berlin's real offsets (see docs/providers.md): from the EU's summer-time
 * rule for the years it covers, from the platform's time zone data (Intl) before and after.
 */
import { wallClockIn } from '../../lib/wall-clock.js';

const berlinWallClock = wallClockIn('Europe/Berlin');

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME = /^(\d{2}):(\d{2})(?::(\d{2}))?$/;
const HOUR_MS = 3_600_000;

const DAY_MS = 24 * HOUR_MS;

/**
 * The years in which Berlin's offset follows the EU rule as written below: summer time (UTC+2)
 * from 01:00 UTC on the last Sunday of March to 01:00 UTC on the last Sunday of October, UTC+1
 * otherwise. The rule has held since 1996 (before, summer time ended in September); the end
 * year is how far ahead it is taken as settled. `berlin-time.test.ts` checks every switch of
 * these years against the platform's time zone data, so a change to the rule shows there.
 * Outside them the offset comes from Intl, whose first use costs the process ~9 MB of mapped
 * data (docs/benchmarks.md, "Berlin's offsets without Intl").
 */
export const EU_RULE_YEARS = { from: 1996, to: 2037 } as const;

/** 01:00 UTC on the last Sunday of `monthIndex` (0-based) of `year`. */
function lastSundayAtOneUtc(year: number, monthIndex: number): number {
  const lastDay = Date.UTC(year, monthIndex + 1, 0);
  return lastDay - new Date(lastDay).getUTCDay() * DAY_MS + HOUR_MS;
}

/** Berlin's offset by the EU rule, or undefined outside {@link EU_RULE_YEARS}. */
function euRuleOffset(utcMs: number): number | undefined {
  const year = new Date(utcMs).getUTCFullYear();
  if (year < EU_RULE_YEARS.from || year > EU_RULE_YEARS.to) return undefined;
  const summer = utcMs >= lastSundayAtOneUtc(year, 2) && utcMs < lastSundayAtOneUtc(year, 9);
  return summer ? 2 * HOUR_MS : HOUR_MS;
}

// Berlin changes its offset only on whole UTC hours (01:00 UTC), so the offset is constant
// within an hour: remember it per hour instead of working it out for every notification.
const offsetByHour = new Map<number, number>();
const MAX_CACHED_HOURS = 4096;

/** Berlin's offset from UTC in ms at the instant `utcMs` (whole seconds). */
export function berlinOffsetAt(utcMs: number): number {
  const hour = Math.floor(utcMs / HOUR_MS);
  const cached = offsetByHour.get(hour);
  if (cached !== undefined) return cached;
  const start = hour * HOUR_MS;
  const offset = euRuleOffset(start) ?? berlinWallClock(start).offsetMs;
  if (offsetByHour.size >= MAX_CACHED_HOURS) offsetByHour.clear();
  offsetByHour.set(hour, offset);
  return offset;
}

/**
 * `2024-05-14` + `09:12:45` (Berlin wall time) → `2024-05-14T07:12:45.000Z`. Null when the date
 * or time is malformed or out of range. In the autumn hour that occurs twice, the first (summer
 * time) occurrence is taken; a time inside the spring gap is read with the winter offset, i.e.
 * moved forward by the hour that does not exist.
 */
export function berlinWallTimeToIso(date: string, time: string): string | null {
  const d = DATE.exec(date);
  const t = TIME.exec(time);
  if (!d || !t) return null;
  const [year, month, day] = [Number(d[1]), Number(d[2]), Number(d[3])];
  const [hour, minute, second] = [Number(t[1]), Number(t[2]), Number(t[3] ?? '0')];
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59)
    return null;
  const wall = Date.UTC(year, month - 1, day, hour, minute, second);
  if (new Date(wall).getUTCDate() !== day) return null;
  // Offsets a day before and after bracket any DST switch; each is right if it maps back onto itself.
  const before = berlinOffsetAt(wall - 24 * HOUR_MS);
  const after = berlinOffsetAt(wall + 24 * HOUR_MS);
  const early = wall - before;
  const late = wall - after;
  const earlyValid = wall - berlinOffsetAt(early) === early;
  const lateValid = wall - berlinOffsetAt(late) === late;
  const utc = earlyValid && lateValid ? Math.min(early, late) : lateValid ? late : early;
  return new Date(utc).toISOString();
}

/** `2024-02-01 18:40:02` (Berlin wall time, space or `T` between) → ISO UTC, or null. */
export function berlinDateTimeToIso(value: string): string | null {
  const match = /^(\S+)[ T](\S+)$/.exec(value.trim());
  return match ? berlinWallTimeToIso(match[1] ?? '', match[2] ?? '') : null;
}

/**
 * The inverse, for building notifications: an instant as Berlin wall time,
 * `{ date: '2024-05-14', time: '09:12:45' }` for `2024-05-14T07:12:45Z` (milliseconds dropped).
 */
export function isoToBerlinWallTime(instant: Date): { date: string; time: string } {
  const utcMs = Math.floor(instant.getTime() / 1000) * 1000;
  const wall = new Date(utcMs + berlinOffsetAt(utcMs)).toISOString();
  return { date: wall.slice(0, 10), time: wall.slice(11, 19) };
}
