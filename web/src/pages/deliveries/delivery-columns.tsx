/**
 * The columns of a delivery table, shared by the delivery log, the deliveries of one event
 * (which leaves out the event column) and those of one connection (without the connection).
 */
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { Column } from '../../components/data-table.js';
import { DateTime, Num } from '../../components/formatted.js';
import { Badge, DeliveryStatusBadge } from '../../components/status-badge.js';
import { useEventTypeLabel } from '../events/event-type.js';
import type { DeliveryListItem } from '../events/event-queries.js';

export function ConnectionName({
  delivery,
}: {
  delivery: Pick<DeliveryListItem, 'connectionId' | 'connectionName'>;
}) {
  const { t } = useTranslation();
  return delivery.connectionName === null ? (
    <span className="muted">{t('deliveries.connectionDeleted')}</span>
  ) : (
    <Link to={`/connections/${delivery.connectionId}`}>{delivery.connectionName}</Link>
  );
}

/** When it finished, or when it is next attempted. */
export function DeliveryWhen({ delivery }: { delivery: DeliveryListItem }) {
  const { t } = useTranslation();
  if (delivery.completedAt) {
    return (
      <>
        <span className="cell-note">{t('deliveries.finishedAt')}</span>{' '}
        <DateTime iso={delivery.completedAt} />
      </>
    );
  }
  if (delivery.status === 'delivering') return <>{t('deliveries.beingSent')}</>;
  return (
    <>
      <span className="cell-note">{t('deliveries.nextAttemptAt')}</span>{' '}
      <DateTime iso={delivery.nextAttemptAt} />
    </>
  );
}

/** A delivery of a past event sent later (backfill), and one whose next attempt was queued by hand (replay). */
export function DeliveryMarkers({
  delivery,
}: {
  delivery: Pick<DeliveryListItem, 'origin' | 'trigger'>;
}) {
  const { t } = useTranslation();
  return (
    <>
      {delivery.origin === 'backfill' ? (
        <>
          {' '}
          <Badge tone="neutral">{t('deliveries.marker.backfill')}</Badge>
        </>
      ) : null}
      {delivery.trigger === 'manual' ? (
        <>
          {' '}
          <Badge tone="info">{t('deliveries.marker.replay')}</Badge>
        </>
      ) : null}
    </>
  );
}

export function useDeliveryColumns({
  withEvent,
  withConnection = true,
}: {
  withEvent: boolean;
  withConnection?: boolean;
}): Column<DeliveryListItem>[] {
  const { t } = useTranslation();
  const eventType = useEventTypeLabel();
  const columns: (Column<DeliveryListItem> | null)[] = [
    {
      key: 'created',
      header: t('deliveries.columns.created'),
      cell: (delivery) => (
        <Link to={`/deliveries/${delivery.id}`}>
          <DateTime iso={delivery.createdAt} />
        </Link>
      ),
    },
    withEvent
      ? {
          key: 'event',
          header: t('deliveries.columns.event'),
          cell: (delivery) => (
            <Link to={`/events/${delivery.eventId}`}>{eventType(delivery.eventType)}</Link>
          ),
        }
      : null,
    withConnection
      ? {
          key: 'connection',
          header: t('deliveries.columns.connection'),
          cell: (delivery) => <ConnectionName delivery={delivery} />,
        }
      : null,
    {
      key: 'status',
      header: t('deliveries.columns.status'),
      cell: (delivery) => (
        <>
          <DeliveryStatusBadge status={delivery.status} />
          <DeliveryMarkers delivery={delivery} />
        </>
      ),
    },
    {
      key: 'attempts',
      header: t('deliveries.columns.attempts'),
      className: 'numeric',
      cell: (delivery) => <Num value={delivery.attemptCount} />,
    },
    {
      key: 'when',
      header: t('deliveries.columns.when'),
      cell: (delivery) => <DeliveryWhen delivery={delivery} />,
    },
    {
      key: 'error',
      header: t('deliveries.columns.lastError'),
      cell: (delivery) =>
        delivery.lastError && delivery.status !== 'delivered' ? (
          <span className="cell-error">
            <bdi>{delivery.lastError}</bdi>
          </span>
        ) : null,
    },
  ];
  return columns.filter((column): column is Column<DeliveryListItem> => column !== null);
}
