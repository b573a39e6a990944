/** Deliveries of the window by outcome, and the queue now; each figure links to the deliveries behind it. */
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { DeliveryStatus } from '../../api/types.js';
import { presetState } from '../../app/list-presets.js';
import { CardSection } from '../../components/card-section.js';
import { DateTime } from '../../components/formatted.js';
import { DELIVERY_STATUS_TONES, DeliveryStatusBadge } from '../../components/status-badge.js';
import { useFormat } from '../../i18n/use-format.js';
import type { Overview } from './overview-queries.js';

const STATUSES = Object.keys(DELIVERY_STATUS_TONES) as DeliveryStatus[];

export function DeliveriesSummary({ overview }: { overview: Overview }) {
  const { t } = useTranslation();
  const format = useFormat();
  const { queue } = overview;
  return (
    <CardSection title={t('overview.deliveries')} className="overview-section">
      <dl className="facts">
        <dt>{t('overview.queueDepth')}</dt>
        <dd>
          <Link to="/deliveries" state={presetState({ status: 'pending' })}>
            {t('overview.queueDepthValue', { count: queue.depth })}
          </Link>
        </dd>
        <dt>{t('overview.oldestPending')}</dt>
        <dd>
          {queue.oldestPendingAt && queue.oldestPendingId ? (
            <Link to={`/deliveries/${queue.oldestPendingId}`}>
              <DateTime iso={queue.oldestPendingAt} />
            </Link>
          ) : (
            t('overview.noneWaiting')
          )}
        </dd>
      </dl>
      <h3>{t('overview.byOutcome')}</h3>
      <ul className="outcome-list">
        {STATUSES.map((status) => (
          <li key={status}>
            <Link to="/deliveries" state={presetState({ status })}>
              <DeliveryStatusBadge status={status} />{' '}
              <span className="outcome-count">{format.number(overview.deliveries[status])}</span>
            </Link>
          </li>
        ))}
      </ul>
    </CardSection>
  );
}
