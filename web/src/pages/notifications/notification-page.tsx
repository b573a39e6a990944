/**
 * One inbound request: where it came from, its verdict explained, the events it produced (with
 * their ledger effects and deliveries), its decoded fields, headers and raw body.
 */
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { ErrorDisplay } from '../../components/error-display.js';
import { DateTime } from '../../components/formatted.js';
import { NameValueTable } from '../../components/name-value-table.js';
import { PageHeader } from '../../components/page-header.js';
import { RawText } from '../../components/raw-text.js';
import { Loading } from '../../components/states.js';
import { useFormat } from '../../i18n/use-format.js';
import { EventCard } from '../events/event-card.js';
import { useNotification, useSourceList } from './notification-queries.js';
import type { InboundRequestDetail } from './notification-queries.js';
import { VerdictExplanation } from './verdict-explanation.js';

function Origin({ request }: { request: InboundRequestDetail }) {
  const { t } = useTranslation();
  const format = useFormat();
  const sources = useSourceList();
  const source = sources.data?.find((s) => s.id === request.sourceId);
  return (
    <section className="card" aria-labelledby="origin-title">
      <h2 id="origin-title">{t('notifications.detail.originTitle')}</h2>
      <dl className="facts">
        <dt>{t('notifications.detail.received')}</dt>
        <dd>
          <DateTime iso={request.receivedAt} />
        </dd>
        <dt>{t('notifications.detail.source')}</dt>
        <dd>
          {source ? (
            <Link to={`/sources/${source.id}`}>{source.name}</Link>
          ) : request.sourceId ? (
            <code>{request.sourceId}</code>
          ) : (
            t('notifications.unknownSource')
          )}
          {request.provider ? <span className="muted"> · {request.provider}</span> : null}
        </dd>
        <dt>{t('notifications.detail.request')}</dt>
        <dd>
          <code dir="ltr">
            {request.method} {request.url}
          </code>
        </dd>
        <dt>{t('notifications.detail.remoteAddress')}</dt>
        <dd>
          <code dir="ltr">{request.remoteAddress}</code>
        </dd>
        <dt>{t('notifications.detail.size')}</dt>
        <dd>
          {t('notifications.detail.bytes', {
            count: request.bodyBytes,
            size: format.number(request.bodyBytes),
          })}
        </dd>
        <dt>{t('notifications.detail.id')}</dt>
        <dd>
          <code>{request.id}</code>
        </dd>
      </dl>
    </section>
  );
}

function Fields({ request }: { request: InboundRequestDetail }) {
  const { t } = useTranslation();
  return (
    <section className="card" aria-labelledby="fields-title">
      <h2 id="fields-title">{t('notifications.detail.fieldsTitle')}</h2>
      {request.charset ? (
        <p className="muted">
          {t(`notifications.detail.charset.${request.charset.basis}`, {
            charset: request.charset.name,
          })}
        </p>
      ) : null}
      {request.fields ? (
        request.fields.length > 0 ? (
          <NameValueTable
            caption={t('notifications.detail.fieldsCaption')}
            nameHeader={t('notifications.detail.fieldName')}
            valueHeader={t('notifications.detail.fieldValue')}
            rows={request.fields}
          />
        ) : (
          <p className="muted">{t('notifications.detail.noFields')}</p>
        )
      ) : (
        <div className="notice notice-warning">
          <p>{t('notifications.detail.fieldsUnreadable')}</p>
          {request.fieldsError ? (
            <p>
              <bdi>
                <code>{request.fieldsError}</code>
              </bdi>
            </p>
          ) : null}
        </div>
      )}
    </section>
  );
}

function Events({ request }: { request: InboundRequestDetail }) {
  const { t } = useTranslation();
  return (
    <section aria-labelledby="events-title">
      <h2 id="events-title">{t('notifications.detail.eventsTitle')}</h2>
      {request.eventIds.length === 0 ? (
        <p className="muted">{t('notifications.detail.noEvents')}</p>
      ) : (
        request.eventIds.map((id) => <EventCard key={id} id={id} />)
      )}
    </section>
  );
}

export function NotificationPage() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const request = useNotification(id);
  if (request.isPending) return <Loading />;
  if (request.isError)
    return <ErrorDisplay error={request.error} onRetry={() => void request.refetch()} />;
  const data = request.data;
  const headers = Object.entries(data.headers).map(([name, value]) => ({ name, value }));
  return (
    <>
      <PageHeader
        title={t('notifications.detail.title')}
        description={<DateTime iso={data.receivedAt} />}
      />
      <p>
        <Link to="/notifications">{t('notifications.backToLog')}</Link>
      </p>
      <VerdictExplanation request={data} />
      <Events request={data} />
      <Fields request={data} />
      <Origin request={data} />
      <section className="card" aria-labelledby="headers-title">
        <h2 id="headers-title">{t('notifications.detail.headersTitle')}</h2>
        <NameValueTable
          caption={t('notifications.detail.headersCaption')}
          nameHeader={t('notifications.detail.headerName')}
          valueHeader={t('notifications.detail.headerValue')}
          rows={headers}
        />
      </section>
      <section className="card" aria-labelledby="body-title">
        <h2 id="body-title">{t('notifications.detail.bodyTitle')}</h2>
        <RawText label={t('notifications.detail.bodyLabel')} text={data.body} />
      </section>
    </>
  );
}
