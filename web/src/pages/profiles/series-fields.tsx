/**
 * One number series (invoices or credit notes): prefix, yearly restart, digits, first number,
 * and a live example of the next number, which the server works out from the settings being
 * edited and the saved profile's counter (POST /profiles/number-preview).
 */
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { CheckboxField, TextField } from '../../components/form-field.js';
import { seriesOf } from './profile-form-value.js';
import type { ProfileProblems, SeriesValue } from './profile-form-value.js';
import { useNumberPreview } from './profile-queries.js';
import type { NumberPreviewBody } from './profile-queries.js';

/**
 * The settings to preview once they have stopped changing for a moment, so typing asks the
 * server once, not per key. Keyed by the content, not the object: a re-render with equal
 * settings changes nothing.
 */
function useSettled(value: NumberPreviewBody | null): NumberPreviewBody | null {
  const key = JSON.stringify(value);
  const [settledKey, setSettledKey] = useState(key);
  useEffect(() => {
    const timer = setTimeout(() => setSettledKey(key), 300);
    return () => clearTimeout(timer);
  }, [key]);
  return useMemo(() => JSON.parse(settledKey) as NumberPreviewBody | null, [settledKey]);
}

function NumberExample({ body }: { body: NumberPreviewBody | null }) {
  const { t } = useTranslation();
  const preview = useNumberPreview(useSettled(body));
  return (
    <p className="number-example" role="status" aria-live="polite">
      {t('profiles.series.next')}{' '}
      {body !== null && preview.data ? (
        <strong>
          <bdi dir="ltr">{preview.data.number}</bdi>
        </strong>
      ) : (
        <span className="muted">{t('profiles.series.noExample')}</span>
      )}
    </p>
  );
}

export interface SeriesFieldsProps {
  name: 'invoiceSeries' | 'creditNoteSeries';
  value: SeriesValue;
  profileId: string | null;
  timeZone: string;
  problems: ProfileProblems;
  disabled: boolean;
  onChange(value: SeriesValue): void;
}

export function SeriesFields({
  name,
  value,
  profileId,
  timeZone,
  problems,
  disabled,
  onChange,
}: SeriesFieldsProps) {
  const { t } = useTranslation();
  const series = seriesOf(value);
  const problem = (field: string): string | undefined => problems.get(`settings.${name}.${field}`);
  const valid =
    /^[A-Za-z0-9]{0,20}$/.test(series.prefix) &&
    series.width >= 1 &&
    series.width <= 12 &&
    series.startAt >= 1 &&
    series.startAt <= 1_000_000_000 &&
    timeZone.trim() !== '';
  const body: NumberPreviewBody | null = valid
    ? { profileId, kind: name === 'invoiceSeries' ? 'invoice' : 'credit_note', series, timeZone }
    : null;
  return (
    <fieldset>
      <legend>{t(`profiles.series.${name}`)}</legend>
      <div className="field-grid">
        <TextField
          label={t('profiles.series.prefix')}
          help={t('profiles.series.prefixHelp')}
          value={value.prefix}
          maxLength={20}
          error={problem('prefix')}
          disabled={disabled}
          onChange={(prefix) => onChange({ ...value, prefix })}
        />
        <TextField
          label={t('profiles.series.width')}
          help={t('profiles.series.widthHelp')}
          inputMode="numeric"
          value={value.width}
          error={problem('width')}
          disabled={disabled}
          onChange={(width) => onChange({ ...value, width })}
        />
        <TextField
          label={t('profiles.series.startAt')}
          help={t('profiles.series.startAtHelp')}
          inputMode="numeric"
          value={value.startAt}
          error={problem('startAt')}
          disabled={disabled}
          onChange={(startAt) => onChange({ ...value, startAt })}
        />
      </div>
      <CheckboxField
        label={t('profiles.series.yearlyReset')}
        help={t('profiles.series.yearlyResetHelp')}
        checked={value.yearlyReset}
        disabled={disabled}
        onChange={(yearlyReset) => onChange({ ...value, yearlyReset })}
      />
      <NumberExample body={body} />
    </fieldset>
  );
}
