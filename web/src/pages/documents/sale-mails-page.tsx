/**
 * The mails of Digistore24 sales. Digistore24 invoices its buyers itself, so a sale of a
 * Digistore24 source whose seller profile has invoicing on gets no document from ipnhub: the
 * seller's "new order" mail and the buyer's mail carry Digistore24's invoice and receipt links
 * instead. Newest first, filtered on the server (seller profile, source, days, buyer e-mail) and
 * paged, each with to whom it went, the sale, its links and how sending went.
 */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { DataTable } from '../../components/data-table.js';
import { ErrorDisplay } from '../../components/error-display.js';
import { FilterBar } from '../../components/filter-bar.js';
import { SelectField, TextField } from '../../components/form-field.js';
import { DateTime, Money } from '../../components/formatted.js';
import { PageHeader } from '../../components/page-header.js';
import { Pager } from '../../components/pager.js';
import { EmptyState, Loading } from '../../components/states.js';
import { rangeIsReversed } from '../notifications/notification-filters.js';
import { useSourceList } from '../notifications/notification-queries.js';
import { useProfiles } from '../profiles/profile-queries.js';
import { NO_SALE_MAIL_FILTERS } from './document-filters.js';
import type { SaleMailFilters } from './document-filters.js';
import { MailState } from './document-mails.js';
import { useSaleMailsPage } from './document-queries.js';
import { DayRangeFields, ProfileField } from './period-fields.js';
import type { SaleMail } from './document-queries.js';
import './documents.css';

interface Choice {
  id: string;
  name: string;
}

function SaleMailFilterBar({
  applied,
  profiles,
  sources,
  onApply,
}: {
  applied: SaleMailFilters;
  profiles: readonly Choice[];
  sources: readonly Choice[];
  onApply(filters: SaleMailFilters): void;
}) {
  const { t } = useTranslation();
  const [draft, setDraft] = useState<SaleMailFilters>(applied);
  const set = (patch: Partial<SaleMailFilters>): void => setDraft({ ...draft, ...patch });
  return (
    <FilterBar
      label={t('documents.saleMails.filtersLabel')}
      onApply={() => {
        if (!rangeIsReversed(draft)) onApply({ ...draft, email: draft.email.trim() });
      }}
      onReset={() => {
        setDraft(NO_SALE_MAIL_FILTERS);
        onApply(NO_SALE_MAIL_FILTERS);
      }}
    >
      <ProfileField
        value={draft.profileId}
        profiles={profiles}
        onChange={(profileId) => set({ profileId })}
      />
      <SelectField
        label={t('documents.saleMails.source')}
        value={draft.sourceId}
        options={[
          { value: '', label: t('documents.saleMails.anySource') },
          ...sources.map((source) => ({ value: source.id, label: source.name })),
        ]}
        onChange={(sourceId) => set({ sourceId })}
      />
      <DayRangeFields value={draft} onChange={(days) => set({ from: days.from, to: days.to })} />
      <TextField
        type="email"
        label={t('documents.buyerEmail')}
        value={draft.email}
        maxLength={320}
        onChange={(email) => set({ email })}
        className="filter-search"
      />
    </FilterBar>
  );
}

/** Digistore24's invoice and receipt links the mail carries, opened at Digistore24. */
function Links({ mail }: { mail: SaleMail }) {
  const { t } = useTranslation();
  const links = [
    { url: mail.invoiceUrl, label: t('documents.saleMails.invoiceLink') },
    { url: mail.receiptUrl, label: t('documents.saleMails.receiptLink') },
  ].filter((link): link is { url: string; label: string } => link.url !== null);
  if (links.length === 0) return <span className="muted">{t('documents.saleMails.noLinks')}</span>;
  return (
    <ul className="document-links">
      {links.map((link) => (
        <li key={link.label}>
          <a href={link.url} target="_blank" rel="noopener noreferrer">
            {link.label}
          </a>
        </li>
      ))}
    </ul>
  );
}

export function SaleMailsPage() {
  const { t } = useTranslation();
  const [filters, setFilters] = useState<SaleMailFilters>(NO_SALE_MAIL_FILTERS);
  const profiles = useProfiles();
  const sources = useSourceList();
  const { query, paging } = useSaleMailsPage(filters);
  const filtered = JSON.stringify(filters) !== JSON.stringify(NO_SALE_MAIL_FILTERS);
  const digistore24 = (sources.data ?? []).filter((source) => source.provider === 'digistore24');
  const sourceName = (id: string | null): string =>
    id === null ? '—' : (sources.data?.find((source) => source.id === id)?.name ?? id);

  return (
    <>
      <PageHeader
        title={t('documents.saleMails.title')}
        description={t('documents.saleMails.description')}
        actions={
          <Link className="button" to="/documents">
            {t('documents.backToList')}
          </Link>
        }
      />
      <SaleMailFilterBar
        applied={filters}
        profiles={profiles.data ?? []}
        sources={digistore24}
        onApply={setFilters}
      />
      {query.isPending ? <Loading /> : null}
      {query.isError ? (
        <ErrorDisplay error={query.error} onRetry={() => void query.refetch()} />
      ) : null}
      {query.data ? (
        <DataTable
          caption={t('documents.saleMails.tableCaption')}
          rows={query.data.data}
          rowKey={(mail) => mail.id}
          empty={
            filtered ? (
              <EmptyState title={t('documents.saleMails.noMatchTitle')}>
                {t('documents.noMatchBody')}
              </EmptyState>
            ) : (
              <EmptyState title={t('documents.saleMails.emptyTitle')}>
                {t('documents.saleMails.emptyBody')}
              </EmptyState>
            )
          }
          columns={[
            {
              key: 'queued',
              header: t('documents.saleMails.columns.queued'),
              cell: (mail) => (
                <Link to={`/events/${mail.eventId}`}>
                  <DateTime iso={mail.createdAt} />
                </Link>
              ),
            },
            {
              key: 'sale',
              header: t('documents.saleMails.columns.sale'),
              cell: (mail) => (
                <>
                  <bdi>{mail.orderId ?? '—'}</bdi>
                  {mail.amount !== null && mail.currency !== null ? (
                    <span className="cell-note">
                      <Money minor={mail.amount} currency={mail.currency} />
                    </span>
                  ) : null}
                  {mail.buyerEmail ? <span className="cell-note">{mail.buyerEmail}</span> : null}
                  <span className="cell-note">
                    <bdi>{sourceName(mail.sourceId)}</bdi>
                  </span>
                </>
              ),
            },
            {
              key: 'to',
              header: t('documents.mails.columns.role'),
              cell: (mail) => (
                <>
                  {t(`documents.mails.role.${mail.role}`)}
                  <span className="cell-note">{mail.recipients.join(', ')}</span>
                </>
              ),
            },
            {
              key: 'links',
              header: t('documents.saleMails.columns.links'),
              cell: (mail) => <Links mail={mail} />,
            },
            {
              key: 'status',
              header: t('documents.mails.columns.status'),
              cell: (mail) => <MailState mail={mail} />,
            },
            {
              key: 'tries',
              header: t('documents.saleMails.columns.tries'),
              className: 'numeric',
              cell: (mail) => mail.attempts,
            },
          ]}
        />
      ) : null}
      <Pager paging={paging} />
    </>
  );
}
