/**
 * Access per product (the deciding grant of each, see access-summary.ts): the status, what it
 * means (paid until, or why there is no access) and the orders that grant it.
 */
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { DataTable } from '../../components/data-table.js';
import { CalendarDate } from '../../components/formatted.js';
import { accessByProduct } from './access-summary.js';
import type { AccessRow, ProductAccess } from './access-summary.js';
import { AccessBadge } from './ledger-badges.js';

export function productLabel(access: { productId: string; productName: string | null }): string {
  return access.productName ? `${access.productName} (${access.productId})` : access.productId;
}

/** Why a product's access is what it is, in a few words. */
function AccessMeaning({ access }: { access: ProductAccess }) {
  const { t } = useTranslation();
  if (access.status === 'active') {
    return access.paidUntil ? (
      <>
        {t('customers.paidUntil')} <CalendarDate day={access.paidUntil} />
      </>
    ) : (
      t('customers.noEndDate')
    );
  }
  return t(`customers.accessMeaning.${access.status}`);
}

export function AccessTable({ access }: { access: readonly AccessRow[] }) {
  const { t } = useTranslation();
  const products = accessByProduct(access);
  return (
    <DataTable
      caption={t('customers.accessPerProduct')}
      columns={[
        {
          key: 'product',
          header: t('customers.product'),
          cell: (row: ProductAccess) => productLabel(row),
        },
        {
          key: 'status',
          header: t('customers.access'),
          cell: (row: ProductAccess) => <AccessBadge status={row.status} />,
        },
        {
          key: 'meaning',
          header: t('customers.accessDetails'),
          cell: (row: ProductAccess) => <AccessMeaning access={row} />,
        },
        {
          key: 'orders',
          header: t('customers.grantedBy'),
          cell: (row: ProductAccess) => (
            <ul className="plain-list">
              {row.grants.map((grant) => (
                <li key={grant.id}>
                  <Link to={`/customers/orders/${grant.orderId}`}>{grant.externalOrderId}</Link>
                  {grant.status !== row.status ? (
                    <>
                      {' '}
                      <AccessBadge status={grant.status} />
                    </>
                  ) : null}
                </li>
              ))}
            </ul>
          ),
        },
      ]}
      rows={products}
      rowKey={(row) => row.productId}
      empty={<p>{t('customers.noAccess')}</p>}
    />
  );
}
