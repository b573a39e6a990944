/** On the documents list: whether refunds wait for handling by hand, with the way to them. */
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useManualRefundsPage } from './document-queries.js';

export function ManualRefundsNotice() {
  const { t } = useTranslation();
  const { query } = useManualRefundsPage('');
  const shown = query.data?.data.length ?? 0;
  if (shown === 0) return null;
  return (
    <p className="notice notice-warning">
      {query.data?.nextCursor
        ? t('documents.manual.noticeMore', { number: shown })
        : t('documents.manual.notice', { count: shown })}{' '}
      <Link to="/documents/manual-refunds">{t('documents.manual.open')}</Link>
    </p>
  );
}
