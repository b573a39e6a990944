/**
 * "Send test notification" (Digistore24): the server signs a connection test with the stored
 * passphrase and runs it through the inbound pipeline; shown is what Digistore24 would get back.
 */
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { ErrorDisplay } from '../../components/error-display.js';
import { useTestNotification } from './source-queries.js';

export function TestNotification({ sourceId }: { sourceId: string }) {
  const { t } = useTranslation();
  const test = useTestNotification(sourceId);
  const answer = test.data;
  return (
    <section className="test-notification" aria-labelledby="test-title">
      <h2 id="test-title">{t('sources.test.title')}</h2>
      <p>{t('sources.test.intro')}</p>
      <button
        type="button"
        className="button"
        onClick={() => test.mutate()}
        disabled={test.isPending}
      >
        {test.isPending ? t('common.working') : t('sources.test.send')}
      </button>
      <div aria-live="polite">
        {answer ? (
          <div
            className={
              answer.status >= 200 && answer.status < 300
                ? 'notice notice-success'
                : 'notice notice-danger'
            }
          >
            <p>
              {answer.status >= 200 && answer.status < 300
                ? t('sources.test.ok')
                : t('sources.test.failed')}
            </p>
            <dl className="facts">
              <dt>{t('sources.test.status')}</dt>
              <dd>{answer.status}</dd>
              <dt>{t('sources.test.body')}</dt>
              <dd>
                <code dir="ltr">{answer.body}</code>
              </dd>
            </dl>
            {answer.inboundRequestId ? (
              <Link to={`/notifications/${answer.inboundRequestId}`}>
                {t('sources.test.openLog')}
              </Link>
            ) : null}
          </div>
        ) : null}
      </div>
      {test.isError ? <ErrorDisplay error={test.error} /> : null}
    </section>
  );
}
