import { useTranslation } from 'react-i18next';
import type { Paging } from './use-paged-query.js';

/** "Newer" / "Older" buttons for a cursor-paged list (lists are newest first). */
export function Pager({ paging, label }: { paging: Paging; label?: string }) {
  const { t } = useTranslation();
  if (!paging.hasNewer && !paging.hasOlder) return null;
  return (
    <nav className="pager" aria-label={label ?? t('table.pages')}>
      <button type="button" className="button" onClick={paging.newer} disabled={!paging.hasNewer}>
        {t('table.newer')}
      </button>
      <span className="pager-page" aria-live="polite">
        {t('table.page', { page: paging.pageNumber })}
      </span>
      <button type="button" className="button" onClick={paging.older} disabled={!paging.hasOlder}>
        {t('table.older')}
      </button>
    </nav>
  );
}
