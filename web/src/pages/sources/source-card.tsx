import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { ProviderEntry, Source, Verdict } from '../../api/types.js';
import { CopyButton } from '../../components/copy-button.js';
import { DateTime } from '../../components/formatted.js';
import { VerdictBadge } from '../../components/status-badge.js';
import { useFormat } from '../../i18n/use-format.js';

/** Verdicts in the order people read them: what worked, what waits, what failed. */
const VERDICT_ORDER: readonly Verdict[] = [
  'accepted',
  'test',
  'duplicate',
  'ignored',
  'pending',
  'held',
  'rejected',
  'error',
];

/**
 * The inbound URL with its copy button: the one thing every provider needs from a source. The
 * server computes it (on the public base URL, else on the origin this page reached it at).
 */
export function InboundUrl({ url }: { url: string }) {
  const { t } = useTranslation();
  return (
    <div className="inbound-url">
      <code className="url" dir="ltr">
        {url}
      </code>
      <CopyButton text={url} label={t('sources.inboundUrl')} />
    </div>
  );
}

export function VerdictCounts({ source }: { source: Source }) {
  const { t } = useTranslation();
  const format = useFormat();
  const { counts } = source;
  const shown = VERDICT_ORDER.filter((verdict) => (counts[verdict] ?? 0) > 0);
  if (shown.length === 0) return null;
  return (
    <ul className="badge-list" aria-label={t('sources.countsLabel')}>
      {shown.map((verdict) => (
        <li key={verdict}>
          <VerdictBadge verdict={verdict} count={format.number(counts[verdict] ?? 0)} />
        </li>
      ))}
    </ul>
  );
}

export function LastNotification({ source }: { source: Source }) {
  const { t } = useTranslation();
  const { lastNotificationAt } = source;
  return lastNotificationAt ? (
    <>
      {t('sources.lastNotification')}: <DateTime iso={lastNotificationAt} />
    </>
  ) : (
    t('sources.noNotificationYet')
  );
}

export function SourceCard({
  source,
  provider,
}: {
  source: Source;
  provider: ProviderEntry | undefined;
}) {
  const { t } = useTranslation();
  return (
    <article className="card source-card" aria-labelledby={`source-${source.id}`}>
      <header className="card-header">
        <h2 id={`source-${source.id}`} className="card-title">
          <Link to={`/sources/${source.id}`}>{source.name}</Link>
        </h2>
        <span className="card-kicker">{provider?.displayName ?? source.provider}</span>
      </header>
      <p className="card-label">{t('sources.inboundUrl')}</p>
      <InboundUrl url={source.inboundUrl} />
      <p className="muted">
        <LastNotification source={source} />
      </p>
      <VerdictCounts source={source} />
      <div className="card-actions">
        <Link className="button button-small" to={`/sources/${source.id}`}>
          {t('sources.openSetup')}
        </Link>
        <Link className="button button-small" to={`/sources/${source.id}/edit`}>
          {t('common.edit')}
        </Link>
      </div>
    </article>
  );
}
