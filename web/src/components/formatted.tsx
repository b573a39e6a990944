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

export function Money({ minor, currency }: { minor: number; currency: string }) {
  const format = useFormat();
  return <span className="money">{format.money(minor, currency)}</span>;
}

export function Num({ value }: { value: number }) {
  const format = useFormat();
  return <>{format.number(value)}</>;
}
