/**
 * Dates, numbers and amounts in the UI's locale and the browser's time zone (Intl's default).
 * Amounts arrive as integer minor units with an ISO 4217 currency; the minor unit's digits come
 * from the server's own table (src/core/money.ts), so the UI scales exactly as the ledger stores.
 */
import { minorUnitDigits } from '../../../src/core/money.js';

export interface Formatters {
  locale: string;
  /** `2026-05-14T09:12:45Z` → `14.05.2026, 11:12` (de, Europe/Berlin). */
  dateTime(iso: string): string;
  /** The day only. */
  date(iso: string): string;
  /** A calendar date without a time (`2026-06-14`, e.g. paid until): the same day in every time zone. */
  calendarDate(day: string): string;
  number(value: number): string;
  /** 1999 EUR → `19,99 €` (de); 500 JPY → `¥500`. An unknown currency code is shown as it is. */
  money(minor: number, currency: string): string;
}

export interface FormatOptions {
  /** For tests; the browser's own zone otherwise. */
  timeZone?: string;
}

function validDate(iso: string): Date | null {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? null : date;
}

export function createFormatters(locale: string, options: FormatOptions = {}): Formatters {
  const zone = options.timeZone === undefined ? {} : { timeZone: options.timeZone };
  const dateTime = new Intl.DateTimeFormat(locale, {
    dateStyle: 'medium',
    timeStyle: 'short',
    ...zone,
  });
  const date = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', ...zone });
  const calendarDate = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' });
  const number = new Intl.NumberFormat(locale);
  const money = new Map<string, Intl.NumberFormat | null>();
  const moneyFormat = (currency: string): Intl.NumberFormat | null => {
    if (!money.has(currency)) {
      const digits = minorUnitDigits(currency);
      try {
        money.set(
          currency,
          new Intl.NumberFormat(locale, {
            style: 'currency',
            currency,
            minimumFractionDigits: digits,
            maximumFractionDigits: digits,
          }),
        );
      } catch {
        money.set(currency, null);
      }
    }
    return money.get(currency) ?? null;
  };
  return {
    locale,
    dateTime: (iso) => {
      const parsed = validDate(iso);
      return parsed ? dateTime.format(parsed) : iso;
    },
    date: (iso) => {
      const parsed = validDate(iso);
      return parsed ? date.format(parsed) : iso;
    },
    calendarDate: (day) => {
      const parsed = /^\d{4}-\d{2}-\d{2}$/.test(day) ? validDate(`${day}T00:00:00.000Z`) : null;
      return parsed ? calendarDate.format(parsed) : day;
    },
    number: (value) => number.format(value),
    money: (minor, currency) => {
      const upper = currency.toUpperCase();
      const value = minor / 10 ** minorUnitDigits(upper);
      const format = moneyFormat(upper);
      return format ? format.format(value) : `${number.format(value)} ${currency}`;
    },
  };
}
