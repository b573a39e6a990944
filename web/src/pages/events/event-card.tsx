/**
 * One event a notification produced, in the notification's detail: its summary, what it changed
 * in the ledger, and its deliveries; the event's own page has everything else.
 */
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { ErrorDisplay } from '../../components/error-display.js';
import { Loading } from '../../components/states.js';
import { EventDeliveries } from './event-deliveries.js';
import { useEvent } from './event-queries.js';
import { EventSummary } from './event-summary.js';
import { useEventTypeLabel } from './event-type.js';
import { LedgerEffects } from './ledger-effects.js';

export function EventCard({ id }: { id: string }) {
  const { t } = useTranslation();
  const eventType = useEventTypeLabel();
  const event = useEvent(id);
  if (event.isPending) return <Loading />;
  if (event.isError)
    return <ErrorDisplay error={event.error} onRetry={() => void event.refetch()} />;
  const data = event.data;
  const titleId = `event-${data.id}`;
  return (
    <article className="card" aria-labelledby={titleId}>
      <header className="card-header">
        <h3 id={titleId} className="card-title">
          {eventType(data.type)}
        </h3>
        <Link to={`/events/${data.id}`}>
          {t('events.openEvent', { type: eventType(data.type) })}
        </Link>
      </header>
      <EventSummary event={data} />
      <h4>{t('events.ledger.title')}</h4>
      <LedgerEffects event={data} />
      <h4>{t('events.deliveriesTitle')}</h4>
      <EventDeliveries event={data} />
    </article>
  );
}
