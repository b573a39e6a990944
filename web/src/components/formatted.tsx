/** Dates, numbers and amounts in the user's language and time zone (see i18n/format.ts). */
import { useFormat } from '../i18n/use-format.js';

export function DateTime({ iso, dateOnly = false }: { iso: string; dateOnly?: boolean }) {
  const format = useFormat();
  return (
    <time dateTime={iso} title={iso}>
      {dateOnly ? format.date(iso) : format.dateTime(iso)}
    </time>
  );
}

/** A date without a time (`YYYY-MM-DD`), shown as that day wherever the browser is. */
export function CalendarDate({ day }: { day: string }) {
  const format = useFormat();
  return <time dateTime={day}>{format.calendarDate(day)}</time>;
}

export function Money({ minor, currency }: { minor: number; currency: string }) {
  const format = useFormat();
  return <span className="money">{format.money(minor, currency)}</span>;
}

export function Num({ value }: { value: number }) {
  const format = useFormat();
  return <>{format.number(value)}</>;
}
