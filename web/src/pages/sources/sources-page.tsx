/**
 * Sources: a card per configured provider account (its inbound URL to copy, the last
 * notification, counts by verdict), and "Add source" for each installed provider.
 */
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useApi } from '../../api/api-context.js';
import { ErrorDisplay } from '../../components/error-display.js';
import { PageHeader } from '../../components/page-header.js';
import { Pager } from '../../components/pager.js';
import { EmptyState, Loading } from '../../components/states.js';
import { usePagedQuery } from '../../components/use-paged-query.js';
import { SourceCard } from './source-card.js';
import { fetchSourcesPage, providerById, SOURCES_KEY, useProviders } from './source-queries.js';

export function SourcesPage() {
  const { t } = useTranslation();
  const { client } = useApi();
  const providers = useProviders();
  const { query, paging } = usePagedQuery({
    queryKey: [...SOURCES_KEY, 'list'],
    fetchPage: (cursor) => fetchSourcesPage(client, cursor),
  });
  // The cards name each source's provider: they wait for the catalogue, so no id shows before
  // its name (a catalogue that fails leaves the ids, beside its error).
  const waiting = query.isPending || providers.isPending;

  const addButtons = providers.data ? (
    <div className="add-buttons" role="group" aria-label={t('sources.addSource')}>
      {providers.data.map((provider) => (
        <Link
          key={provider.id}
          className="button button-primary"
          to={`/sources/new/${provider.id}`}
        >
          {t('sources.addProvider', { provider: provider.displayName })}
        </Link>
      ))}
    </div>
  ) : null;

  return (
    <>
      <PageHeader
        title={t('nav.sources')}
        description={t('sources.description')}
        actions={addButtons}
      />
      {providers.isError ? (
        <ErrorDisplay error={providers.error} onRetry={() => void providers.refetch()} />
      ) : null}
      {waiting ? <Loading /> : null}
      {query.isError ? (
        <ErrorDisplay error={query.error} onRetry={() => void query.refetch()} />
      ) : null}
      {query.data && !waiting ? (
        query.data.data.length === 0 ? (
          <EmptyState title={t('sources.emptyTitle')}>{t('sources.emptyBody')}</EmptyState>
        ) : (
          <div className="card-grid">
            {query.data.data.map((source) => (
              <SourceCard
                key={source.id}
                source={source}
                provider={providerById(providers.data, source.provider)}
              />
            ))}
          </div>
        )
      ) : null}
      <Pager paging={paging} />
    </>
  );
}
