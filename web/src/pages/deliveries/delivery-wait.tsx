/**
 * Why an unfinished delivery has not gone out yet, in the user's language, from the server's
 * `waiting.reason` (the server's own `message` is English, for the CLI): its schedule, the
 * earlier delivery of the same order that holds it back (linked), or the worker. Adds what
 * happens when its connection is switched off or gone.
 */
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { DeliveryStatusBadge } from '../../components/status-badge.js';
import { useFormat } from '../../i18n/use-format.js';
import type { DeliveryDetail, DeliveryWait as Wait } from './delivery-queries.js';

function WaitText({ waiting }: { waiting: Wait }) {
  const { t } = useTranslation();
  const format = useFormat();
  switch (waiting.reason) {
    case 'held_back':
      return (
        <>
          <p>{t('deliveries.wait.held_back')}</p>
          <p>
            <Link to={`/deliveries/${waiting.heldBackBy.id}`}>
              {t('deliveries.wait.heldBackBy')}
            </Link>{' '}
            <DeliveryStatusBadge status={waiting.heldBackBy.status} />{' '}
            {waiting.heldBackBy.status === 'pending'
              ? t('deliveries.wait.heldBackByNext', {
                  time: format.dateTime(waiting.heldBackBy.nextAttemptAt),
                })
              : null}
          </p>
        </>
      );
    case 'scheduled':
      return (
        <p>{t('deliveries.wait.scheduled', { time: format.dateTime(waiting.nextAttemptAt) })}</p>
      );
    case 'due':
      return <p>{t('deliveries.wait.due', { time: format.dateTime(waiting.nextAttemptAt) })}</p>;
    case 'attempting':
      return <p>{t('deliveries.wait.attempting')}</p>;
    case 'lease_expired':
      return <p>{t('deliveries.wait.lease_expired')}</p>;
  }
}

export function DeliveryWaitExplanation({ delivery }: { delivery: DeliveryDetail }) {
  const { t } = useTranslation();
  const waiting = delivery.waiting;
  if (!waiting) return null;
  // A manual attempt goes out even to a switched-off connection; a scheduled one marks it skipped.
  const scheduled = delivery.trigger !== 'manual' && waiting.reason !== 'attempting';
  return (
    <section className="notice" aria-labelledby="wait-title">
      <h2 id="wait-title">{t('deliveries.wait.title')}</h2>
      <WaitText waiting={waiting} />
      {scheduled && delivery.connectionActive === false ? (
        <p>{t('deliveries.wait.connectionOff')}</p>
      ) : null}
      {scheduled && delivery.connectionActive === null ? (
        <p>{t('deliveries.wait.connectionDeleted')}</p>
      ) : null}
    </section>
  );
}
