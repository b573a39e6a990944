/** A connection's deliveries, newest first, paged on the server; each links to its detail with every attempt. */
import { useTranslation } from 'react-i18next';
import { useApi } from '../../api/api-context.js';
import { CardSection } from '../../components/card-section.js';
import { DataTable } from '../../components/data-table.js';
import { ErrorDisplay } from '../../components/error-display.js';
import { Pager } from '../../components/pager.js';
import { Loading } from '../../components/states.js';
import { usePagedQuery } from '../../components/use-paged-query.js';
import { useDeliveryColumns } from '../deliveries/delivery-columns.js';
import { fetchDeliveriesPage } from './connection-queries.js';

export function RecentDeliveries({ connectionId }: { connectionId: string }) {
  const { t } = useTranslation();
  const { client } = useApi();
  const columns = useDeliveryColumns({ withEvent: true, withConnection: false });
  const { query, paging } = usePagedQuery({
    queryKey: ['deliveries', 'connection', connectionId],
    fetchPage: (cursor) => fetchDeliveriesPage(client, connectionId, cursor),
  });
  return (
    <CardSection title={t('connections.deliveries.title')}>
      {query.isPending ? <Loading /> : null}
      {query.isError ? (
        <ErrorDisplay error={query.error} onRetry={() => void query.refetch()} />
      ) : null}
      {query.data ? (
        <DataTable
          caption={t('connections.deliveries.title')}
          columns={columns}
          rows={query.data.data}
          rowKey={(row) => row.id}
          empty={<p className="muted">{t('connections.deliveries.empty')}</p>}
        />
      ) : null}
      <Pager paging={paging} label={t('connections.deliveries.pages')} />
    </CardSection>
  );
}
