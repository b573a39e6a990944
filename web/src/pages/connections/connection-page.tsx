/**
 * One connection: whether it is on, how its deliveries stand (with "Redeliver all" after a
 * fix), "Test connection", what it receives, its error addresses, its recent deliveries, and
 * edit and delete — deleting keeps the delivery history and touches nothing already sent.
 */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation, useNavigate, useParams } from 'react-router';
import { ConfirmDialog } from '../../components/confirm-dialog.js';
import { ErrorDisplay } from '../../components/error-display.js';
import { DateTime } from '../../components/formatted.js';
import { PageHeader } from '../../components/page-header.js';
import { Loading } from '../../components/states.js';
import { ActiveSwitch } from './active-switch.js';
import { connectorById, useConnection, useConnectors, useDeleteConnection, useSourcesForFilter } from './connection-queries.js';
import { describeConnectorField } from './connector-schema.js';
import { FailingCounts, LastDelivery } from './delivery-health.js';
import { FilterSummary } from './filter-summary.js';
import { GeneratedSecrets } from './generated-secrets.js';
import { RecentDeliveries } from './recent-deliveries.js';
import { RedeliverAll } from './redeliver-all.js';
import { TestConnection } from './test-connection.js';
import './connections.css';

function justCreated(state: unknown): boolean {
  return typeof state === 'object' && state !== null && (state as Record<string, unknown>).created === true;
}

export function ConnectionPage() {
  const { t, i18n } = useTranslation();
  const { id = '' } = useParams();
  const location = useLocation();
  const navigate = useNavigate();
  const connectors = useConnectors();
  const sources = useSourcesForFilter();
  const connection = useConnection(id);
  const remove = useDeleteConnection(id);
  const [confirming, setConfirming] = useState(false);
  if (connection.isPending) return <Loading />;
  if (connection.isError) return <ErrorDisplay error={connection.error} onRetry={() => void connection.refetch()} />;
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
            <button type="button" className="button button-danger" onClick={() => setConfirming(true)}>
              {t('common.delete')}
            </button>
          </>
        }
      />
      {justCreated(location.state) ? (
        <p className="notice notice-success" role="status">
          {t('connections.created')}
        </p>
      ) : null}
      <GeneratedSecrets connectionId={data.id} connector={connector} describe={describeConnectorField(i18n, data.connector)} />
      <section className="card" aria-labelledby="status-title">
        <h2 id="status-title">{t('connections.status')}</h2>
        <ActiveSwitch connection={data} />
        <FailingCounts connection={data} />
        <LastDelivery connection={data} />
        <RedeliverAll connection={data} />
      </section>
      <TestConnection connectionId={data.id} />
      <section className="card" aria-labelledby="receives-title">
        <h2 id="receives-title">{t('connections.filters.title')}</h2>
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
          {t('connections.createdAt')}: <DateTime iso={data.createdAt} /> · {t('connections.updatedAt')}: <DateTime iso={data.updatedAt} />
        </p>
      </section>
      <RecentDeliveries connectionId={data.id} />
      {remove.isError ? <ErrorDisplay error={remove.error} /> : null}
      <ConfirmDialog
        open={confirming}
        title={t('connections.deleteTitle', { name: data.name })}
        confirmLabel={t('common.delete')}
        danger
        busy={remove.isPending}
        onCancel={() => setConfirming(false)}
        onConfirm={() =>
          remove.mutate(undefined, {
            onSuccess: () => void navigate('/connections', { replace: true }),
            onSettled: () => setConfirming(false),
          })
        }
      >
        <p>{t('connections.deleteBody', { target })}</p>
      </ConfirmDialog>
    </>
  );
}
