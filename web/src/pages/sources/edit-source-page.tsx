/** Edit a source: rename it or change its config; stored secrets stay unless replaced or removed. */
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams } from 'react-router';
import { ErrorDisplay } from '../../components/error-display.js';
import { PageHeader } from '../../components/page-header.js';
import { Loading } from '../../components/states.js';
import { configPatch } from '../../schema-form/config-patch.js';
import { SourceForm } from './source-form.js';
import { providerById, useProviders, useSource, useUpdateSource } from './source-queries.js';

export function EditSourcePage() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const navigate = useNavigate();
  const providers = useProviders();
  const source = useSource(id);
  const update = useUpdateSource(id);
  if (providers.isPending || source.isPending) return <Loading />;
  if (providers.isError)
    return <ErrorDisplay error={providers.error} onRetry={() => void providers.refetch()} />;
  if (source.isError)
    return <ErrorDisplay error={source.error} onRetry={() => void source.refetch()} />;
  const provider = providerById(providers.data, source.data.provider);
  if (!provider)
    return (
      <ErrorDisplay
        error={new Error(t('sources.providerMissing', { provider: source.data.provider }))}
      />
    );
  const stored = source.data;

  return (
    <>
      <PageHeader title={t('sources.editTitle', { name: stored.name })} />
      <SourceForm
        provider={provider}
        initial={{ name: stored.name, config: structuredClone(stored.config), cleared: new Set() }}
        secrets={stored.secretFields}
        submitLabel={t('common.save')}
        busy={update.isPending}
        error={update.error}
        onCancel={() => void navigate(`/sources/${id}`)}
        onSubmit={(value) =>
          update.mutate(
            { name: value.name, config: configPatch(stored.config, value.config, value.cleared) },
            { onSuccess: () => void navigate(`/sources/${id}`) },
          )
        }
      />
    </>
  );
}
