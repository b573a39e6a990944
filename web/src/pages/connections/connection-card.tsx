import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { ActiveSwitch } from './active-switch.js';
import type { Connection, ConnectorEntry } from './connection-types.js';
import { FailingCounts, isFailing, LastDelivery } from './delivery-health.js';
import { FilterSummary } from './filter-summary.js';
import { SwitchedOffNotice } from './switched-off-notice.js';

export interface ConnectionCardProps {
  connection: Connection;
  connector: ConnectorEntry | undefined;
  sourceNames: ReadonlyMap<string, string>;
}

/** One connection on the list: what it is, whether it is on, what it receives and how its deliveries stand. */
export function ConnectionCard({ connection, connector, sourceNames }: ConnectionCardProps) {
  const { t } = useTranslation();
  const titleId = `connection-${connection.id}`;
  return (
    <article
      className={`card connection-card${isFailing(connection) ? ' connection-failing' : ''}${connection.active ? '' : ' connection-inactive'}`}
      aria-labelledby={titleId}
    >
      <header className="card-header">
        <h2 id={titleId} className="card-title">
          <Link to={`/connections/${connection.id}`}>{connection.name}</Link>
        </h2>
        <span className="card-kicker">{connector?.displayName ?? connection.connector}</span>
      </header>
      <ActiveSwitch connection={connection} />
      <SwitchedOffNotice connection={connection} />
      <FilterSummary filters={connection.filters} sourceNames={sourceNames} />
      <FailingCounts connection={connection} />
      <LastDelivery connection={connection} />
      <div className="card-actions">
        <Link className="button button-small" to={`/connections/${connection.id}`}>
          {t('connections.openDetails')}
        </Link>
        <Link className="button button-small" to={`/connections/${connection.id}/edit`}>
          {t('common.edit')}
        </Link>
      </div>
    </article>
  );
}
