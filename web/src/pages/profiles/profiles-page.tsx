/** The seller profiles: who issues the documents of which sources, and whether invoicing is on. */
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { DataTable } from '../../components/data-table.js';
import { ErrorDisplay } from '../../components/error-display.js';
import { PageHeader } from '../../components/page-header.js';
import { EmptyState, Loading } from '../../components/states.js';
import { Badge } from '../../components/status-badge.js';
import { useSourceList } from '../notifications/notification-queries.js';
import { MerchantOfRecordNote } from './merchant-of-record-note.js';
import { useProfiles } from './profile-queries.js';
import '../documents/documents.css';

export function ProfilesPage() {
  const { t } = useTranslation();
  const profiles = useProfiles();
  const sources = useSourceList();
  const sourceName = (id: string): string =>
    sources.data?.find((source) => source.id === id)?.name ?? id;
  const add = (
    <Link className="button button-primary" to="/profiles/new">
      {t('profiles.add')}
    </Link>
  );
  return (
    <>
      <PageHeader title={t('nav.profiles')} description={t('profiles.description')} actions={add} />
      <MerchantOfRecordNote />
      {profiles.isPending ? <Loading /> : null}
      {profiles.isError ? (
        <ErrorDisplay error={profiles.error} onRetry={() => void profiles.refetch()} />
      ) : null}
      {profiles.data ? (
        <DataTable
          caption={t('profiles.tableCaption')}
          rows={profiles.data}
          rowKey={(profile) => profile.id}
          empty={
            <EmptyState title={t('profiles.emptyTitle')} action={add}>
              {t('profiles.emptyBody')}
            </EmptyState>
          }
          columns={[
            {
              key: 'name',
              header: t('profiles.columns.name'),
              cell: (profile) => (
                <Link to={`/profiles/${profile.id}`}>
                  <bdi>{profile.name}</bdi>
                </Link>
              ),
            },
            {
              key: 'legalName',
              header: t('profiles.columns.legalName'),
              cell: (profile) => <bdi>{profile.settings.legalName}</bdi>,
            },
            {
              key: 'invoicing',
              header: t('profiles.columns.invoicing'),
              cell: (profile) => (
                <Badge tone={profile.invoicing ? 'success' : 'neutral'}>
                  {profile.invoicing ? t('profiles.invoicingOn') : t('profiles.invoicingOff')}
                </Badge>
              ),
            },
            {
              key: 'sources',
              header: t('profiles.columns.sources'),
              cell: (profile) =>
                profile.sourceIds.length === 0 ? (
                  <span className="muted">{t('profiles.noSources')}</span>
                ) : (
                  profile.sourceIds.map(sourceName).join(', ')
                ),
            },
          ]}
        />
      ) : null}
    </>
  );
}
