/**
 * One connection: whether it is on, how its deliveries stand (with "Redeliver all" after a
 * fix), "Test connection", "Send past events", what it receives, its error addresses, its recent deliveries, and
 * edit and delete — deleting keeps the delivery history and touches nothing already sent.
 */
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { CreatedNotice } from '../../components/created-notice.js';
import { DeleteAction } from '../../components/delete-action.js';
import { CardSection } from '../../components/card-section.js';
import { ErrorDisplay } from '../../components/error-display.js';
import { DateTime } from '../../components/formatted.js';
import { PageHeader } from '../../components/page-header.js';
import { Loading } from '../../components/states.js';
import { RedeliverAll } from '../deliveries/redeliver-all.js';
import { ActiveSwitch } from './active-switch.js';
import { SwitchedOffNotice } from './switched-off-notice.js';
import {
  connectorById,
  useConnection,
  useConnectors,
  useDeleteConnection,
  useSourcesForFilter,
} from './connection-queries.js';
import { describeConnectorField } from './connector-schema.js';
import { FailingCounts, LastDelivery } from './delivery-health.js';
import { FilterSummary } from './filter-summary.js';
import { GeneratedSecrets } from './generated-secrets.js';
import { RecentDeliveries } from './recent-deliveries.js';
import { SendPastEvents } from './send-past-events.js';
import { TestConnection } from './test-connection.js';
import './connections.css';

export function ConnectionPage() {
  const { t, i18n } = useTranslation();
  const { id = '' } = useParams();
  const navigate = useNavigate();
  const connectors = useConnectors();
  const sources = useSourcesForFilter();
  const connection = useConnection(id);
  const remove = useDeleteConnection(id);
  // The page names the connector and the filters' sources: it waits for both lists too, so no
  // id shows before its name (a list that fails leaves its ids).
  if (connection.isPending || connectors.isPending || sources.isPending) return <Loading />;
  if (connection.isError)
    return <ErrorDisplay error={connection.error} onRetry={() => void connection.refetch()} />;
  const data = connection.data;
  const connector = connectorById(connectors.data, data.connector);
  const sourceNames = new Map((sources.data?.data ?? []).map((source) => [source.id, source.name]));
  const target = connector?.displayName ?? data.connector;

  return (
    <>
      <PageHeader
        title={data.name}
        description={target}
        actions={
          <>
            <Link className="button" to={`/connections/${data.id}/edit`}>
              {t('common.edit')}
            </Link>
            <DeleteAction
              title={t('connections.deleteTitle', { name: data.name })}
              remove={remove}
              onDeleted={() => void navigate('/connections', { replace: true })}
            >
              <p>{t('connections.deleteBody', { target })}</p>
            </DeleteAction>
          </>
        }
      />
      <CreatedNotice>{t('connections.created')}</CreatedNotice>
      <GeneratedSecrets
        connectionId={data.id}
        connector={connector}
        describe={describeConnectorField(i18n, data.connector)}
      />
      <CardSection title={t('connections.status')}>
        <ActiveSwitch connection={data} />
        <SwitchedOffNotice connection={data} />
        <FailingCounts connection={data} />
        <LastDelivery connection={data} />
        <RedeliverAll connectionId={data.id} connectionName={data.name} />
      </CardSection>
      <TestConnection connectionId={data.id} />
      <SendPastEvents connectionId={data.id} active={data.active} />
      <CardSection title={t('connections.filters.title')}>
        <FilterSummary filters={data.filters} sourceNames={sourceNames} complete />
        <h3>{t('connections.form.errorEmails')}</h3>
        {data.errorEmails.length > 0 ? (
          <ul className="plain-list">
            {data.errorEmails.map((email) => (
              <li key={email}>{email}</li>
            ))}
          </ul>
        ) : (
          <p className="muted">{t('connections.noErrorEmails')}</p>
        )}
        <p className="muted">
          {t('connections.createdAt')}: <DateTime iso={data.createdAt} /> ·{' '}
          {t('connections.updatedAt')}: <DateTime iso={data.updatedAt} />
        </p>
      </CardSection>
      <RecentDeliveries connectionId={data.id} />
    </>
  );
}
