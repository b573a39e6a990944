/**
 * One delivery attempt: when and why it was made, how it ended, and the HTTP requests it sent
 * as sent (credentials were replaced by `[redacted]` on the server before they were stored),
 * with the target's answer.
 */
import { useTranslation } from 'react-i18next';
import { DateTime } from '../../components/formatted.js';
import { NameValueTable } from '../../components/name-value-table.js';
import { RawText } from '../../components/raw-text.js';
import { Badge } from '../../components/status-badge.js';
import type { Tone } from '../../components/status-badge.js';
import { dynamicText } from '../../i18n/dynamic-text.js';
import { useFormat } from '../../i18n/use-format.js';
import type { DeliveryStatus } from '../../api/types.js';
import type { Attempt, SentRequest } from './delivery-queries.js';

const OUTCOME_TONES: Readonly<Record<string, Tone>> = {
  delivered: 'success',
  skipped: 'neutral',
  retry: 'warning',
  retried: 'warning',
  givenUp: 'danger',
  failed: 'danger',
};

/**
 * How an attempt ended, for people. The server records what the connector answered; a `retry`
 * means "failed for now", and whether it was tried again, will be, or was the last try
 * depends on what came after it.
 */
function outcomeOf(attempt: Attempt, latest: boolean, status: DeliveryStatus): string {
  if (attempt.outcome !== 'retry') return attempt.outcome;
  if (!latest) return 'retried';
  return status === 'dead' ? 'givenUp' : 'retry';
}

/** A catalogue text for a value the server names (`<group>.<value>`), or the value as it is when the catalogue does not know it. */
function useNamed(): (
  group: 'deliveries.attempt.outcome' | 'deliveries.attempt.trigger' | 'deliveries.attempt.failure',
  value: string,
) => string {
  const { i18n } = useTranslation();
  return (group, value) => dynamicText(i18n, `${group}.${value}`) ?? value;
}

function RequestView({ request, number }: { request: SentRequest; number: number }) {
  const { t } = useTranslation();
  const format = useFormat();
  const named = useNamed();
  const headers = Object.entries(request.headers).map(([name, value]) => ({ name, value }));
  return (
    <div className="sent-request">
      <h4>{t('deliveries.attempt.request', { number })}</h4>
      <p>
        <code dir="ltr">
          {request.method} {request.url}
        </code>
      </p>
      <dl className="facts">
        <dt>{t('deliveries.attempt.answer')}</dt>
        <dd>
          {request.status !== null
            ? t('deliveries.attempt.httpStatus', { status: request.status })
            : t('deliveries.attempt.noAnswer', {
                failure: named('deliveries.attempt.failure', request.failure ?? 'connection'),
              })}
        </dd>
        <dt>{t('deliveries.attempt.duration')}</dt>
        <dd>{t('deliveries.attempt.durationValue', { ms: format.number(request.durationMs) })}</dd>
      </dl>
      <NameValueTable
        caption={t('deliveries.attempt.headersCaption', { number })}
        nameHeader={t('deliveries.attempt.headerName')}
        valueHeader={t('deliveries.attempt.headerValue')}
        rows={headers}
      />
      {request.body === null ? (
        <p className="muted">{t('deliveries.attempt.noBody')}</p>
      ) : (
        <>
          <RawText label={t('deliveries.attempt.bodyLabel', { number })} text={request.body} />
          {request.bodyTruncated ? (
            <p className="muted">{t('deliveries.attempt.bodyTruncated')}</p>
          ) : null}
        </>
      )}
    </div>
  );
}

export interface AttemptViewProps {
  attempt: Attempt;
  /** The delivery's newest attempt. */
  latest: boolean;
  /** The delivery's status now. */
  status: DeliveryStatus;
}

export function AttemptView({ attempt, latest, status }: AttemptViewProps) {
  const { t } = useTranslation();
  const format = useFormat();
  const named = useNamed();
  const outcome = outcomeOf(attempt, latest, status);
  const titleId = `attempt-${attempt.id}`;
  return (
    <article className="card attempt" aria-labelledby={titleId}>
      <header className="card-header">
        <h3 id={titleId} className="card-title">
          {t('deliveries.attempt.title', { number: attempt.attemptNo })}
        </h3>
        <Badge tone={OUTCOME_TONES[outcome] ?? 'neutral'}>
          {named('deliveries.attempt.outcome', outcome)}
        </Badge>
      </header>
      <dl className="facts">
        <dt>{t('deliveries.attempt.started')}</dt>
        <dd>
          <DateTime iso={attempt.startedAt} />
        </dd>
        <dt>{t('deliveries.attempt.triggerLabel')}</dt>
        <dd>{named('deliveries.attempt.trigger', attempt.trigger)}</dd>
        <dt>{t('deliveries.attempt.duration')}</dt>
        <dd>{t('deliveries.attempt.durationValue', { ms: format.number(attempt.durationMs) })}</dd>
        {attempt.statusCode !== null ? (
          <>
            <dt>{t('deliveries.attempt.statusCode')}</dt>
            <dd>{attempt.statusCode}</dd>
          </>
        ) : null}
        {attempt.error ? (
          <>
            <dt>{t('deliveries.attempt.error')}</dt>
            <dd>
              <bdi>{attempt.error}</bdi>
            </dd>
          </>
        ) : null}
      </dl>
      {attempt.response ? (
        <>
          <h4>{t('deliveries.attempt.response')}</h4>
          <RawText
            label={t('deliveries.attempt.responseLabel', { number: attempt.attemptNo })}
            text={attempt.response}
          />
        </>
      ) : null}
      {attempt.requests === null ? (
        <p className="muted">{t('deliveries.attempt.noRequests')}</p>
      ) : (
        <>
          <p className="muted">{t('deliveries.attempt.redacted')}</p>
          {attempt.requests.map((request, index) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: the requests of one attempt in the order they were sent; the position is their number
            <RequestView key={index} request={request} number={index + 1} />
          ))}
          {attempt.omittedRequests > 0 ? (
            <p className="muted">
              {t('deliveries.attempt.omitted', { count: attempt.omittedRequests })}
            </p>
          ) : null}
        </>
      )}
    </article>
  );
}
