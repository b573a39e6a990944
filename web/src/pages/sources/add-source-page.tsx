/** "Add source" for one provider: the generated form, then the setup steps on the source's page. */
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams } from 'react-router';
import { CREATED_STATE } from '../../components/created-notice.js';
import { ErrorDisplay } from '../../components/error-display.js';
import { PageHeader } from '../../components/page-header.js';
import { Loading } from '../../components/states.js';
import { NotFoundPage } from '../not-found-page.js';
import { asSchema, defaultsOf, pruneEmpty } from '../../schema-form/json-schema.js';
import type { JsonObject } from '../../schema-form/json-schema.js';
import { SetupHint } from './setup-steps.js';
import { SourceForm } from './source-form.js';
import { providerById, useCreateSource, useProviders } from './source-queries.js';

export function AddSourcePage() {
  const { t } = useTranslation();
  const { provider: providerId = '' } = useParams();
  const navigate = useNavigate();
  const providers = useProviders();
  const create = useCreateSource();
  if (providers.isPending) return <Loading />;
  if (providers.isError)
    return <ErrorDisplay error={providers.error} onRetry={() => void providers.refetch()} />;
  const provider = providerById(providers.data, providerId);
  if (!provider) return <NotFoundPage />;

  return (
    <>
      <PageHeader
        title={t('sources.addProvider', { provider: provider.displayName })}
        description={t('sources.addIntro')}
      />
      <SourceForm
        provider={provider}
        initial={{
          name: '',
          config: defaultsOf(asSchema(provider.configSchema)),
          cleared: new Set(),
        }}
        submitLabel={t('sources.create')}
        busy={create.isPending}
        error={create.error}
        hint={<SetupHint providerId={provider.id} />}
        onCancel={() => void navigate('/sources')}
        onSubmit={(value) =>
          create.mutate(
            {
              provider: provider.id,
              name: value.name,
              config: (pruneEmpty(value.config) ?? {}) as JsonObject,
            },
            {
              onSuccess: (source) =>
                void navigate(`/sources/${source.id}`, { state: CREATED_STATE }),
            },
          )
        }
      />
    </>
  );
}
