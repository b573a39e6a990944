/**
 * Which events a connection receives, as on Digistore24's IPN connection screen: sources,
 * event types (affiliations included), products, add-ons (include / exclude / only),
 * languages, payments (all / first / rebills) and test events. An empty list means "all".
 */
import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { CheckboxField } from '../../components/form-field.js';
import type { ConnectionFilters } from './connection-types.js';
import { useSourcesForFilter } from './connection-queries.js';
import { eventTypeName } from '../../i18n/event-type-name.js';
import { FILTERABLE_EVENT_TYPES } from './event-types.js';
import { ListField } from './list-field.js';

export type FilterProblems = ReadonlyMap<keyof ConnectionFilters, string>;

interface RadioGroupProps<V extends string> {
  legend: string;
  help?: string;
  value: V;
  options: ReadonlyArray<{ value: V; label: string }>;
  onChange(value: V): void;
  error?: string | undefined;
  disabled: boolean;
}

function RadioGroup<V extends string>({
  legend,
  help,
  value,
  options,
  onChange,
  error,
  disabled,
}: RadioGroupProps<V>) {
  const name = useId();
  return (
    <fieldset className={`radio-group${error ? ' field-invalid' : ''}`}>
      <legend>{legend}</legend>
      {help ? <p className="field-help">{help}</p> : null}
      {options.map((option) => (
        <div key={option.value} className="field field-checkbox">
          <input
            id={`${name}-${option.value}`}
            type="radio"
            name={name}
            value={option.value}
            checked={value === option.value}
            onChange={() => onChange(option.value)}
            disabled={disabled}
          />
          <label htmlFor={`${name}-${option.value}`} className="field-label">
            {option.label}
          </label>
        </div>
      ))}
      {error ? <p className="field-error">{error}</p> : null}
    </fieldset>
  );
}

function toggled<T>(list: readonly T[], item: T, on: boolean, order: readonly T[]): T[] {
  return on
    ? order.filter((entry) => entry === item || list.includes(entry))
    : list.filter((entry) => entry !== item);
}

export interface FiltersFieldsProps {
  value: ConnectionFilters;
  onChange(value: ConnectionFilters): void;
  problems: FilterProblems;
  disabled: boolean;
}

export function FiltersFields({ value, onChange, problems, disabled }: FiltersFieldsProps) {
  const { t, i18n } = useTranslation();
  const sources = useSourcesForFilter();
  const set = <K extends keyof ConnectionFilters>(key: K, next: ConnectionFilters[K]): void =>
    onChange({ ...value, [key]: next });
  const sourceIds = sources.data?.data.map((source) => source.id) ?? [];
  // Sources chosen earlier and deleted since stay listed, so they can be taken out.
  const unknownSources = value.sources.filter((id) => !sourceIds.includes(id));

  return (
    <section className="form-section" aria-labelledby="filters-title">
      <h2 id="filters-title">{t('connections.filters.title')}</h2>
      <p className="field-help">{t('connections.filters.intro')}</p>
      <fieldset className="schema-choices">
        <legend>{t('connections.filters.eventTypes')}</legend>
        <p className="field-help">{t('connections.filters.eventTypesHelp')}</p>
        <div className="choices">
          {FILTERABLE_EVENT_TYPES.map((type) => (
            <CheckboxField
              key={type}
              label={eventTypeName(i18n, type)}
              checked={value.eventTypes.includes(type)}
              onChange={(on) =>
                set('eventTypes', toggled(value.eventTypes, type, on, FILTERABLE_EVENT_TYPES))
              }
              disabled={disabled}
            />
          ))}
        </div>
        {problems.get('eventTypes') ? (
          <p className="field-error">{problems.get('eventTypes')}</p>
        ) : null}
      </fieldset>
      <fieldset className="schema-choices">
        <legend>{t('connections.filters.sources')}</legend>
        <p className="field-help">{t('connections.filters.sourcesHelp')}</p>
        {sources.data && sources.data.data.length === 0 && unknownSources.length === 0 ? (
          <p className="schema-empty">{t('connections.filters.noSources')}</p>
        ) : null}
        <div className="choices">
          {sources.data?.data.map((source) => (
            <CheckboxField
              key={source.id}
              label={source.name}
              checked={value.sources.includes(source.id)}
              onChange={(on) =>
                set(
                  'sources',
                  toggled(value.sources, source.id, on, [...sourceIds, ...unknownSources]),
                )
              }
              disabled={disabled}
            />
          ))}
          {unknownSources.map((id) => (
            <CheckboxField
              key={id}
              label={t('connections.filters.deletedSource', { id })}
              checked
              onChange={() =>
                set(
                  'sources',
                  value.sources.filter((entry) => entry !== id),
                )
              }
              disabled={disabled}
            />
          ))}
        </div>
        {problems.get('sources') ? <p className="field-error">{problems.get('sources')}</p> : null}
      </fieldset>
      <ListField
        label={t('connections.filters.productIds')}
        help={t('connections.filters.productIdsHelp')}
        value={value.productIds}
        onChange={(next) => set('productIds', next)}
        error={problems.get('productIds')}
        disabled={disabled}
      />
      <RadioGroup
        legend={t('connections.filters.addons')}
        value={value.addons}
        options={(['include', 'exclude', 'only'] as const).map((option) => ({
          value: option,
          label: t(`connections.filters.addonsOption.${option}`),
        }))}
        onChange={(next) => set('addons', next)}
        error={problems.get('addons')}
        disabled={disabled}
      />
      <ListField
        label={t('connections.filters.languages')}
        help={t('connections.filters.languagesHelp')}
        value={value.languages}
        onChange={(next) => set('languages', next)}
        normalize={(entry) => entry.toLowerCase()}
        error={problems.get('languages')}
        disabled={disabled}
      />
      <RadioGroup
        legend={t('connections.filters.payments')}
        help={t('connections.filters.paymentsHelp')}
        value={value.payments}
        options={(['all', 'first', 'rebills'] as const).map((option) => ({
          value: option,
          label: t(`connections.filters.paymentsOption.${option}`),
        }))}
        onChange={(next) => set('payments', next)}
        error={problems.get('payments')}
        disabled={disabled}
      />
      <CheckboxField
        label={t('connections.filters.includeTest')}
        help={t('connections.filters.includeTestHelp')}
        checked={value.includeTest}
        onChange={(next) => set('includeTest', next)}
        error={problems.get('includeTest')}
        disabled={disabled}
      />
    </section>
  );
}
