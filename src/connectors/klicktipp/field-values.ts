/**
 * The `fields` object Klick-Tipp's subscribe call takes (docs/protocols/klicktipp.md#fields, docs/protocols/README.md#across-the-targets):
 * every value is text; decimal fields take the amount ×100 as an integer (`1999` is stored as
 * `19.99`); date and date-time fields take Unix seconds (formatted dates are rejected).
 */
import type { CanonicalEvent } from '../../core/events.js';
import { minorUnitDigits, parseMoney } from '../../core/money.js';
import { applyMapping, isEmptyValue, templateScope } from '../template.js';

/** How a field's value is converted; fields not listed are sent as text. */
export type FieldType = 'decimal' | 'date';

/** The fields to send, or why a mapped value cannot be sent. */
export type FieldsResult =
  | { ok: true; fields: Record<string, string> }
  | { ok: false; reason: string };

/** Minor units of `currency` → Klick-Tipp's hundredths (9700 EUR → 9700, 9700 JPY → 970000, 12345 KWD → 1235). */
export function toHundredths(minor: number, currency: string | null): number {
  const digits = minorUnitDigits(currency);
  if (digits === 2) return minor;
  if (digits < 2) return minor * 10 ** (2 - digits);
  const divisor = 10 ** (digits - 2);
  const rounded = Math.floor(Math.abs(minor) / divisor + 0.5);
  return minor < 0 ? -rounded : rounded;
}

function text(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return String(value);
  return JSON.stringify(value);
}

/** A number is minor units of the order currency (what `order.amount` holds); text is a decimal such as "97.00". */
function decimalValue(value: unknown, currency: string | null): string | null {
  if (typeof value === 'number')
    return Number.isSafeInteger(value) ? String(toHundredths(value, currency)) : null;
  const hundredths = parseMoney(text(value), 'EUR');
  return hundredths === null ? null : String(hundredths);
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const ISO_DATE_TIME =
  /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?$/;

/** A number is already Unix seconds; `YYYY-MM-DD` is midnight UTC; ISO date-times without an offset are UTC. */
function dateValue(value: unknown): string | null {
  if (typeof value === 'number') return Number.isSafeInteger(value) ? String(value) : null;
  const raw = text(value).trim();
  if (/^\d+$/.test(raw)) return raw;
  let iso: string;
  if (DATE_ONLY.test(raw)) iso = `${raw}T00:00:00Z`;
  else if (ISO_DATE_TIME.test(raw))
    iso = /(?:Z|[+-]\d{2}:?\d{2})$/.test(raw) ? raw.replace(' ', 'T') : `${raw.replace(' ', 'T')}Z`;
  else return null;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? null : String(Math.floor(ms / 1000));
}

/**
 * The mapped fields for `event`. Absent and empty values are left out, so an update never
 * blanks what Klick-Tipp already holds; a value a decimal or date field cannot take is a
 * validation failure naming the field.
 */
export function klickTippFields(
  mapping: Record<string, string>,
  fieldTypes: Record<string, FieldType>,
  event: CanonicalEvent,
): FieldsResult {
  const mapped = applyMapping(mapping, templateScope(event));
  const currency = event.order?.currency ?? null;
  const fields: Record<string, string> = {};
  for (const [key, value] of Object.entries(mapped)) {
    if (isEmptyValue(value)) continue;
    const type = Object.hasOwn(fieldTypes, key) ? fieldTypes[key] : undefined;
    if (type === 'decimal') {
      const converted = decimalValue(value, currency);
      if (converted === null)
        return {
          ok: false,
          reason: `TARGET_VALIDATION_FAILED: ${key} is a decimal field, but the mapped value ${JSON.stringify(value)} is not an amount`,
        };
      fields[key] = converted;
    } else if (type === 'date') {
      const converted = dateValue(value);
      if (converted === null)
        return {
          ok: false,
          reason: `TARGET_VALIDATION_FAILED: ${key} is a date field, but the mapped value ${JSON.stringify(value)} is not a date (ISO 8601 or Unix seconds)`,
        };
      fields[key] = converted;
    } else {
      fields[key] = text(value);
    }
  }
  return { ok: true, fields };
}
