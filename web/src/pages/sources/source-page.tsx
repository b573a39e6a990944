/** One source: its URL and figures, the setup steps, the Digistore24 test, edit and delete. */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation, useNavigate, useParams } from 'react-router';
import { ConfirmDialog } from '../../components/confirm-dialog.js';
import { ErrorDisplay } from '../../components/error-display.js';
import { DateTime } from '../../components/formatted.js';
import { PageHeader } from '../../components/page-header.js';
import { Loading } from '../../components/states.js';
import { LastNotification, VerdictCounts } from './source-card.js';
import { SetupSteps } from './setup-steps.js';
import { providerById, useDeleteSource, useProviders, useSource } from './source-queries.js';
import { TestNotification } from './test-notification.js';

function justCreated(state: unknown): boolean {
  return typeof state === 'object' && state !== null && (state as Record<string, unknown>).created === true;
}

export function SourcePage() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const location = useLocation();
  const navigate = useNavigate();
  const providers = useProviders();
  const source = useSource(id);
  const remove = useDeleteSource(id);
  const [confirming, setConfirming] = useState(false);
  if (source.isPending) return <Loading />;
  if (source.isError) return <ErrorDisplay error={source.error} onRetry={() => void source.refetch()} />;
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
            <button type="button" className="button button-danger" onClick={() => setConfirming(true)}>
              {t('common.delete')}
            </button>
          </>
        }
      />
      {justCreated(location.state) ? (
        <p className="notice notice-success" role="status">
          {t('sources.created')}
        </p>
      ) : null}
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
      {remove.isError ? <ErrorDisplay error={remove.error} /> : null}
      <ConfirmDialog
        open={confirming}
        title={t('sources.deleteTitle', { name: data.name })}
        confirmLabel={t('common.delete')}
        danger
        busy={remove.isPending}
        onCancel={() => setConfirming(false)}
        onConfirm={() =>
          remove.mutate(undefined, {
            onSuccess: () => void navigate('/sources', { replace: true }),
            onSettled: () => setConfirming(false),
          })
        }
      >
        <p>{t('sources.deleteBody')}</p>
      </ConfirmDialog>
    </>
  );
}
