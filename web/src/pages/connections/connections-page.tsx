/**
 * Connections: a card per configured target (its connector, name, active switch, what it
 * receives, how its deliveries stand), and "Add connection".
 */
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useApi } from '../../api/api-context.js';
import { ErrorDisplay } from '../../components/error-display.js';
import { PageHeader } from '../../components/page-header.js';
import { Pager } from '../../components/pager.js';
import { EmptyState, Loading } from '../../components/states.js';
import { usePagedQuery } from '../../components/use-paged-query.js';
import { ConnectionCard } from './connection-card.js';
import {
  CONNECTIONS_KEY,
  connectorById,
  fetchConnectionsPage,
  useConnectors,
  useSourcesForFilter,
} from './connection-queries.js';
import './connections.css';

export function ConnectionsPage() {
  const { t } = useTranslation();
  const { client } = useApi();
  const connectors = useConnectors();
  const sources = useSourcesForFilter();
  const { query, paging } = usePagedQuery({
    queryKey: [...CONNECTIONS_KEY, 'list'],
    fetchPage: (cursor) => fetchConnectionsPage(client, cursor),
  });
  const sourceNames = new Map((sources.data?.data ?? []).map((source) => [source.id, source.name]));
  // The cards name each connection's connector and sources: they wait for both lists, so no id
  // shows before its name (a list that fails leaves its ids).
  const waiting = query.isPending || connectors.isPending || sources.isPending;
  const add = (
    <Link className="button button-primary" to="/connections/new">
      {t('connections.add')}
    </Link>
  );

  return (
    <>
      <PageHeader
        title={t('nav.connections')}
        description={t('connections.description')}
        actions={add}
      />
      {connectors.isError ? (
        <ErrorDisplay error={connectors.error} onRetry={() => void connectors.refetch()} />
      ) : null}
      {waiting ? <Loading /> : null}
      {query.isError ? (
        <ErrorDisplay error={query.error} onRetry={() => void query.refetch()} />
      ) : null}
      {query.data && !waiting ? (
        query.data.data.length === 0 ? (
          <EmptyState title={t('connections.emptyTitle')}>{t('connections.emptyBody')}</EmptyState>
        ) : (
          <div className="card-grid">
            {query.data.data.map((connection) => (
              <ConnectionCard
                key={connection.id}
                connection={connection}
                connector={connectorById(connectors.data, connection.connector)}
                sourceNames={sourceNames}
              />
            ))}
          </div>
        )
      ) : null}
      <Pager paging={paging} />
    </>
  );
}
