/**
 * One delivery: its state, why it still waits (if it does), every attempt (newest first) with
 * what was sent and answered, and "Redeliver" (asked first; a delivered one would reach the target twice).
 */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { ConfirmDialog } from '../../components/confirm-dialog.js';
import { ErrorDisplay } from '../../components/error-display.js';
import { DateTime, Num } from '../../components/formatted.js';
import { PageHeader } from '../../components/page-header.js';
import { Loading } from '../../components/states.js';
import { DeliveryStatusBadge } from '../../components/status-badge.js';
import { useEventTypeLabel } from '../events/event-type.js';
import { AttemptView } from './attempt-view.js';
import { ConnectionName, DeliveryWhen } from './delivery-columns.js';
import { useDelivery, useRedeliver } from './delivery-queries.js';
import type { DeliveryDetail } from './delivery-queries.js';
import { DeliveryWaitExplanation } from './delivery-wait.js';

function Redeliver({ delivery }: { delivery: DeliveryDetail }) {
  const { t } = useTranslation();
  const redeliver = useRedeliver(delivery.id);
  const [confirming, setConfirming] = useState(false);
  return (
    <>
      <button
        type="button"
        className="button button-primary"
        onClick={() => setConfirming(true)}
        disabled={redeliver.isPending}
      >
        {t('deliveries.detail.redeliver')}
      </button>
      <ConfirmDialog
        open={confirming}
        title={t('deliveries.detail.redeliverTitle')}
        confirmLabel={t('deliveries.detail.redeliver')}
        busy={redeliver.isPending}
        onCancel={() => setConfirming(false)}
        onConfirm={() => redeliver.mutate(undefined, { onSettled: () => setConfirming(false) })}
      >
        <p>{t('deliveries.detail.redeliverBody')}</p>
        {delivery.status === 'delivered' ? (
          <p>{t('deliveries.detail.redeliverDelivered')}</p>
        ) : null}
        {delivery.connectionActive === false ? (
          <p>{t('deliveries.detail.redeliverConnectionOff')}</p>
        ) : null}
      </ConfirmDialog>
      <div className="page-notice" aria-live="polite">
        {redeliver.isSuccess ? (
          <p className="notice notice-success">{t('deliveries.detail.redelivered')}</p>
        ) : null}
      </div>
      {redeliver.isError ? <ErrorDisplay error={redeliver.error} /> : null}
    </>
  );
}

export function DeliveryPage() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const eventType = useEventTypeLabel();
  const delivery = useDelivery(id);
  if (delivery.isPending) return <Loading />;
  if (delivery.isError)
    return <ErrorDisplay error={delivery.error} onRetry={() => void delivery.refetch()} />;
  const data = delivery.data;
  return (
    <>
      <PageHeader
        title={t('deliveries.detail.title', {
          connection: data.connectionName ?? t('deliveries.connectionDeleted'),
        })}
        description={eventType(data.eventType)}
        actions={<Redeliver delivery={data} />}
      />
      <p>
        <Link to="/deliveries">{t('deliveries.backToLog')}</Link>
      </p>
      <section className="card" aria-labelledby="state-title">
        <h2 id="state-title">{t('deliveries.detail.stateTitle')}</h2>
        <dl className="facts">
          <dt>{t('deliveries.columns.status')}</dt>
          <dd>
            <DeliveryStatusBadge status={data.status} />
          </dd>
          <dt>{t('deliveries.columns.connection')}</dt>
          <dd>
            <ConnectionName delivery={data} />
            {data.connectionActive === false ? (
              <span className="muted"> · {t('deliveries.detail.connectionOff')}</span>
            ) : null}
          </dd>
          <dt>{t('deliveries.columns.event')}</dt>
          <dd>
            <Link to={`/events/${data.eventId}`}>{eventType(data.eventType)}</Link>
          </dd>
          <dt>{t('deliveries.columns.attempts')}</dt>
          <dd>
            <Num value={data.attemptCount} />
          </dd>
          <dt>{t('deliveries.columns.created')}</dt>
          <dd>
            <DateTime iso={data.createdAt} />
          </dd>
          <dt>{t('deliveries.columns.when')}</dt>
          <dd>
            <DeliveryWhen delivery={data} />
          </dd>
          {data.lastError && data.status !== 'delivered' ? (
            <>
              <dt>{t('deliveries.columns.lastError')}</dt>
              <dd>
                <bdi>{data.lastError}</bdi>
              </dd>
            </>
          ) : null}
          <dt>{t('deliveries.detail.id')}</dt>
          <dd>
            <code>{data.id}</code>
          </dd>
        </dl>
      </section>
      <DeliveryWaitExplanation delivery={data} />
      <section aria-labelledby="attempts-title">
        <h2 id="attempts-title">{t('deliveries.detail.attemptsTitle')}</h2>
        {/* Newest first, as in the lists: the last attempt is the one that says where things stand. */}
        {data.attempts.length === 0 ? (
          <p className="muted">{t('deliveries.detail.noAttempts')}</p>
        ) : (
          [...data.attempts]
            .reverse()
            .map((attempt, index) => (
              <AttemptView
                key={attempt.id}
                attempt={attempt}
                latest={index === 0}
                status={data.status}
              />
            ))
        )}
      </section>
    </>
  );
}
