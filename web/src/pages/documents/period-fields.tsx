/** The fields a documents list and an export share: seller profile, kind and days. */
import { useTranslation } from 'react-i18next';
import { SelectField, TextField } from '../../components/form-field.js';
import { rangeIsReversed } from '../notifications/notification-filters.js';
import { DOCUMENT_KINDS } from './document-filters.js';
import type { DocumentKind, PeriodFilters } from './document-filters.js';

export interface PeriodFieldsProps<F extends PeriodFilters> {
  value: F;
  profiles: readonly { id: string; name: string }[];
  onChange(value: F): void;
}

export function PeriodFields<F extends PeriodFilters>({ value, profiles, onChange }: PeriodFieldsProps<F>) {
  const { t } = useTranslation();
  const set = (patch: Partial<PeriodFilters>): void => onChange({ ...value, ...patch });
  return (
    <>
      <SelectField
        label={t('documents.profile')}
        value={value.profileId}
        options={[{ value: '', label: t('documents.anyProfile') }, ...profiles.map((profile) => ({ value: profile.id, label: profile.name }))]}
        onChange={(profileId) => set({ profileId })}
      />
      <SelectField
        label={t('documents.kindLabel')}
        value={value.kind}
        options={[{ value: '', label: t('documents.anyKind') }, ...DOCUMENT_KINDS.map((kind) => ({ value: kind, label: t(`documents.kind.${kind}`) }))]}
        onChange={(kind) => set({ kind: kind as DocumentKind | '' })}
      />
      <TextField type="date" label={t('documents.from')} value={value.from} max={value.to || undefined} onChange={(from) => set({ from })} />
      <TextField
        type="date"
        label={t('documents.to')}
        value={value.to}
        min={value.from || undefined}
        error={rangeIsReversed(value) ? t('documents.rangeReversed') : undefined}
        onChange={(to) => set({ to })}
      />
    </>
  );
}
