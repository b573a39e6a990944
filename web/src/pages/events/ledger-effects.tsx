/**
 * What an event changed in the ledger, as far as the API tells: the order it belongs to with its
 * status now, the transaction it recorded, and the access that order grants now (per product).
 */
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { DataTable } from '../../components/data-table.js';
import { ErrorDisplay } from '../../components/error-display.js';
import { DateTime, Money } from '../../components/formatted.js';
import { Badge } from '../../components/status-badge.js';
import type { Tone } from '../../components/status-badge.js';
import { Loading } from '../../components/states.js';
import { useOrder } from './event-queries.js';
import type { EventDetail, OrderDetail } from './event-queries.js';
import { useLedgerLabels } from './ledger-labels.js';

const ACCESS_TONES: Readonly<Record<OrderDetail['access'][number]['status'], Tone>> = {
  active: 'success',
  suspended: 'warning',
  ended: 'neutral',
  revoked: 'danger',
};

function OrderAccess({ orderId }: { orderId: string }) {
  const { t } = useTranslation();
  const labels = useLedgerLabels();
  const order = useOrder(orderId);
  if (order.isPending) return <Loading />;
  if (order.isError)
    return <ErrorDisplay error={order.error} onRetry={() => void order.refetch()} />;
  return (
    <DataTable
      caption={t('events.ledger.accessCaption')}
      showCaption
      rows={order.data.access}
      rowKey={(row) => row.id}
      empty={<p className="muted">{t('events.ledger.noAccess')}</p>}
      columns={[
        {
          key: 'product',
          header: t('events.ledger.product'),
          cell: (row) => <code>{row.productId}</code>,
        },
        {
          key: 'status',
          header: t('events.ledger.accessStatus'),
          cell: (row) => <Badge tone={ACCESS_TONES[row.status]}>{labels.access(row.status)}</Badge>,
        },
        {
          key: 'paidUntil',
          header: t('events.ledger.paidUntil'),
          cell: (row) => (row.paidUntil ? <DateTime iso={row.paidUntil} dateOnly /> : null),
        },
      ]}
    />
  );
}

export function LedgerEffects({ event }: { event: EventDetail }) {
  const { t } = useTranslation();
  const labels = useLedgerLabels();
  const { order, transaction } = event.ledger;
  if (!order && !transaction) return <p className="muted">{t('events.ledger.none')}</p>;
  return (
    <>
      <dl className="facts">
        {order ? (
          <>
            <dt>{t('events.ledger.order')}</dt>
            <dd>
              {/* The order's page (its timeline, items and access) is the Customers area's. */}
              <Link to={`/customers/orders/${order.id}`}>
                <code>{order.externalId}</code>
              </Link>{' '}
              · {labels.order(order.status)}
            </dd>
          </>
        ) : null}
        {transaction ? (
          <>
            <dt>{t('events.ledger.transaction')}</dt>
            <dd>
              {labels.transaction(transaction.kind)}
              {transaction.amount !== null && transaction.currency ? (
                <>
                  {' · '}
                  <Money minor={transaction.amount} currency={transaction.currency} />
                </>
              ) : null}
              {transaction.externalId ? (
                <>
                  {' · '}
                  <code>{transaction.externalId}</code>
                </>
              ) : null}
            </dd>
          </>
        ) : null}
      </dl>
      {order ? <OrderAccess orderId={order.id} /> : null}
    </>
  );
}
