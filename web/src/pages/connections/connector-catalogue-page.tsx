/**
 * "Add connection": a card per installed connector, from the server's catalogue — whatever it
 * holds, nothing listed here by hand. The catalogue may describe a connector in the user's
 * language (`connections.connectors.<id>.description`); else the server's own text is shown.
 */
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { ErrorDisplay } from '../../components/error-display.js';
import { PageHeader } from '../../components/page-header.js';
import { Loading } from '../../components/states.js';
import { dynamicText } from '../../i18n/dynamic-text.js';
import { useConnectors } from './connection-queries.js';
import './connections.css';

export function ConnectorCataloguePage() {
  const { t, i18n } = useTranslation();
  const connectors = useConnectors();
  return (
    <>
      <PageHeader
        title={t('connections.catalogueTitle')}
        description={t('connections.catalogueIntro')}
      />
      {connectors.isPending ? <Loading /> : null}
      {connectors.isError ? (
        <ErrorDisplay error={connectors.error} onRetry={() => void connectors.refetch()} />
      ) : null}
      <div className="card-grid">
        {connectors.data?.map((connector) => (
          <article
            key={connector.id}
            className="card connector-card"
            aria-labelledby={`connector-${connector.id}`}
          >
            <h2 id={`connector-${connector.id}`} className="card-title">
              {connector.displayName}
            </h2>
            <p>
              {dynamicText(i18n, `connections.connectors.${connector.id}`) ?? connector.description}
            </p>
            <div className="card-actions">
              <Link
                className="button button-primary"
                to={`/connections/new/${connector.id}`}
                aria-label={t('connections.addConnector', { connector: connector.displayName })}
              >
                {t('connections.choose')}
              </Link>
            </div>
          </article>
        ))}
      </div>
      <p>
        <Link to="/connections">{t('connections.backToList')}</Link>
      </p>
    </>
  );
}
