/**
 * Customers & access: check a buyer's access to a product, and find a buyer or an order by
 * e-mail address, order id or transaction id (exact, on the server). Without a search the
 * newest customers are listed. The search lives in the page's state, never in the address.
 */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useApi } from '../../api/api-context.js';
import { CardSection } from '../../components/card-section.js';
import { DataTable } from '../../components/data-table.js';
import { ErrorDisplay } from '../../components/error-display.js';
import { FilterBar } from '../../components/filter-bar.js';
import { TextField } from '../../components/form-field.js';
import { DateTime } from '../../components/formatted.js';
import { PageHeader } from '../../components/page-header.js';
import { Pager } from '../../components/pager.js';
import { EmptyState, Loading } from '../../components/states.js';
import { usePagedQuery } from '../../components/use-paged-query.js';
import { AccessCheck } from './access-check.js';
import { fetchCustomers, fetchOrders, LEDGER_KEY } from './customer-queries.js';
import type { CustomerPage, OrderPage } from './customer-queries.js';
import { OrderStatusBadge, TestBadge } from './ledger-badges.js';
import './customers.css';

type Customer = CustomerPage['data'][number];
type Order = OrderPage['data'][number];

function fullName(customer: { firstName: string | null; lastName: string | null }): string {
  return [customer.firstName, customer.lastName].filter(Boolean).join(' ');
}

function CustomerList({ q }: { q: string }) {
  const { t } = useTranslation();
  const { client } = useApi();
  const { query, paging } = usePagedQuery({
    queryKey: [...LEDGER_KEY, 'customers', { q }],
    fetchPage: (cursor) => fetchCustomers(client, q, cursor),
  });
  const caption = q ? t('customers.matchingCustomers') : t('customers.newestCustomers');
  return (
    <section aria-labelledby="customer-list-title">
      <h2 id="customer-list-title">{caption}</h2>
      {query.isPending ? <Loading /> : null}
      {query.isError ? (
        <ErrorDisplay error={query.error} onRetry={() => void query.refetch()} />
      ) : null}
      {query.data ? (
        <DataTable
          caption={caption}
          columns={[
            {
              key: 'email',
              header: t('customers.email'),
              cell: (customer: Customer) => (
                <Link to={`/customers/${customer.id}`}>{customer.email}</Link>
              ),
            },
            {
              key: 'name',
              header: t('customers.name'),
              cell: (customer: Customer) => fullName(customer) || '—',
            },
            {
              key: 'since',
              header: t('customers.since'),
              cell: (customer: Customer) => <DateTime iso={customer.createdAt} />,
            },
          ]}
          rows={query.data.data}
          rowKey={(customer) => customer.id}
          empty={
            q ? (
              <p>{t('customers.noCustomerFound')}</p>
            ) : (
              <EmptyState title={t('customers.emptyTitle')}>{t('customers.emptyBody')}</EmptyState>
            )
          }
        />
      ) : null}
      <Pager paging={paging} label={t('customers.customerPages')} />
    </section>
  );
}

function OrderList({ q }: { q: string }) {
  const { t } = useTranslation();
  const { client } = useApi();
  const { query, paging } = usePagedQuery({
    queryKey: [...LEDGER_KEY, 'orders', { q }],
    fetchPage: (cursor) => fetchOrders(client, q, cursor),
  });
  return (
    <section aria-labelledby="order-list-title">
      <h2 id="order-list-title">{t('customers.matchingOrders')}</h2>
      {query.isPending ? <Loading /> : null}
      {query.isError ? (
        <ErrorDisplay error={query.error} onRetry={() => void query.refetch()} />
      ) : null}
      {query.data ? (
        <DataTable
          caption={t('customers.matchingOrders')}
          columns={[
            {
              key: 'order',
              header: t('customers.order'),
              cell: (order: Order) => (
                <Link to={`/customers/orders/${order.id}`}>{order.externalId}</Link>
              ),
            },
            {
              key: 'email',
              header: t('customers.email'),
              cell: (order: Order) => order.email ?? '—',
            },
            {
              key: 'status',
              header: t('customers.orderStatusLabel'),
              cell: (order: Order) => (
                <>
                  <OrderStatusBadge status={order.status} /> {order.test ? <TestBadge /> : null}
                </>
              ),
            },
            {
              key: 'created',
              header: t('customers.orderedAt'),
              cell: (order: Order) => <DateTime iso={order.createdAt} />,
            },
          ]}
          rows={query.data.data}
          rowKey={(order) => order.id}
          empty={<p>{t('customers.noOrderFound')}</p>}
        />
      ) : null}
      <Pager paging={paging} label={t('customers.orderPages')} />
    </section>
  );
}

export function CustomersPage() {
  const { t } = useTranslation();
  const [search, setSearch] = useState('');
  const [q, setQ] = useState('');
  return (
    <>
      <PageHeader title={t('nav.customers')} description={t('customers.description')} />
      <AccessCheck />
      <CardSection title={t('customers.find')}>
        <FilterBar
          label={t('customers.find')}
          onApply={() => setQ(search.trim())}
          onReset={() => {
            setSearch('');
            setQ('');
          }}
        >
          <TextField
            label={t('customers.search')}
            help={t('customers.searchHelp')}
            type="search"
            autoComplete="off"
            value={search}
            onChange={setSearch}
          />
        </FilterBar>
        <CustomerList q={q} />
        {q ? <OrderList q={q} /> : null}
      </CardSection>
    </>
  );
}
