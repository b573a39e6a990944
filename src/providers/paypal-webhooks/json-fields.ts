/**
 * Safe reads from parsed webhook JSON: PayPal resources differ by type and version, so every
 * field is optional and its type is checked where it is read. Absent or empty is `null`.
 */
import { parseMoney } from '../../core/money.js';
import { isRecord } from '../../lib/is-record.js';
import type { JsonObject } from './parse-event.js';

/** The value at `path` (object keys and array indexes), or undefined. */
export function at(value: unknown, ...path: Array<string | number>): unknown {
  let current: unknown = value;
  for (const segment of path) {
    if (typeof segment === 'number') {
      if (!Array.isArray(current)) return undefined;
      current = current[segment];
    } else {
      if (!isRecord(current) || !Object.hasOwn(current, segment)) return undefined;
      current = current[segment];
    }
  }
  return current;
}

/** A non-empty string (numbers are accepted as their text), or null. */
export function text(value: unknown, ...path: Array<string | number>): string | null {
  const found = at(value, ...path);
  if (typeof found === 'number' && Number.isFinite(found)) return String(found);
  return typeof found === 'string' && found.trim() !== '' ? found : null;
}

/** The object at `path`, or null. */
export function object(value: unknown, ...path: Array<string | number>): JsonObject | null {
  const found = at(value, ...path);
  return isRecord(found) ? found : null;
}

/** The array at `path`, or an empty array. */
export function list(value: unknown, ...path: Array<string | number>): unknown[] {
  const found = at(value, ...path);
  return Array.isArray(found) ? found : [];
}

/** The first non-empty text among `paths`, or null. */
export function firstText(value: unknown, ...paths: Array<Array<string | number>>): string | null {
  for (const path of paths) {
    const found = text(value, ...path);
    if (found !== null) return found;
  }
  return null;
}

/** A PayPal money object: v2 `{ currency_code, value }` or v1 `{ currency, total }` / `{ value }`. */
export interface Money {
  currency: string | null;
  minor: number | null;
}

/** Amount in minor units and currency of a PayPal money object; null when it has no amount. */
export function money(value: unknown, fallbackCurrency: string | null = null): Money | null {
  if (!isRecord(value)) return null;
  const currency = text(value, 'currency_code') ?? text(value, 'currency') ?? fallbackCurrency;
  const amount = text(value, 'value') ?? text(value, 'total');
  if (amount === null) return null;
  return { currency, minor: parseMoney(amount, currency) };
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/i;

/** An RFC 3339 time as a UTC ISO string; anything else (PayPal's samples have month 19) is null. */
export function isoTime(value: unknown): string | null {
  if (typeof value !== 'string' || !RFC3339.test(value)) return null;
  const time = new Date(value);
  if (Number.isNaN(time.getTime())) return null;
  // Date rolls 02-30 over into March; a date that does not exist is not a time.
  const [year, month, day] = value.slice(0, 10).split('-').map(Number);
  const calendar = new Date(Date.UTC(year ?? 0, (month ?? 0) - 1, day ?? 0));
  return calendar.getUTCMonth() + 1 === month && calendar.getUTCDate() === day
    ? time.toISOString()
    : null;
}

/** The UTC date `YYYY-MM-DD` of an RFC 3339 time, or null. */
export function isoDate(value: unknown): string | null {
  return isoTime(value)?.slice(0, 10) ?? null;
}
