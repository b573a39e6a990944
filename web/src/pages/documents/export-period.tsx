/**
 * The accountant's export: every document of a period (optionally of one seller profile or
 * kind) as a CSV, or as a ZIP with that CSV and every PDF. Both are downloads (api/download.ts).
 */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { CardSection } from '../../components/card-section.js';
import { DownloadButton } from '../../components/download-button.js';
import { rangeIsReversed } from '../notifications/notification-filters.js';
import { NO_PERIOD } from './document-filters.js';
import type { PeriodFilters } from './document-filters.js';
import { useFileFetchers } from './document-queries.js';
import { PeriodFields } from './period-fields.js';

export function ExportPeriod({ profiles }: { profiles: readonly { id: string; name: string }[] }) {
  const { t } = useTranslation();
  const [period, setPeriod] = useState<PeriodFilters>(NO_PERIOD);
  const files = useFileFetchers();
  const reversed = rangeIsReversed(period);
  return (
    <CardSection title={t('documents.export.title')}>
      <p className="muted">{t('documents.export.help')}</p>
      <div className="filter-fields" role="group" aria-label={t('documents.export.periodLabel')}>
        <PeriodFields value={period} profiles={profiles} onChange={setPeriod} />
      </div>
      {reversed ? null : (
        <div className="card-actions">
          <DownloadButton fetchFile={() => files.csv(period)}>
            {t('documents.export.csv')}
          </DownloadButton>
          <DownloadButton fetchFile={() => files.zip(period)}>
            {t('documents.export.zip')}
          </DownloadButton>
        </div>
      )}
    </CardSection>
  );
}
