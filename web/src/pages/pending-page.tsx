import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { NavEntry } from '../app/nav.js';
import { PageHeader } from '../components/page-header.js';

/**
 * The place of an area whose page this version does not have yet: it says so plainly and
 * points to what exists, rather than showing an empty screen.
 */
export function PendingPage({ area }: { area: NavEntry['label'] }) {
  const { t } = useTranslation();
  return (
    <>
      <PageHeader title={t(area)} />
      <p>{t('pending.body')}</p>
      <p>
        <Link to="/sources">{t('pending.toSources')}</Link>
      </p>
    </>
  );
}
