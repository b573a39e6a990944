/**
 * The filter fields the documents list, the export and the Digistore24 sale mails share: seller
 * profile and days, and for documents their kind.
 */
import { useTranslation } from 'react-i18next';
import { SelectField, TextField } from '../../components/form-field.js';
import { rangeIsReversed } from '../notifications/notification-filters.js';
import { DOCUMENT_KINDS } from './document-filters.js';
import type { DocumentKind, PeriodFilters } from './document-filters.js';

/** The seller profile to filter by, or all. */
export function ProfileField({
  value,
  profiles,
  onChange,
}: {
  value: string;
  profiles: readonly { id: string; name: string }[];
  onChange(profileId: string): void;
}) {
  const { t } = useTranslation();
  return (
    <SelectField
      label={t('documents.profile')}
      value={value}
      options={[
        { value: '', label: t('documents.anyProfile') },
        ...profiles.map((profile) => ({ value: profile.id, label: profile.name })),
      ]}
      onChange={onChange}
    />
  );
}

type Days = Pick<PeriodFilters, 'from' | 'to'>;

/** The first and the last day (both inclusive), with the last before the first refused. */
export function DayRangeFields({ value, onChange }: { value: Days; onChange(days: Days): void }) {
  const { t } = useTranslation();
  return (
    <>
      <TextField
        type="date"
        label={t('documents.from')}
        value={value.from}
        max={value.to || undefined}
        onChange={(from) => onChange({ ...value, from })}
      />
      <TextField
        type="date"
        label={t('documents.to')}
        value={value.to}
        min={value.from || undefined}
        error={rangeIsReversed(value) ? t('documents.rangeReversed') : undefined}
        onChange={(to) => onChange({ ...value, to })}
      />
    </>
  );
}

export interface PeriodFieldsProps<F extends PeriodFilters> {
  value: F;
  profiles: readonly { id: string; name: string }[];
  onChange(value: F): void;
}

export function PeriodFields<F extends PeriodFilters>({
  value,
  profiles,
  onChange,
}: PeriodFieldsProps<F>) {
  const { t } = useTranslation();
  const set = (patch: Partial<PeriodFilters>): void => onChange({ ...value, ...patch });
  return (
    <>
      <ProfileField
        value={value.profileId}
        profiles={profiles}
        onChange={(profileId) => set({ profileId })}
      />
      <SelectField
        label={t('documents.kindLabel')}
        value={value.kind}
        options={[
          { value: '', label: t('documents.anyKind') },
          ...DOCUMENT_KINDS.map((kind) => ({ value: kind, label: t(`documents.kind.${kind}`) })),
        ]}
        onChange={(kind) => set({ kind: kind as DocumentKind | '' })}
      />
      <DayRangeFields value={value} onChange={(days) => set({ from: days.from, to: days.to })} />
    </>
  );
}
