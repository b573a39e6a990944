/** Events of the chart's days by type, largest first, as a table with a bar per type. */
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { CardSection } from '../../components/card-section.js';
import { DataTable } from '../../components/data-table.js';
import { useEventTypeName } from '../../i18n/event-type-name.js';
import { useFormat } from '../../i18n/use-format.js';
import { sumIntoDays, totalsOf } from './daily-counts.js';
import type { Overview, OverviewWindow } from './overview-queries.js';

export function EventsByType({ overview, range }: { overview: Overview; range: OverviewWindow }) {
  const { t, i18n } = useTranslation();
  const rtl = i18n.dir() === 'rtl';
  const format = useFormat();
  const typeName = useEventTypeName();
  const totals = useMemo(
    () => totalsOf(sumIntoDays(overview.hourly, 'events', range.days, range.timeZone)),
    [overview.hourly, range],
  );
  const largest = totals[0]?.count ?? 1;
  return (
    <CardSection title={t('overview.eventsByType')} className="overview-section">
      <DataTable
        caption={t('overview.eventsByType')}
        columns={[
          { key: 'type', header: t('overview.eventType'), cell: (row) => typeName(row.key) },
          {
            key: 'count',
            header: t('overview.count'),
            className: 'numeric',
            cell: (row) => format.number(row.count),
          },
          {
            key: 'bar',
            header: <span className="visually-hidden">{t('overview.share')}</span>,
            className: 'bar-cell',
            cell: (row) => (
              <svg
                className="type-bar"
                viewBox="0 0 100 10"
                preserveAspectRatio="none"
                aria-hidden="true"
              >
                {/* Grows from the start of the line, as the text does. */}
                <rect
                  x={rtl ? 100 - Math.max(1, (row.count / largest) * 100) : 0}
                  width={Math.max(1, (row.count / largest) * 100)}
                  height="10"
                />
              </svg>
            ),
          },
        ]}
        rows={totals}
        rowKey={(row) => row.key}
        empty={<p>{t('overview.noEvents')}</p>}
      />
    </CardSection>
  );
}
