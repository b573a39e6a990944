/**
 * "Test connection": runs the connector's own test right now (the webhook gets a signed
 * connection test, the e-mail connector checks the SMTP login, CRMs make a read that changes
 * nothing) and shows what it says. Nothing is queued or recorded.
 */
import { useTranslation } from 'react-i18next';
import { CardSection } from '../../components/card-section.js';
import { ErrorDisplay } from '../../components/error-display.js';
import { useTestConnection } from './connection-queries.js';

export function TestConnection({ connectionId }: { connectionId: string }) {
  const { t } = useTranslation();
  const test = useTestConnection(connectionId);
  const result = test.data;
  return (
    <CardSection title={t('connections.test.title')}>
      <p>{t('connections.test.intro')}</p>
      <button
        type="button"
        className="button"
        onClick={() => test.mutate()}
        disabled={test.isPending}
      >
        {test.isPending ? t('common.working') : t('connections.test.run')}
      </button>
      <div aria-live="polite">
        {result && !test.isPending ? (
          <div className={result.ok ? 'notice notice-success' : 'notice notice-danger'}>
            <p className="test-verdict">
              {result.ok ? t('connections.test.ok') : t('connections.test.failed')}
            </p>
            <p className="test-message">{result.message}</p>
          </div>
        ) : null}
      </div>
      {test.isError ? <ErrorDisplay error={test.error} /> : null}
    </CardSection>
  );
}
