/**
 * Wall-clock time in an IANA time zone, from the platform's time zone data (Intl), for
 * providers that write local times without a zone (Digistore24: Berlin, PayPal: US Pacific).
 */

export interface WallClock {
  year: number;
  /** 1–12 */
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** The zone's offset from UTC at that instant, in ms (Berlin in summer: +7 200 000). */
  offsetMs: number;
}

/**
 * A reader of the wall clock in `timeZone` at an instant (whole seconds; milliseconds are
 * dropped). The zone's formatter is made on the reader's first use, not here: the first
 * `Intl.DateTimeFormat` of a process maps ~9 MB of the platform's time zone and locale data
 * (docs/benchmarks.md, "Berlin's offsets without Intl"), which a server that never reads a
 * time in such a zone need not hold.
 */
export function wallClockIn(timeZone: string): (utcMs: number) => WallClock {
  let format: Intl.DateTimeFormat | undefined;
  return (utcMs) => {
    format ??= new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    const whole = Math.floor(utcMs / 1000) * 1000;
    const parts: Record<string, number> = {};
    for (const part of format.formatToParts(new Date(whole))) parts[part.type] = Number(part.value);
    const clock = {
      year: parts.year ?? 0,
      month: parts.month ?? 1,
      day: parts.day ?? 1,
      hour: parts.hour ?? 0,
      minute: parts.minute ?? 0,
      second: parts.second ?? 0,
    };
    const offsetMs =
      Date.UTC(clock.year, clock.month - 1, clock.day, clock.hour, clock.minute, clock.second) -
      whole;
    return { ...clock, offsetMs };
  };
}
