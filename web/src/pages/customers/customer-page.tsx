/**
 * One buyer: access per product at a glance ("has this buyer paid this month?": the status,
 * paid until, and the order that grants it), contact details and orders; "Delete personal
 * data" erases the buyer's personal data after a confirmation (docs/retention.md).
 */
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { CardSection } from '../../components/card-section.js';
import { DataTable } from '../../components/data-table.js';
import { DeleteAction } from '../../components/delete-action.js';
import { ErrorDisplay } from '../../components/error-display.js';
import { DateTime } from '../../components/formatted.js';
import { PageHeader } from '../../components/page-header.js';
import { Loading } from '../../components/states.js';
import { accessByProduct } from './access-summary.js';
import { AccessTable } from './access-table.js';
import { useCustomer, useEraseCustomer } from './customer-queries.js';
import { OrderStatusBadge, TestBadge, useLedgerText } from './ledger-badges.js';
import './customers.css';

type Customer = NonNullable<ReturnType<typeof useCustomer>['data']>;
type OrderRow = Customer['orders'][number];

export function CustomerPage() {
  const { t } = useTranslation();
  const text = useLedgerText();
  const { id = '' } = useParams();
  const customer = useCustomer(id);
  const erase = useEraseCustomer(id);
  if (customer.isPending) return <Loading />;
  if (customer.isError)
    return <ErrorDisplay error={customer.error} onRetry={() => void customer.refetch()} />;
  const data = customer.data;
  const name = [data.firstName, data.lastName].filter(Boolean).join(' ');
  const products = accessByProduct(data.access);
  const active = products.filter((entry) => entry.status === 'active').length;
  const address = data.address;
  const addressLines = address
    ? [
        address.street,
        address.street2,
        [address.zipcode, address.city].filter(Boolean).join(' '),
        address.state,
        address.country,
      ].filter((line) => line)
    : [];

  return (
    <>
      <PageHeader
        title={data.email}
        description={[name, data.company].filter(Boolean).join(', ') || undefined}
        actions={
          <>
            <Link to="/customers">{t('customers.backToSearch')}</Link>
            <DeleteAction
              label={t('customers.erase')}
              title={t('customers.eraseTitle', { email: data.email })}
              remove={erase}
              onDeleted={() => undefined}
            >
              <p>{t('customers.eraseBody')}</p>
              <p>{t('customers.eraseKeeps')}</p>
            </DeleteAction>
          </>
        }
      />
      <CardSection title={t('customers.accessPerProduct')}>
        {data.access.length > 0 ? (
          <p className="access-summary">
            {t('customers.activeProducts', { count: products.length, active })}
          </p>
        ) : null}
        <AccessTable access={data.access} />
      </CardSection>
      <CardSection title={t('customers.orders')}>
        <DataTable
          caption={t('customers.orders')}
          columns={[
            {
              key: 'order',
              header: t('customers.order'),
              cell: (order: OrderRow) => (
                <Link to={`/customers/orders/${order.id}`}>{order.externalId}</Link>
              ),
            },
            {
              key: 'status',
              header: t('customers.orderStatusLabel'),
              cell: (order: OrderRow) => (
                <>
                  <OrderStatusBadge status={order.status} /> {order.test ? <TestBadge /> : null}
                </>
              ),
            },
            {
              key: 'billing',
              header: t('customers.billing'),
              cell: (order: OrderRow) =>
                order.billingType ? text('billingType', order.billingType) : '—',
            },
            {
              key: 'created',
              header: t('customers.orderedAt'),
              cell: (order: OrderRow) => <DateTime iso={order.createdAt} />,
            },
          ]}
          rows={data.orders}
          rowKey={(order) => order.id}
          empty={<p>{t('customers.noOrders')}</p>}
        />
      </CardSection>
      <CardSection title={t('customers.contact')}>
        <dl className="facts">
          <dt>{t('customers.email')}</dt>
          <dd>{data.email}</dd>
          {name ? (
            <>
              <dt>{t('customers.name')}</dt>
              <dd>{name}</dd>
            </>
          ) : null}
          {data.company ? (
            <>
              <dt>{t('customers.company')}</dt>
              <dd>{data.company}</dd>
            </>
          ) : null}
          {data.phone ? (
            <>
              <dt>{t('customers.phone')}</dt>
              <dd dir="ltr">{data.phone}</dd>
            </>
          ) : null}
          {addressLines.length > 0 ? (
            <>
              <dt>{t('customers.address')}</dt>
              <dd>
                {addressLines.map((line) => (
                  <span key={line} className="address-line">
                    {line}
                  </span>
                ))}
              </dd>
            </>
          ) : null}
          <dt>{t('customers.since')}</dt>
          <dd>
            <DateTime iso={data.createdAt} />
          </dd>
        </dl>
      </CardSection>
    </>
  );
}
