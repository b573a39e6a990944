/** The filter form of the notification log: source, verdict, days, and an exact search. */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Verdict } from '../../api/types.js';
import { FilterBar } from '../../components/filter-bar.js';
import { SelectField, TextField } from '../../components/form-field.js';
import { NO_NOTIFICATION_FILTERS, rangeIsReversed, VERDICTS } from './notification-filters.js';
import type { NotificationFilters } from './notification-filters.js';
import type { SourceItem } from './notification-queries.js';

export interface NotificationFilterBarProps {
  applied: NotificationFilters;
  sources: readonly SourceItem[];
  onApply(filters: NotificationFilters): void;
}

export function NotificationFilterBar({ applied, sources, onApply }: NotificationFilterBarProps) {
  const { t } = useTranslation();
  const [draft, setDraft] = useState<NotificationFilters>(applied);
  const reversed = rangeIsReversed(draft);
  const set = (patch: Partial<NotificationFilters>): void => setDraft({ ...draft, ...patch });
  // A source the preset names that is not in the list (deleted since) stays selectable.
  const sourceOptions = sources.map((source) => ({ value: source.id, label: source.name }));
  if (draft.sourceId && !sources.some((source) => source.id === draft.sourceId))
    sourceOptions.push({ value: draft.sourceId, label: draft.sourceId });

  return (
    <FilterBar
      label={t('notifications.filtersLabel')}
      onApply={() => {
        if (!reversed) onApply({ ...draft, q: draft.q.trim() });
      }}
      onReset={() => {
        setDraft(NO_NOTIFICATION_FILTERS);
        onApply(NO_NOTIFICATION_FILTERS);
      }}
    >
      <SelectField
        label={t('notifications.source')}
        value={draft.sourceId}
        options={[{ value: '', label: t('notifications.anySource') }, ...sourceOptions]}
        onChange={(sourceId) => set({ sourceId })}
      />
      <SelectField
        label={t('notifications.verdict')}
        value={draft.verdict}
        options={[
          { value: '', label: t('notifications.anyVerdict') },
          ...VERDICTS.map((verdict) => ({ value: verdict, label: t(`status.verdict.${verdict}`) })),
        ]}
        onChange={(verdict) => set({ verdict: verdict as Verdict | '' })}
      />
      <TextField
        type="date"
        label={t('notifications.from')}
        value={draft.from}
        max={draft.to || undefined}
        onChange={(from) => set({ from })}
      />
      <TextField
        type="date"
        label={t('notifications.to')}
        value={draft.to}
        min={draft.from || undefined}
        error={reversed ? t('notifications.rangeReversed') : undefined}
        onChange={(to) => set({ to })}
      />
      <TextField
        type="search"
        label={t('notifications.search')}
        help={t('notifications.searchHelp')}
        value={draft.q}
        maxLength={200}
        onChange={(q) => set({ q })}
        className="filter-search"
      />
    </FilterBar>
  );
}
