/** The filters of a connection in words: which events it receives (everything not limited is "all"). */
import { Fragment } from 'react';
import { useTranslation } from 'react-i18next';
import type { ConnectionFilters } from './connection-types.js';
import { eventTypeName } from '../../i18n/event-type-name.js';

export interface FilterSummaryProps {
  filters: ConnectionFilters;
  /** Source names by id (ids are shown for sources not found). */
  sourceNames: ReadonlyMap<string, string>;
  /** Also list the rules that are left at "all" (the connection's page); the card shows only what limits. */
  complete?: boolean;
}

export function FilterSummary({ filters, sourceNames, complete = false }: FilterSummaryProps) {
  const { t, i18n } = useTranslation();
  const facts: Array<{ key: string; label: string; value: string }> = [];
  const add = (key: string, label: string, value: string, limited: boolean): void => {
    if (limited || complete) facts.push({ key, label, value });
  };
  const list = (values: readonly string[]): string => values.join(', ');
  add(
    'eventTypes',
    t('connections.filters.eventTypes'),
    filters.eventTypes.length > 0
      ? list(filters.eventTypes.map((type) => eventTypeName(i18n, type)))
      : t('connections.summary.allEvents'),
    true,
  );
  add(
    'sources',
    t('connections.filters.sources'),
    filters.sources.length > 0
      ? list(filters.sources.map((id) => sourceNames.get(id) ?? id))
      : t('connections.summary.allSources'),
    filters.sources.length > 0,
  );
  add(
    'productIds',
    t('connections.filters.productIds'),
    filters.productIds.length > 0 ? list(filters.productIds) : t('connections.summary.allProducts'),
    filters.productIds.length > 0,
  );
  add(
    'addons',
    t('connections.filters.addons'),
    t(`connections.filters.addonsOption.${filters.addons}`),
    filters.addons !== 'include',
  );
  add(
    'languages',
    t('connections.filters.languages'),
    filters.languages.length > 0 ? list(filters.languages) : t('connections.summary.allLanguages'),
    filters.languages.length > 0,
  );
  add(
    'payments',
    t('connections.filters.payments'),
    t(`connections.filters.paymentsOption.${filters.payments}`),
    filters.payments !== 'all',
  );
  add(
    'includeTest',
    t('connections.summary.testEvents'),
    filters.includeTest
      ? t('connections.summary.testIncluded')
      : t('connections.summary.testExcluded'),
    filters.includeTest,
  );
  return (
    <dl className="facts filter-summary">
      {facts.map((fact) => (
        <Fragment key={fact.key}>
          <dt>{fact.label}</dt>
          <dd>{fact.value}</dd>
        </Fragment>
      ))}
    </dl>
  );
}
