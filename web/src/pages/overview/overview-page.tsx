/**
 * The start page: what needs attention, deliveries and the queue, notifications per day by
 * verdict and events by type over the last 30 days (days of the browser's time zone).
 */
import { useTranslation } from 'react-i18next';
import { ErrorDisplay } from '../../components/error-display.js';
import { PageHeader } from '../../components/page-header.js';
import { Loading } from '../../components/states.js';
import { Attention } from './attention.js';
import { DeliveriesSummary } from './deliveries-summary.js';
import { EventsByType } from './events-by-type.js';
import { NotificationsChart } from './notifications-chart.js';
import { OVERVIEW_DAYS, useOverview, useOverviewWindow } from './overview-queries.js';
import './overview.css';

export function OverviewPage({ timeZone }: { timeZone?: string }) {
  const { t } = useTranslation();
  const range = useOverviewWindow(timeZone);
  const overview = useOverview(range.hours);
  return (
    <>
      <PageHeader
        title={t('nav.overview')}
        description={t('overview.description', { count: OVERVIEW_DAYS })}
      />
      {overview.isPending ? <Loading /> : null}
      {overview.isError ? (
        <ErrorDisplay error={overview.error} onRetry={() => void overview.refetch()} />
      ) : null}
      {overview.data ? (
        <div className="overview">
          <Attention overview={overview.data} from={range.from} />
          <DeliveriesSummary overview={overview.data} />
          <NotificationsChart overview={overview.data} range={range} />
          <EventsByType overview={overview.data} range={range} />
        </div>
      ) : null}
    </>
  );
}
