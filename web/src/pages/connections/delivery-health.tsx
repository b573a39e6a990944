/**
 * How a connection's deliveries stand: what needs attention now (given up, failed, waiting for
 * a retry), each opening the delivery log filtered to them, and the latest delivery with its
 * outcome. Words, never colour alone.
 */
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { presetState } from '../../app/list-presets.js';
import type { DeliveryPresetFilters } from '../../app/list-presets.js';
import { DateTime } from '../../components/formatted.js';
import { Badge, DeliveryStatusBadge } from '../../components/status-badge.js';
import type { Connection } from './connection-types.js';
import { eventTypeName } from '../../i18n/event-type-name.js';

type Health = Pick<Connection, 'id' | 'lastDelivery' | 'dead' | 'failed' | 'retrying'>;

/** The delivery log with this connection's deliveries of one status. */
function LogLink({
  connectionId,
  status,
  children,
}: {
  connectionId: string;
  status: NonNullable<DeliveryPresetFilters['status']>;
  children: ReactNode;
}) {
  return (
    <Link to="/deliveries" state={presetState({ connectionId, status })}>
      {children}
    </Link>
  );
}

export function isFailing(connection: Health): boolean {
  return connection.dead + connection.failed + connection.retrying > 0;
}

export function FailingCounts({ connection }: { connection: Health }) {
  const { t } = useTranslation();
  if (!isFailing(connection)) return null;
  const entries = [
    {
      status: 'dead',
      count: connection.dead,
      tone: 'danger',
      text: t('connections.health.dead', { count: connection.dead }),
    },
    {
      status: 'failed',
      count: connection.failed,
      tone: 'danger',
      text: t('connections.health.failed', { count: connection.failed }),
    },
    {
      status: 'pending',
      count: connection.retrying,
      tone: 'warning',
      text: t('connections.health.retrying', { count: connection.retrying }),
    },
  ] as const;
  return (
    <ul className="badge-list" aria-label={t('connections.health.attention')}>
      {entries
        .filter((entry) => entry.count > 0)
        .map((entry) => (
          <li key={entry.status}>
            <LogLink connectionId={connection.id} status={entry.status}>
              <Badge tone={entry.tone}>{entry.text}</Badge>
            </LogLink>
          </li>
        ))}
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
        {t('connections.health.last')}: <DeliveryStatusBadge status={last.status} />{' '}
        {last.eventType ? eventTypeName(i18n, last.eventType) : null} ·{' '}
        <DateTime iso={last.updatedAt} />{' '}
        <Link to={`/deliveries/${last.id}`} aria-label={t('connections.health.openLast')}>
          {t('connections.health.open')}
        </Link>
      </p>
      {last.lastError && last.status !== 'delivered' ? (
        <p className="muted last-error">{last.lastError}</p>
      ) : null}
    </div>
  );
}
