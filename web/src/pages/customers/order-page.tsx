/**
 * One order: what was paid and refunded, access per product, the subscription, the items and
 * the timeline (payment, rebills, missed payments, refunds with their amounts, chargebacks).
 */
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { CardSection } from '../../components/card-section.js';
import { DataTable } from '../../components/data-table.js';
import { ErrorDisplay } from '../../components/error-display.js';
import { CalendarDate, DateTime, Money } from '../../components/formatted.js';
import { PageHeader } from '../../components/page-header.js';
import { Loading } from '../../components/states.js';
import { providerById, useProviders } from '../sources/source-queries.js';
import { AccessTable } from './access-table.js';
import { useOrder, useSourceOf } from './customer-queries.js';
import {
  OrderStatusBadge,
  SubscriptionStatusBadge,
  TestBadge,
  useLedgerText,
} from './ledger-badges.js';
import type { OrderDetail } from './order-timeline.js';
import { OrderTimeline } from './order-timeline-list.js';
import './customers.css';

type Item = OrderDetail['items'][number];

function Amount({ minor, currency }: { minor: number | null; currency: string | null }) {
  return minor === null || currency === null ? <>—</> : <Money minor={minor} currency={currency} />;
}

function Subscription({
  subscription,
}: {
  subscription: NonNullable<OrderDetail['subscription']>;
}) {
  const { t } = useTranslation();
  return (
    <CardSection title={t('customers.subscription')}>
      <dl className="facts">
        <dt>{t('customers.subscriptionStatusLabel')}</dt>
        <dd>
          <SubscriptionStatusBadge status={subscription.status} />
        </dd>
        <dt>{t('customers.nextPayment')}</dt>
        <dd>
          {subscription.nextPaymentAt ? <CalendarDate day={subscription.nextPaymentAt} /> : '—'}
        </dd>
        <dt>{t('customers.paymentsSoFar')}</dt>
        <dd>{subscription.paySequenceNo ?? '—'}</dd>
        <dt>{t('customers.rebillingCancelled')}</dt>
        <dd>{subscription.cancelled ? t('customers.yes') : t('customers.no')}</dd>
      </dl>
    </CardSection>
  );
}

export function OrderPage() {
  const { t } = useTranslation();
  const text = useLedgerText();
  const { id = '' } = useParams();
  const order = useOrder(id);
  const providers = useProviders();
  const source = useSourceOf(order.data?.sourceId);
  // The header names the provider: the page waits for the catalogue too, so no id shows first.
  if (order.isPending || providers.isPending) return <Loading />;
  if (order.isError)
    return <ErrorDisplay error={order.error} onRetry={() => void order.refetch()} />;
  const data = order.data;
  const provider = providerById(providers.data, data.provider)?.displayName ?? data.provider;

  return (
    <>
      <PageHeader
        title={t('customers.orderTitle', { id: data.externalId })}
        description={provider}
        actions={
          data.customerId ? (
            <Link to={`/customers/${data.customerId}`}>
              {t('customers.toCustomer', { email: data.email ?? data.customerId })}
            </Link>
          ) : null
        }
      />
      <CardSection title={t('customers.orderFacts')}>
        <dl className="facts">
          <dt>{t('customers.orderStatusLabel')}</dt>
          <dd>
            <OrderStatusBadge status={data.status} /> {data.test ? <TestBadge /> : null}
          </dd>
          <dt>{t('customers.billing')}</dt>
          <dd>{data.billingType ? text('billingType', data.billingType) : '—'}</dd>
          <dt>{t('customers.paidAmount')}</dt>
          <dd>
            <Amount minor={data.paidAmount} currency={data.currency} />
          </dd>
          <dt>{t('customers.refundedAmount')}</dt>
          <dd>
            <Amount minor={data.refundedAmount} currency={data.currency} />
          </dd>
          <dt>{t('customers.orderedAt')}</dt>
          <dd>
            <DateTime iso={data.createdAt} />
          </dd>
          <dt>{t('customers.buyer')}</dt>
          <dd>
            {data.customerId ? (
              <Link to={`/customers/${data.customerId}`}>{data.email ?? data.customerId}</Link>
            ) : (
              '—'
            )}
          </dd>
          <dt>{t('customers.source')}</dt>
          <dd>
            <Link to={`/sources/${data.sourceId}`}>{source.data?.name ?? provider}</Link>
          </dd>
        </dl>
      </CardSection>
      <CardSection title={t('customers.accessPerProduct')}>
        <AccessTable access={data.access} />
      </CardSection>
      {data.subscription ? <Subscription subscription={data.subscription} /> : null}
      <CardSection title={t('customers.timeline.title')}>
        <OrderTimeline order={data} />
      </CardSection>
      <CardSection title={t('customers.items')}>
        <DataTable
          caption={t('customers.items')}
          columns={[
            {
              key: 'product',
              header: t('customers.product'),
              cell: (item: Item) =>
                item.name ? `${item.name} (${item.productId})` : item.productId,
            },
            {
              key: 'quantity',
              header: t('customers.quantity'),
              className: 'numeric',
              cell: (item: Item) => item.quantity,
            },
            {
              key: 'addon',
              header: t('customers.addon'),
              cell: (item: Item) => (item.isAddon ? t('customers.yes') : t('customers.no')),
            },
            {
              key: 'amount',
              header: t('customers.amount'),
              className: 'numeric',
              cell: (item: Item) => <Amount minor={item.amount} currency={data.currency} />,
            },
          ]}
          rows={data.items}
          rowKey={(item) => item.productId}
          empty={<p>{t('customers.noItems')}</p>}
        />
      </CardSection>
    </>
  );
}
