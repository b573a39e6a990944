/**
 * The facts people look for first in an event: when, which order and transaction, how much,
 * which buyer and products. Shown in the notification detail for each event it produced and at
 * the top of the event's own page.
 */
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { DateTime, Money } from '../../components/formatted.js';
import type { EventDetail } from './event-queries.js';

export function buyerName(event: EventDetail): string {
  return [event.buyer?.firstName, event.buyer?.lastName].filter(Boolean).join(' ');
}

/** `children`: more facts (`<dt>`/`<dd>` pairs) for the same list. */
export function EventSummary({ event, children }: { event: EventDetail; children?: ReactNode }) {
  const { t } = useTranslation();
  const order = event.order;
  const name = buyerName(event);
  const products = order?.items.map((item) => item.name ?? item.productId).join(', ');
  return (
    <dl className="facts">
      <dt>{t('events.occurredAt')}</dt>
      <dd>
        <DateTime iso={event.occurredAt} />
      </dd>
      {order?.id ? (
        <>
          <dt>{t('events.orderId')}</dt>
          <dd>
            <code>{order.id}</code>
          </dd>
        </>
      ) : null}
      {order?.transactionId ? (
        <>
          <dt>{t('events.transactionId')}</dt>
          <dd>
            <code>{order.transactionId}</code>
          </dd>
        </>
      ) : null}
      {order?.amount != null && order.currency ? (
        <>
          <dt>{t('events.amount')}</dt>
          <dd>
            <Money minor={order.amount} currency={order.currency} />
          </dd>
        </>
      ) : null}
      {products ? (
        <>
          <dt>{t('events.products')}</dt>
          <dd>
            <bdi>{products}</bdi>
          </dd>
        </>
      ) : null}
      {event.buyer?.email || name ? (
        <>
          <dt>{t('events.buyer')}</dt>
          <dd>
            {name ? <bdi>{name}</bdi> : null}
            {name && event.buyer?.email ? ' · ' : null}
            {event.buyer?.email ? <bdi>{event.buyer.email}</bdi> : null}
          </dd>
        </>
      ) : null}
      {event.source.test ? (
        <>
          <dt>{t('events.test')}</dt>
          <dd>{t('events.testYes')}</dd>
        </>
      ) : null}
      {children}
    </dl>
  );
}
