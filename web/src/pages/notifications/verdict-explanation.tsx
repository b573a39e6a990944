/**
 * What a verdict means and what to do about it, in the user's language: the verdict's own
 * explanation (`notifications.verdictHelp.<verdict>`), the error code's title and help
 * (`errors.<CODE>`) when there is one, the server's reason, and for a PayPal IPN still waiting
 * for PayPal's answer, where that stands.
 */
import { useTranslation } from 'react-i18next';
import { isServerErrorCode } from '../../api/error-codes.js';
import { DateTime, Num } from '../../components/formatted.js';
import { VerdictBadge } from '../../components/status-badge.js';
import type { InboundRequestDetail } from './notification-queries.js';

/** The title of a verdict code in the user's language; a code this UI does not know is shown as it is. */
export function useVerdictCodeTitle(): (code: string) => string {
  const { t, i18n } = useTranslation();
  return (code) =>
    isServerErrorCode(code, (key) => i18n.exists(key)) ? t(`errors.${code}.title`) : code;
}

function PendingVerification({ request }: { request: InboundRequestDetail }) {
  const { t } = useTranslation();
  const pending = request.pendingVerification;
  if (request.verdict !== 'pending') return null;
  if (!pending) return <p>{t('notifications.pending.settling')}</p>;
  return (
    <div className="notice notice-warning">
      <h3>{t('notifications.pending.title')}</h3>
      <dl className="facts">
        <dt>{t('notifications.pending.attempts')}</dt>
        <dd>
          {pending.attempts === 0 ? (
            t('notifications.pending.noAttemptYet')
          ) : (
            <Num value={pending.attempts} />
          )}
        </dd>
        <dt>{t('notifications.pending.nextAttempt')}</dt>
        <dd>
          <DateTime iso={pending.nextAttemptAt} />
        </dd>
        {pending.lastError ? (
          <>
            <dt>{t('notifications.pending.lastError')}</dt>
            <dd>
              <code dir="ltr">{pending.lastError}</code>
            </dd>
          </>
        ) : null}
      </dl>
      <p>{t('notifications.pending.help')}</p>
    </div>
  );
}

export function VerdictExplanation({ request }: { request: InboundRequestDetail }) {
  const { t, i18n } = useTranslation();
  const code = request.verdictCode;
  const known = code !== null && isServerErrorCode(code, (key) => i18n.exists(key)) ? code : null;
  return (
    <section className="card" aria-labelledby="verdict-title">
      <h2 id="verdict-title">{t('notifications.detail.verdictTitle')}</h2>
      <p>
        <VerdictBadge verdict={request.verdict} />
      </p>
      <p>{t(`notifications.verdictHelp.${request.verdict}`)}</p>
      {code !== null ? (
        <div
          className={request.verdict === 'held' ? 'notice notice-warning' : 'notice notice-danger'}
        >
          <p className="error-title">{known ? t(`errors.${known}.title`) : code}</p>
          {known ? <p>{t(`errors.${known}.help`)}</p> : null}
          <dl className="facts">
            <dt>{t('errorDisplay.code')}</dt>
            <dd>
              <code>{code}</code>
            </dd>
          </dl>
        </div>
      ) : null}
      <dl className="facts">
        {request.verdictReason ? (
          <>
            <dt>{t('notifications.detail.reason')}</dt>
            <dd>
              <bdi>{request.verdictReason}</bdi>
            </dd>
          </>
        ) : null}
        {request.verification ? (
          <>
            <dt>{t('notifications.detail.verification')}</dt>
            <dd>
              <code dir="ltr">{request.verification}</code>
            </dd>
          </>
        ) : null}
      </dl>
      <PendingVerification request={request} />
    </section>
  );
}
