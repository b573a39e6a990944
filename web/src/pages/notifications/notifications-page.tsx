/**
 * The notification log: every request that reached an inbound URL, newest first, with its
 * verdict. Filters (source, verdict, days, exact search) and paging run on the server.
 */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation } from 'react-router';
import { DataTable } from '../../components/data-table.js';
import { ErrorDisplay } from '../../components/error-display.js';
import { DateTime, Num } from '../../components/formatted.js';
import { PageHeader } from '../../components/page-header.js';
import { Pager } from '../../components/pager.js';
import { EmptyState, Loading } from '../../components/states.js';
import { VerdictBadge } from '../../components/status-badge.js';
import { useVerdictCodeTitle } from './verdict-explanation.js';
import { NotificationFilterBar } from './notification-filter-bar.js';
import { NO_NOTIFICATION_FILTERS, notificationFiltersOf } from './notification-filters.js';
import type { NotificationFilters } from './notification-filters.js';
import { useNotificationsPage, useSourceList } from './notification-queries.js';
import type { InboundRequestItem, SourceItem } from './notification-queries.js';

function SourceName({
  item,
  sources,
}: {
  item: InboundRequestItem;
  sources: readonly SourceItem[] | undefined;
}) {
  const { t } = useTranslation();
  if (item.sourceId === null)
    return <span className="muted">{t('notifications.unknownSource')}</span>;
  const source = sources?.find((s) => s.id === item.sourceId);
  return source ? (
    <Link to={`/sources/${source.id}`}>{source.name}</Link>
  ) : (
    <code>{item.sourceId}</code>
  );
}

/** Each visit starts from the filters it was opened with (router state), none by default. */
export function NotificationsPage() {
  const location = useLocation();
  return <NotificationLog key={location.key} preset={notificationFiltersOf(location.state)} />;
}

function NotificationLog({ preset }: { preset: NotificationFilters }) {
  const { t } = useTranslation();
  const [filters, setFilters] = useState<NotificationFilters>(preset);
  const sources = useSourceList();
  const { query, paging } = useNotificationsPage(filters);
  const codeTitle = useVerdictCodeTitle();
  const filtered = JSON.stringify(filters) !== JSON.stringify(NO_NOTIFICATION_FILTERS);

  return (
    <>
      <PageHeader title={t('nav.notifications')} description={t('notifications.description')} />
      <NotificationFilterBar applied={filters} sources={sources.data ?? []} onApply={setFilters} />
      {sources.isError ? (
        <ErrorDisplay error={sources.error} onRetry={() => void sources.refetch()} />
      ) : null}
      {query.isPending ? <Loading /> : null}
      {query.isError ? (
        <ErrorDisplay error={query.error} onRetry={() => void query.refetch()} />
      ) : null}
      {query.data ? (
        <DataTable
          caption={t('notifications.tableCaption')}
          rows={query.data.data}
          rowKey={(item) => item.id}
          empty={
            <EmptyState
              title={filtered ? t('notifications.noMatchTitle') : t('notifications.emptyTitle')}
            >
              {filtered ? t('notifications.noMatchBody') : t('notifications.emptyBody')}
            </EmptyState>
          }
          columns={[
            {
              key: 'received',
              header: t('notifications.columns.received'),
              cell: (item) => (
                <Link to={`/notifications/${item.id}`}>
                  <DateTime iso={item.receivedAt} />
                </Link>
              ),
            },
            {
              key: 'source',
              header: t('notifications.columns.source'),
              cell: (item) => <SourceName item={item} sources={sources.data} />,
            },
            {
              key: 'verdict',
              header: t('notifications.columns.verdict'),
              cell: (item) => (
                <>
                  <VerdictBadge verdict={item.verdict} />
                  {item.verdictCode ? (
                    <span className="cell-note">{codeTitle(item.verdictCode)}</span>
                  ) : null}
                </>
              ),
            },
            {
              key: 'events',
              header: t('notifications.columns.events'),
              className: 'numeric',
              cell: (item) => <Num value={item.eventIds.length} />,
            },
          ]}
        />
      ) : null}
      <Pager paging={paging} />
    </>
  );
}
