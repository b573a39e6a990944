/** Add a connection for one connector: the generated form; then the connection's page (with a generated signing secret, shown once). */
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams } from 'react-router';
import { CREATED_STATE } from '../../components/created-notice.js';
import { ErrorDisplay } from '../../components/error-display.js';
import { PageHeader } from '../../components/page-header.js';
import { Loading } from '../../components/states.js';
import { NotFoundPage } from '../not-found-page.js';
import { createBody, newConnectionValue } from './connection-form-value.js';
import { ConnectionForm } from './connection-form.js';
import { connectorById, useConnectors, useCreateConnection } from './connection-queries.js';
import './connections.css';

export function AddConnectionPage() {
  const { t } = useTranslation();
  const { connector: connectorId = '' } = useParams();
  const navigate = useNavigate();
  const connectors = useConnectors();
  const create = useCreateConnection();
  if (connectors.isPending) return <Loading />;
  if (connectors.isError)
    return <ErrorDisplay error={connectors.error} onRetry={() => void connectors.refetch()} />;
  const connector = connectorById(connectors.data, connectorId);
  if (!connector) return <NotFoundPage />;

  return (
    <>
      <PageHeader
        title={t('connections.addTitle', { connector: connector.displayName })}
        description={t('connections.addIntro')}
      />
      <ConnectionForm
        connector={connector}
        initial={newConnectionValue(connector)}
        previewTarget={{ connector: connector.id }}
        submitLabel={t('connections.create')}
        busy={create.isPending}
        error={create.error}
        onCancel={() => void navigate('/connections/new')}
        onSubmit={(value) =>
          create.mutate(createBody(connector, value), {
            onSuccess: (written) =>
              void navigate(`/connections/${written.id}`, { state: CREATED_STATE }),
          })
        }
      />
    </>
  );
}
