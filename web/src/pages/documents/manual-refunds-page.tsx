/**
 * Refunds and chargebacks that got no credit note, with what to do about each: ipnhub does not
 * know the refunded payment (a sale from before ipnhub, or from another system), the refund
 * names no amount, or it asks for more than is left of the invoice. Newest first, paged on the
 * server, optionally of one seller profile.
 */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { CardSection } from '../../components/card-section.js';
import { DataTable } from '../../components/data-table.js';
import { ErrorDisplay } from '../../components/error-display.js';
import { DateTime, Money } from '../../components/formatted.js';
import { PageHeader } from '../../components/page-header.js';
import { Pager } from '../../components/pager.js';
import { EmptyState, Loading } from '../../components/states.js';
import { useManualRefundsPage } from './document-queries.js';
import { ProfileField } from './period-fields.js';
import { useProfiles } from '../profiles/profile-queries.js';
import type { ManualRefund } from './document-queries.js';
import './documents.css';

function Reference({ refund }: { refund: ManualRefund }) {
  const { t } = useTranslation();
  return (
    <dl className="facts compact">
      <dt>{t('documents.manual.order')}</dt>
      <dd>
        <bdi>{refund.orderId ?? '—'}</bdi>
      </dd>
      <dt>{t('documents.manual.refundedPayment')}</dt>
      <dd>
        <bdi>{refund.paymentTransactionId ?? '—'}</bdi>
      </dd>
      <dt>{t('documents.manual.buyer')}</dt>
      <dd>{refund.buyerEmail ?? '—'}</dd>
    </dl>
  );
}

export function ManualRefundsPage() {
  const { t } = useTranslation();
  const [profileId, setProfileId] = useState('');
  const profiles = useProfiles();
  const { query, paging } = useManualRefundsPage(profileId);
  return (
    <>
      <PageHeader
        title={t('documents.manual.title')}
        description={t('documents.manual.description')}
        actions={
          <Link className="button" to="/documents">
            {t('documents.backToList')}
          </Link>
        }
      />
      <CardSection title={t('documents.manual.whatToDoTitle')}>
        <ol className="steps">
          <li>{t('documents.manual.step1')}</li>
          <li>{t('documents.manual.step2')}</li>
          <li>{t('documents.manual.step3')}</li>
        </ol>
      </CardSection>
      <div className="filter-bar">
        <div className="filter-fields">
          <ProfileField value={profileId} profiles={profiles.data ?? []} onChange={setProfileId} />
        </div>
      </div>
      {query.isPending ? <Loading /> : null}
      {query.isError ? (
        <ErrorDisplay error={query.error} onRetry={() => void query.refetch()} />
      ) : null}
      {query.data ? (
        <DataTable
          caption={t('documents.manual.tableCaption')}
          rows={query.data.data}
          rowKey={(refund) => refund.id}
          empty={
            <EmptyState title={t('documents.manual.emptyTitle')}>
              {t('documents.manual.emptyBody')}
            </EmptyState>
          }
          columns={[
            {
              key: 'received',
              header: t('documents.manual.columns.received'),
              cell: (refund) => (
                <Link to={`/events/${refund.eventId}`}>
                  <DateTime iso={refund.createdAt} />
                </Link>
              ),
            },
            {
              key: 'kind',
              header: t('documents.manual.columns.kind'),
              cell: (refund) => t(`documents.manual.kind.${refund.kind}`),
            },
            {
              key: 'amount',
              header: t('documents.manual.columns.amount'),
              className: 'numeric',
              cell: (refund) =>
                refund.amount !== null && refund.currency !== null ? (
                  <Money minor={refund.amount} currency={refund.currency} />
                ) : (
                  t('documents.manual.noAmount')
                ),
            },
            {
              key: 'reference',
              header: t('documents.manual.columns.reference'),
              cell: (refund) => <Reference refund={refund} />,
            },
            {
              key: 'reason',
              header: t('documents.manual.columns.reason'),
              cell: (refund) => <span className="cell-note">{refund.reason}</span>,
            },
          ]}
        />
      ) : null}
      <Pager paging={paging} />
    </>
  );
}
