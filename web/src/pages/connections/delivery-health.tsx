/**
 * How a connection's deliveries stand: what needs attention now (given up, failed, waiting for
 * a retry) and the latest delivery with its outcome. Words, never colour alone.
 */
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { DateTime } from '../../components/formatted.js';
import { Badge, DeliveryStatusBadge } from '../../components/status-badge.js';
import type { Connection } from './connection-types.js';
import { eventTypeLabel } from './event-types.js';

type Health = Pick<Connection, 'lastDelivery' | 'dead' | 'failed' | 'retrying'>;

export function isFailing(connection: Health): boolean {
  return connection.dead + connection.failed + connection.retrying > 0;
}

export function FailingCounts({ connection }: { connection: Health }) {
  const { t } = useTranslation();
  if (!isFailing(connection)) return null;
  return (
    <ul className="badge-list" aria-label={t('connections.health.attention')}>
      {connection.dead > 0 ? (
        <li>
          <Badge tone="danger">{t('connections.health.dead', { count: connection.dead })}</Badge>
        </li>
      ) : null}
      {connection.failed > 0 ? (
        <li>
          <Badge tone="danger">{t('connections.health.failed', { count: connection.failed })}</Badge>
        </li>
      ) : null}
      {connection.retrying > 0 ? (
        <li>
          <Badge tone="warning">{t('connections.health.retrying', { count: connection.retrying })}</Badge>
        </li>
      ) : null}
    </ul>
  );
}

export function LastDelivery({ connection }: { connection: Health }) {
  const { t, i18n } = useTranslation();
  const last = connection.lastDelivery;
  if (!last) return <p className="muted">{t('connections.health.noDelivery')}</p>;
  return (
    <div className="last-delivery">
      <p>
        {t('connections.health.last')}: <DeliveryStatusBadge status={last.status} /> {last.eventType ? eventTypeLabel(i18n, last.eventType) : null} · <DateTime iso={last.updatedAt} />{' '}
        <Link to={`/deliveries/${last.id}`} aria-label={t('connections.health.openLast')}>
          {t('connections.health.open')}
        </Link>
      </p>
      {last.lastError && last.status !== 'delivered' ? <p className="muted last-error">{last.lastError}</p> : null}
    </div>
  );
}
