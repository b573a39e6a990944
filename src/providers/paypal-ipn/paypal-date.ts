/**
 * PayPal IPN dates (docs/providers.md, PayPal IPN): `HH:MM:SS Mmm DD, YYYY PST|PDT`, PayPal
 * time being US Pacific. The zone label's fixed offset is applied (PST = UTC−8, PDT = UTC−7),
 * as ActiveMerchant does; django-paypal instead localises in US/Pacific, which differs only
 * when the label is wrong for the date (PayPal's old simulator sent `PDT` in February).
 */
import { wallClockIn } from '../../lib/wall-clock.js';

const PAYPAL_DATE = /^(\d{1,2}):(\d{2}):(\d{2}) ([A-Z][a-z]{2})\.? (\d{1,2}), (\d{4}) (PST|PDT)$/;

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

const OFFSET_HOURS: Readonly<Record<string, number>> = { PST: -8, PDT: -7 };

interface PayPalDateParts {
  year: number;
  /** 0-based */
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  offsetHours: number;
}

function parse(value: string | null | undefined): PayPalDateParts | null {
  if (value === null || value === undefined) return null;
  const match = PAYPAL_DATE.exec(value.trim());
  if (!match) return null;
  const [, hh, mm, ss, mon, dd, yyyy, zone] = match;
  const month = MONTHS.indexOf(mon ?? '');
  const offsetHours = OFFSET_HOURS[zone ?? ''];
  if (month < 0 || offsetHours === undefined) return null;
  const parts = {
    year: Number(yyyy),
    month,
    day: Number(dd),
    hour: Number(hh),
    minute: Number(mm),
    second: Number(ss),
    offsetHours,
  };
  if (parts.hour > 23 || parts.minute > 59 || parts.second > 59 || parts.day < 1) return null;
  // Date.UTC rolls Feb 30 over into March; a day that does not exist is not a date.
  if (new Date(Date.UTC(parts.year, month, parts.day)).getUTCDate() !== parts.day) return null;
  return parts;
}

/**
 * `23:04:06 Feb 02, 2009 PST` → `2009-02-03T07:04:06.000Z`. Null for an absent or empty value,
 * PayPal's literal `N/A`, and anything not in exactly this shape (ISO dates, numeric or full
 * month names, missing seconds, other zone labels, impossible days).
 */
export function paypalDateToIso(value: string | null | undefined): string | null {
  const parts = parse(value);
  if (parts === null) return null;
  const utc = Date.UTC(
    parts.year,
    parts.month,
    parts.day,
    parts.hour - parts.offsetHours,
    parts.minute,
    parts.second,
  );
  return new Date(utc).toISOString();
}

/**
 * The calendar day a PayPal date names, as PayPal wrote it (Pacific time): `03:00:00 Jun 01,
 * 2024 PDT` → `2024-06-01`. For due dates such as `next_payment_date`, where the day matters
 * and converting to UTC could move it. Null like {@link paypalDateToIso}.
 */
export function paypalDateToDay(value: string | null | undefined): string | null {
  const parts = parse(value);
  if (parts === null) return null;
  return `${String(parts.year).padStart(4, '0')}-${String(parts.month + 1).padStart(2, '0')}-${String(parts.day).padStart(2, '0')}`;
}

const pacificWallClock = wallClockIn('America/Los_Angeles');

const pad = (n: number): string => String(n).padStart(2, '0');

/**
 * The inverse, for building messages: an instant in PayPal's format and zone, labelled by the
 * offset US Pacific time has at that instant (`2009-02-03T07:04:06Z` → `23:04:06 Feb 02, 2009 PST`).
 */
export function isoToPayPalDate(instant: Date): string {
  const t = pacificWallClock(instant.getTime());
  const zone =
    Object.entries(OFFSET_HOURS).find(([, hours]) => hours * 3_600_000 === t.offsetMs)?.[0] ??
    'PST';
  return `${pad(t.hour)}:${pad(t.minute)}:${pad(t.second)} ${MONTHS[t.month - 1] ?? 'Jan'} ${pad(t.day)}, ${t.year} ${zone}`;
}
