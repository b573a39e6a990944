/** A connection's deliveries, newest first, paged on the server; each links to its detail with every attempt. */
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useApi } from '../../api/api-context.js';
import { DataTable } from '../../components/data-table.js';
import { ErrorDisplay } from '../../components/error-display.js';
import { DateTime } from '../../components/formatted.js';
import { Pager } from '../../components/pager.js';
import { Loading } from '../../components/states.js';
import { DeliveryStatusBadge } from '../../components/status-badge.js';
import { usePagedQuery } from '../../components/use-paged-query.js';
import { fetchDeliveriesPage } from './connection-queries.js';
import { eventTypeLabel } from './event-types.js';

export function RecentDeliveries({ connectionId }: { connectionId: string }) {
  const { t, i18n } = useTranslation();
  const { client } = useApi();
  const { query, paging } = usePagedQuery({ queryKey: ['deliveries', 'connection', connectionId], fetchPage: (cursor) => fetchDeliveriesPage(client, connectionId, cursor) });
  return (
    <section className="card" aria-labelledby="deliveries-title">
      <h2 id="deliveries-title">{t('connections.deliveries.title')}</h2>
      {query.isPending ? <Loading /> : null}
      {query.isError ? <ErrorDisplay error={query.error} onRetry={() => void query.refetch()} /> : null}
      {query.data ? (
        <DataTable
          caption={t('connections.deliveries.title')}
          columns={[
            { key: 'created', header: t('connections.deliveries.created'), cell: (row) => <Link to={`/deliveries/${row.id}`}><DateTime iso={row.createdAt} /></Link> },
            { key: 'event', header: t('connections.deliveries.event'), cell: (row) => (row.eventType ? eventTypeLabel(i18n, row.eventType) : row.eventId) },
            { key: 'status', header: t('connections.deliveries.status'), cell: (row) => <DeliveryStatusBadge status={row.status} /> },
            { key: 'attempts', header: t('connections.deliveries.attempts'), cell: (row) => row.attemptCount, className: 'numeric' },
            { key: 'error', header: t('connections.deliveries.lastError'), cell: (row) => (row.lastError && row.status !== 'delivered' ? row.lastError : '') },
          ]}
          rows={query.data.data}
          rowKey={(row) => row.id}
          empty={<p className="muted">{t('connections.deliveries.empty')}</p>}
        />
      ) : null}
      <Pager paging={paging} label={t('connections.deliveries.pages')} />
    </section>
  );
}
