/**
 * Issued documents: invoice-receipts and credit notes, newest first, with filters (seller
 * profile, kind, days, buyer e-mail) and paging on the server; the export of a period for the
 * accountant; and a pointer to refunds that need handling by hand.
 */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { DataTable } from '../../components/data-table.js';
import { ErrorDisplay } from '../../components/error-display.js';
import { FilterBar } from '../../components/filter-bar.js';
import { TextField } from '../../components/form-field.js';
import { DateTime, Money } from '../../components/formatted.js';
import { PageHeader } from '../../components/page-header.js';
import { Pager } from '../../components/pager.js';
import { EmptyState, Loading } from '../../components/states.js';
import { rangeIsReversed } from '../notifications/notification-filters.js';
import { NO_DOCUMENT_FILTERS } from './document-filters.js';
import type { DocumentFilters } from './document-filters.js';
import { DocumentKindBadge, EInvoiceState, RenderStateBadge } from './document-kind.js';
import { useDocumentsPage } from './document-queries.js';
import { useProfiles } from '../profiles/profile-queries.js';
import { ExportPeriod } from './export-period.js';
import { ManualRefundsNotice } from './manual-refunds-notice.js';
import { PeriodFields } from './period-fields.js';
import './documents.css';

function DocumentFilterBar({
  applied,
  profiles,
  onApply,
}: {
  applied: DocumentFilters;
  profiles: readonly { id: string; name: string }[];
  onApply(filters: DocumentFilters): void;
}) {
  const { t } = useTranslation();
  const [draft, setDraft] = useState<DocumentFilters>(applied);
  return (
    <FilterBar
      label={t('documents.filtersLabel')}
      onApply={() => {
        if (!rangeIsReversed(draft)) onApply({ ...draft, email: draft.email.trim() });
      }}
      onReset={() => {
        setDraft(NO_DOCUMENT_FILTERS);
        onApply(NO_DOCUMENT_FILTERS);
      }}
    >
      <PeriodFields<DocumentFilters> value={draft} profiles={profiles} onChange={setDraft} />
      <TextField
        type="email"
        label={t('documents.buyerEmail')}
        value={draft.email}
        maxLength={320}
        onChange={(email) => setDraft({ ...draft, email })}
        className="filter-search"
      />
    </FilterBar>
  );
}

export function DocumentsPage() {
  const { t } = useTranslation();
  const [filters, setFilters] = useState<DocumentFilters>(NO_DOCUMENT_FILTERS);
  const profiles = useProfiles();
  const { query, paging } = useDocumentsPage(filters);
  const filtered = JSON.stringify(filters) !== JSON.stringify(NO_DOCUMENT_FILTERS);
  const profileName = (id: string): string =>
    profiles.data?.find((profile) => profile.id === id)?.name ?? id;
  const noProfile = profiles.data !== undefined && profiles.data.length === 0;

  return (
    <>
      <PageHeader
        title={t('nav.documents')}
        description={t('documents.description')}
        actions={
          <>
            <Link className="button" to="/documents/sale-mails">
              {t('documents.saleMails.link')}
            </Link>
            <Link className="button" to="/profiles">
              {t('documents.profilesLink')}
            </Link>
          </>
        }
      />
      <ManualRefundsNotice />
      <DocumentFilterBar applied={filters} profiles={profiles.data ?? []} onApply={setFilters} />
      {profiles.isError ? (
        <ErrorDisplay error={profiles.error} onRetry={() => void profiles.refetch()} />
      ) : null}
      {query.isPending ? <Loading /> : null}
      {query.isError ? (
        <ErrorDisplay error={query.error} onRetry={() => void query.refetch()} />
      ) : null}
      {query.data ? (
        <DataTable
          caption={t('documents.tableCaption')}
          rows={query.data.data}
          rowKey={(item) => item.id}
          empty={
            filtered ? (
              <EmptyState title={t('documents.noMatchTitle')}>
                {t('documents.noMatchBody')}
              </EmptyState>
            ) : (
              <EmptyState
                title={t('documents.emptyTitle')}
                action={
                  noProfile ? (
                    <Link className="button button-primary" to="/profiles/new">
                      {t('profiles.add')}
                    </Link>
                  ) : undefined
                }
              >
                {noProfile ? t('documents.emptyNoProfile') : t('documents.emptyBody')}
              </EmptyState>
            )
          }
          columns={[
            {
              key: 'number',
              header: t('documents.columns.number'),
              cell: (item) => (
                <Link to={`/documents/${item.id}`}>
                  <bdi>{item.number}</bdi>
                </Link>
              ),
            },
            {
              key: 'kind',
              header: t('documents.columns.kind'),
              cell: (item) => <DocumentKindBadge kind={item.kind} />,
            },
            {
              key: 'issued',
              header: t('documents.columns.issued'),
              cell: (item) => <DateTime iso={item.issuedAt} />,
            },
            {
              key: 'buyer',
              header: t('documents.columns.buyer'),
              cell: (item) => (
                <>
                  <bdi>{item.buyerName ?? '—'}</bdi>
                  {item.buyerEmail ? <span className="cell-note">{item.buyerEmail}</span> : null}
                </>
              ),
            },
            {
              key: 'profile',
              header: t('documents.columns.profile'),
              cell: (item) => <bdi>{profileName(item.profileId)}</bdi>,
            },
            {
              key: 'gross',
              header: t('documents.columns.gross'),
              className: 'numeric',
              cell: (item) => <Money minor={item.gross} currency={item.currency} />,
            },
            {
              key: 'pdf',
              header: t('documents.columns.pdf'),
              cell: (item) => <RenderStateBadge state={item.renderState} />,
            },
            {
              key: 'eInvoice',
              header: t('documents.columns.eInvoice'),
              cell: (item) => <EInvoiceState eInvoice={item.eInvoice} />,
            },
          ]}
        />
      ) : null}
      <Pager paging={paging} />
      <ExportPeriod profiles={profiles.data ?? []} />
    </>
  );
}
