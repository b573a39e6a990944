/**
 * What needs a person: connections whose deliveries fail and sources whose notifications are
 * rejected or wait for PayPal's verification. Every count links to the records behind it.
 */
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { isServerErrorCode } from '../../api/error-codes.js';
import { presetState } from '../../app/list-presets.js';
import { CardSection } from '../../components/card-section.js';
import { DateTime } from '../../components/formatted.js';
import { providerById, useProviders } from '../sources/source-queries.js';
import type { Overview } from './overview-queries.js';
import { useConnectors } from './overview-queries.js';

type FailingConnection = Overview['failingConnections'][number];
type RejectingSource = Overview['rejectingSources'][number];

function ConnectionProblem({ connection }: { connection: FailingConnection }) {
  const { t } = useTranslation();
  const connectors = useConnectors();
  const connector =
    connectors.data?.find((entry) => entry.id === connection.connector)?.displayName ??
    connection.connector;
  const counts = [
    {
      status: 'dead',
      count: connection.dead,
      label: t('overview.deadCount', { count: connection.dead }),
    },
    {
      status: 'failed',
      count: connection.failed,
      label: t('overview.failedCount', { count: connection.failed }),
    },
    {
      status: 'pending',
      count: connection.retrying,
      label: t('overview.retryingCount', { count: connection.retrying }),
    },
  ] as const;
  return (
    <li className="attention-item">
      <p className="attention-title">
        <Link to={`/connections/${connection.id}`}>{connection.name}</Link>{' '}
        <span className="muted">{connector}</span>
      </p>
      <ul className="attention-counts">
        {counts
          .filter((entry) => entry.count > 0)
          .map((entry) => (
            <li key={entry.status}>
              <Link
                to="/deliveries"
                state={presetState({ connectionId: connection.id, status: entry.status })}
              >
                {entry.label}
              </Link>
            </li>
          ))}
      </ul>
      {connection.lastError ? (
        <p className="attention-detail">
          {t('overview.lastError')}: {connection.lastError}
          {connection.lastAttemptAt ? (
            <>
              {' '}
              (<DateTime iso={connection.lastAttemptAt} />)
            </>
          ) : null}
        </p>
      ) : null}
    </li>
  );
}

function SourceProblem({ source, from }: { source: RejectingSource; from: string }) {
  const { t, i18n } = useTranslation();
  const providers = useProviders();
  const provider = providerById(providers.data, source.provider)?.displayName ?? source.provider;
  const code = source.lastCode;
  return (
    <li className="attention-item">
      <p className="attention-title">
        <Link to={`/sources/${source.id}`}>{source.name}</Link>{' '}
        <span className="muted">{provider}</span>
      </p>
      <ul className="attention-counts">
        {source.rejected > 0 ? (
          <li>
            <Link
              to="/notifications"
              state={presetState({ sourceId: source.id, verdict: 'rejected', from })}
            >
              {t('overview.rejectedCount', { count: source.rejected })}
            </Link>
          </li>
        ) : null}
        {source.unverified > 0 ? (
          <li>
            <Link
              to="/notifications"
              state={presetState({ sourceId: source.id, verdict: 'pending' })}
            >
              {t('overview.unverifiedCount', { count: source.unverified })}
            </Link>
          </li>
        ) : null}
      </ul>
      {code ? (
        <p className="attention-detail">
          {t('overview.lastRejection')}:{' '}
          {isServerErrorCode(code, (key) => i18n.exists(key))
            ? t(`errors.${code}.title`)
            : (source.lastReason ?? code)}{' '}
          (<code>{code}</code>)
          {source.lastAt ? (
            <>
              , <DateTime iso={source.lastAt} />
            </>
          ) : null}
        </p>
      ) : null}
      {source.lastVerificationError ? (
        <p className="attention-detail">
          {t('overview.lastVerificationError')}: {source.lastVerificationError}
        </p>
      ) : null}
    </li>
  );
}

export function Attention({ overview, from }: { overview: Overview; from: string }) {
  const { t } = useTranslation();
  const nothing =
    overview.failingConnections.length === 0 && overview.rejectingSources.length === 0;
  return (
    <CardSection title={t('overview.attention')} className="overview-section">
      {nothing ? <p className="notice notice-success">{t('overview.allWell')}</p> : null}
      {overview.failingConnections.length > 0 ? (
        <>
          <h3>{t('overview.failingConnections')}</h3>
          <ul className="attention-list">
            {overview.failingConnections.map((connection) => (
              <ConnectionProblem key={connection.id} connection={connection} />
            ))}
          </ul>
        </>
      ) : null}
      {overview.rejectingSources.length > 0 ? (
        <>
          <h3>{t('overview.rejectingSources')}</h3>
          <ul className="attention-list">
            {overview.rejectingSources.map((source) => (
              <SourceProblem key={source.id} source={source} from={from} />
            ))}
          </ul>
        </>
      ) : null}
    </CardSection>
  );
}
