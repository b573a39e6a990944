/** An order's timeline as a list, oldest first: each event with the money it moved. */
import { useTranslation } from 'react-i18next';
import { DateTime } from '../../components/formatted.js';
import { useEventTypeName } from '../../i18n/event-type-name.js';
import { useFormat } from '../../i18n/use-format.js';
import { TestBadge } from './ledger-badges.js';
import { orderTimeline } from './order-timeline.js';
import type { OrderDetail, TimelineEntry } from './order-timeline.js';

function EntryFacts({ entry, currency }: { entry: TimelineEntry; currency: string | null }) {
  const { t } = useTranslation();
  const format = useFormat();
  const transaction = entry.transaction;
  if (!transaction || transaction.amount === null) return null;
  const money = (minor: number): string =>
    format.money(minor, transaction.currency ?? currency ?? 'EUR');
  const amount = money(transaction.amount);
  if (transaction.kind === 'payment') {
    const parts = [
      transaction.paySequenceNo !== null && transaction.paySequenceNo > 1
        ? t('customers.timeline.rebill', { amount, n: transaction.paySequenceNo })
        : t('customers.timeline.paid', { amount }),
    ];
    if (transaction.fullyRefunded) parts.push(t('customers.timeline.paymentRefunded'));
    else if ((transaction.refundedAmount ?? 0) > 0)
      parts.push(
        t('customers.timeline.paymentPartlyRefunded', {
          refunded: money(transaction.refundedAmount ?? 0),
        }),
      );
    return <p className="timeline-facts">{parts.join(' ')}</p>;
  }
  if (transaction.kind === 'refund' && entry.refund) {
    const { payment, full, refundedSoFar } = entry.refund;
    const of =
      payment?.amount !== null && payment?.amount !== undefined ? money(payment.amount) : null;
    const text =
      of === null
        ? t('customers.timeline.refundUnmatched', { amount })
        : full
          ? t('customers.timeline.refundFull', { amount, of })
          : t('customers.timeline.refundPartial', {
              amount,
              of,
              soFar: money(refundedSoFar ?? transaction.amount),
            });
    return <p className="timeline-facts">{text}</p>;
  }
  if (transaction.kind === 'chargeback')
    return <p className="timeline-facts">{t('customers.timeline.chargeback', { amount })}</p>;
  return <p className="timeline-facts">{t('customers.timeline.amount', { amount })}</p>;
}

export function OrderTimeline({ order }: { order: OrderDetail }) {
  const { t } = useTranslation();
  const typeName = useEventTypeName();
  const entries = orderTimeline(order);
  if (entries.length === 0) return <p>{t('customers.timeline.empty')}</p>;
  return (
    <ol className="timeline">
      {entries.map((entry) => (
        <li
          key={entry.eventId}
          className={`timeline-entry timeline-${entry.transaction?.kind ?? 'event'}`}
        >
          <p className="timeline-head">
            <DateTime iso={entry.occurredAt} /> <strong>{typeName(entry.type)}</strong>{' '}
            {entry.test ? <TestBadge /> : null}
          </p>
          <EntryFacts entry={entry} currency={order.currency} />
        </li>
      ))}
    </ol>
  );
}
