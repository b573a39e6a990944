/** Edit a connection: its settings, actions, filters and error addresses; stored secrets stay unless replaced or removed. */
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams } from 'react-router';
import { ErrorDisplay } from '../../components/error-display.js';
import { PageHeader } from '../../components/page-header.js';
import { Loading } from '../../components/states.js';
import { storedConnectionValue, updateBody } from './connection-form-value.js';
import { ConnectionForm } from './connection-form.js';
import {
  connectorById,
  useConnection,
  useConnectors,
  useUpdateConnection,
} from './connection-queries.js';
import './connections.css';

export function EditConnectionPage() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const navigate = useNavigate();
  const connectors = useConnectors();
  const connection = useConnection(id);
  const update = useUpdateConnection(id);
  if (connectors.isPending || connection.isPending) return <Loading />;
  if (connectors.isError)
    return <ErrorDisplay error={connectors.error} onRetry={() => void connectors.refetch()} />;
  if (connection.isError)
    return <ErrorDisplay error={connection.error} onRetry={() => void connection.refetch()} />;
  const stored = connection.data;
  const connector = connectorById(connectors.data, stored.connector);
  if (!connector)
    return (
      <ErrorDisplay
        error={new Error(t('connections.connectorMissing', { connector: stored.connector }))}
      />
    );

  return (
    <>
      <PageHeader
        title={t('connections.editTitle', { name: stored.name })}
        description={connector.displayName}
      />
      <ConnectionForm
        connector={connector}
        initial={storedConnectionValue(stored)}
        secrets={stored.secretFields}
        previewTarget={{ connectionId: stored.id }}
        storedConfig={stored.config}
        submitLabel={t('common.save')}
        busy={update.isPending}
        error={update.error}
        onCancel={() => void navigate(`/connections/${id}`)}
        onSubmit={(value) =>
          update.mutate(updateBody(connector, stored, value), {
            onSuccess: () => void navigate(`/connections/${id}`),
          })
        }
      />
    </>
  );
}
