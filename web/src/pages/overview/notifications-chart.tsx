/**
 * Notifications per day by verdict over the chart's days: the chart, a legend whose entries
 * link to the notifications of that verdict, and the same numbers as a table (each day links
 * to that day's notifications).
 */
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import type { Verdict } from '../../api/types.js';
import { presetState } from '../../app/list-presets.js';
import { CardSection } from '../../components/card-section.js';
import { DataTable } from '../../components/data-table.js';
import type { Column } from '../../components/data-table.js';
import { VERDICT_TONES } from '../../components/status-badge.js';
import { useFormat } from '../../i18n/use-format.js';
import { sumIntoDays, totalsOf } from './daily-counts.js';
import type { DayCounts } from './daily-counts.js';
import type { Overview, OverviewWindow } from './overview-queries.js';
import { StackedBarChart } from './stacked-bar-chart.js';

/** Bottom to top: what worked, what waits, what failed (the badges' order). */
const VERDICTS = Object.keys(VERDICT_TONES) as Verdict[];

function isVerdict(key: string): key is Verdict {
  return (VERDICTS as string[]).includes(key);
}

export function NotificationsChart({
  overview,
  range,
}: {
  overview: Overview;
  range: OverviewWindow;
}) {
  const { t, i18n } = useTranslation();
  const format = useFormat();
  const navigate = useNavigate();
  const days = useMemo(
    () => sumIntoDays(overview.hourly, 'verdicts', range.days, range.timeZone),
    [overview.hourly, range],
  );
  const totals = totalsOf(days).filter((entry) => isVerdict(entry.key));
  const shown = VERDICTS.filter((verdict) => totals.some((entry) => entry.key === verdict));
  const total = days.reduce((sum, day) => sum + day.total, 0);
  const dayFormat = useMemo(
    () =>
      new Intl.DateTimeFormat(format.locale, { day: 'numeric', month: 'short', timeZone: 'UTC' }),
    [format.locale],
  );
  const longDayFormat = useMemo(
    () => new Intl.DateTimeFormat(format.locale, { dateStyle: 'full', timeZone: 'UTC' }),
    [format.locale],
  );
  const asDate = (day: string): Date => new Date(`${day}T00:00:00.000Z`);
  const list = new Intl.ListFormat(format.locale, { type: 'conjunction' });
  const parts = (counts: Record<string, number>): string =>
    list.format(
      shown
        .filter((verdict) => (counts[verdict] ?? 0) > 0)
        .map((verdict) =>
          t('overview.countPart', {
            label: t(`status.verdict.${verdict}`),
            formatted: format.number(counts[verdict] ?? 0),
          }),
        ),
    );

  if (total === 0) {
    return (
      <CardSection
        title={t('overview.notificationsPerDay')}
        className="overview-section overview-wide"
      >
        <p>{t('overview.noNotifications')}</p>
      </CardSection>
    );
  }

  const columns: Column<DayCounts>[] = [
    {
      key: 'day',
      header: t('overview.day'),
      cell: (day) => (
        <Link to="/notifications" state={presetState({ from: day.from, to: day.to })}>
          {longDayFormat.format(asDate(day.day))}
        </Link>
      ),
    },
    ...shown.map((verdict) => ({
      key: verdict,
      header: t(`status.verdict.${verdict}`),
      className: 'numeric',
      cell: (day: DayCounts) => format.number(day.counts[verdict] ?? 0),
    })),
    {
      key: 'total',
      header: t('overview.total'),
      className: 'numeric',
      cell: (day) => format.number(day.total),
    },
  ];

  return (
    <CardSection
      title={t('overview.notificationsPerDay')}
      className="overview-section overview-wide"
    >
      <StackedBarChart
        title={t('overview.notificationsPerDay')}
        summary={t('overview.chartSummary', {
          count: total,
          parts: parts(Object.fromEntries(totals.map((entry) => [entry.key, entry.count]))),
        })}
        days={days}
        series={shown.map((verdict) => ({
          key: verdict,
          label: t(`status.verdict.${verdict}`),
          className: `series-${verdict}`,
        }))}
        dayLabel={(day) => dayFormat.format(asDate(day))}
        dayTitle={(day) =>
          `${longDayFormat.format(asDate(day.day))}: ${day.total === 0 ? t('overview.noneThatDay') : parts(day.counts)}`
        }
        formatNumber={format.number}
        rtl={i18n.dir() === 'rtl'}
        onSelectDay={(day) =>
          void navigate('/notifications', { state: presetState({ from: day.from, to: day.to }) })
        }
      />
      <ul className="chart-legend" aria-label={t('overview.legend')}>
        {shown.map((verdict) => (
          <li key={verdict}>
            <span className={`legend-swatch series-${verdict}`} aria-hidden="true" />
            <Link to="/notifications" state={presetState({ verdict, from: range.from })}>
              {t('overview.countPart', {
                label: t(`status.verdict.${verdict}`),
                formatted: format.number(totals.find((entry) => entry.key === verdict)?.count ?? 0),
              })}
            </Link>
          </li>
        ))}
      </ul>
      <details className="chart-table">
        <summary>{t('overview.showTable')}</summary>
        <DataTable
          caption={t('overview.notificationsPerDay')}
          columns={columns}
          rows={[...days].reverse()}
          rowKey={(day) => day.day}
          empty={null}
        />
      </details>
    </CardSection>
  );
}
