/** The installation's facts: version, database and migrations, public address, how mail goes out. */
import { useTranslation } from 'react-i18next';
import { CardSection } from '../../components/card-section.js';
import { ErrorDisplay } from '../../components/error-display.js';
import { Loading } from '../../components/states.js';
import { useSystem } from './settings-queries.js';

export function SystemFacts() {
  const { t } = useTranslation();
  const system = useSystem();
  return (
    <CardSection title={t('settings.system.title')}>
      {system.isPending ? <Loading /> : null}
      {system.isError ? (
        <ErrorDisplay error={system.error} onRetry={() => void system.refetch()} />
      ) : null}
      {system.data ? (
        <>
          <dl className="facts">
            <dt>{t('settings.system.version')}</dt>
            <dd>{system.data.version}</dd>
            <dt>{t('settings.system.publicBaseUrl')}</dt>
            <dd>
              {system.data.publicBaseUrl ? (
                <code dir="ltr">{system.data.publicBaseUrl}</code>
              ) : (
                t('settings.system.noPublicBaseUrl')
              )}
            </dd>
            <dt>{t('settings.system.database')}</dt>
            <dd>{t(`settings.system.databaseKind.${system.data.database}`)}</dd>
            {system.data.dataDir ? (
              <>
                <dt>{t('settings.system.dataDir')}</dt>
                <dd>
                  <code dir="ltr">{system.data.dataDir}</code>
                </dd>
              </>
            ) : null}
            <dt>{t('settings.system.mail')}</dt>
            <dd>{t(`settings.system.mailKind.${system.data.mail}`)}</dd>
            <dt>{t('settings.system.operatorEmail')}</dt>
            <dd>
              {system.data.operatorEmail ? (
                <code dir="ltr">{system.data.operatorEmail}</code>
              ) : (
                t('settings.system.noOperatorEmail')
              )}
            </dd>
          </dl>
          <h3>{t('settings.system.migrations', { count: system.data.migrations.length })}</h3>
          <ol className="migrations">
            {system.data.migrations.map((migration) => (
              <li key={migration}>
                <code dir="ltr">{migration}</code>
              </li>
            ))}
          </ol>
        </>
      ) : null}
    </CardSection>
  );
}
