/**
 * Numbers, amounts and dates as the document's language writes them (`Intl`, with the ICU data
 * Node ships), dates in the seller's time zone.
 */
import { minorUnitDigits } from '../../core/money.js';

export interface DocumentFormatter {
  /** Integer minor units of the document's currency → "1.234,50 €" (de), "€1,234.50" (en). */
  money(minor: number): string;
  /** An instant (ISO 8601) → the calendar day it falls on in the document's time zone. */
  instantDate(iso: string): string;
  /** A calendar day (`YYYY-MM-DD`) → that day as the language writes it; no time zone shift. */
  calendarDate(day: string): string;
  /** Basis points → "19 %" (de), "19%" (en). */
  percent(basisPoints: number): string;
  quantity(value: number): string;
}

const CALENDAR_DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** German writes invoice dates as 02.01.2026; the others spell the month out, which no reader misreads. */
function dateOptions(locale: string): Intl.DateTimeFormatOptions {
  return locale.startsWith('de')
    ? { day: '2-digit', month: '2-digit', year: 'numeric' }
    : { dateStyle: 'long' };
}

export function documentFormatter(
  locale: string,
  currency: string,
  timeZone: string,
): DocumentFormatter {
  const digits = minorUnitDigits(currency);
  const moneyFormat = new Intl.NumberFormat(locale, {
    style: 'currency',
    currency,
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
  const instantFormat = new Intl.DateTimeFormat(locale, { ...dateOptions(locale), timeZone });
  const dayFormat = new Intl.DateTimeFormat(locale, { ...dateOptions(locale), timeZone: 'UTC' });
  const percentFormat = new Intl.NumberFormat(locale, {
    style: 'percent',
    maximumFractionDigits: 2,
  });
  const quantityFormat = new Intl.NumberFormat(locale, { maximumFractionDigits: 3 });
  return {
    // Dividing an integer by a power of ten gives the nearest double, which Intl rounds back
    // to exactly the minor unit's digits: no amount below 2^53 minor units can print wrong.
    money: (minor) => moneyFormat.format(minor / 10 ** digits),
    instantDate: (iso) => {
      const date = new Date(iso);
      if (Number.isNaN(date.getTime()))
        throw new RangeError(`not an ISO 8601 instant: ${JSON.stringify(iso)}`);
      return instantFormat.format(date);
    },
    calendarDate: (day) => {
      const match = CALENDAR_DAY.exec(day);
      if (!match) throw new RangeError(`not a calendar day (YYYY-MM-DD): ${JSON.stringify(day)}`);
      return dayFormat.format(
        new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]))),
      );
    },
    percent: (basisPoints) => percentFormat.format(basisPoints / 10_000),
    quantity: (value) => quantityFormat.format(value),
  };
}
