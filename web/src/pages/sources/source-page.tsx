/** One source: its URL and figures, the setup steps, the Digistore24 test, edit and delete. */
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { CreatedNotice } from '../../components/created-notice.js';
import { DeleteAction } from '../../components/delete-action.js';
import { ErrorDisplay } from '../../components/error-display.js';
import { DateTime } from '../../components/formatted.js';
import { PageHeader } from '../../components/page-header.js';
import { Loading } from '../../components/states.js';
import { LastNotification, VerdictCounts } from './source-card.js';
import { SetupSteps } from './setup-steps.js';
import { providerById, useDeleteSource, useProviders, useSource } from './source-queries.js';
import { TestNotification } from './test-notification.js';

export function SourcePage() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const navigate = useNavigate();
  const providers = useProviders();
  const source = useSource(id);
  const remove = useDeleteSource(id);
  // The header names the provider: the page waits for the catalogue too, so no id shows first.
  if (source.isPending || providers.isPending) return <Loading />;
  if (source.isError)
    return <ErrorDisplay error={source.error} onRetry={() => void source.refetch()} />;
  const data = source.data;
  const provider = providerById(providers.data, data.provider);

  return (
    <>
      <PageHeader
        title={data.name}
        description={provider?.displayName ?? data.provider}
        actions={
          <>
            <Link className="button" to={`/sources/${data.id}/edit`}>
              {t('common.edit')}
            </Link>
            <DeleteAction
              title={t('sources.deleteTitle', { name: data.name })}
              remove={remove}
              onDeleted={() => void navigate('/sources', { replace: true })}
            >
              <p>{t('sources.deleteBody')}</p>
            </DeleteAction>
          </>
        }
      />
      <CreatedNotice>{t('sources.created')}</CreatedNotice>
      <section className="card" aria-labelledby="figures-title">
        <h2 id="figures-title">{t('sources.figures')}</h2>
        <p>
          <LastNotification source={data} />
        </p>
        <VerdictCounts source={data} />
        <p className="muted">
          {t('sources.createdAt')}: <DateTime iso={data.createdAt} />
        </p>
      </section>
      <SetupSteps source={data} />
      {data.provider === 'digistore24' ? <TestNotification sourceId={data.id} /> : null}
    </>
  );
}
