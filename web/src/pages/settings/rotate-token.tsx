/**
 * Rotating the admin token: a new one is made and shown once (on the sign-in page, since every
 * session ends with the old token, this one too).
 */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { CardSection } from '../../components/card-section.js';
import { ConfirmDialog } from '../../components/confirm-dialog.js';
import { ErrorDisplay } from '../../components/error-display.js';
import { useRotateToken } from './settings-queries.js';

export function RotateToken() {
  const { t } = useTranslation();
  const rotate = useRotateToken();
  const [confirming, setConfirming] = useState(false);
  return (
    <CardSection title={t('settings.rotate.title')}>
      <p>{t('settings.rotate.intro')}</p>
      <button type="button" className="button button-danger" onClick={() => setConfirming(true)}>
        {t('settings.rotate.button')}
      </button>
      {rotate.isError ? <ErrorDisplay error={rotate.error} /> : null}
      <ConfirmDialog
        open={confirming}
        title={t('settings.rotate.confirmTitle')}
        confirmLabel={t('settings.rotate.confirm')}
        danger
        busy={rotate.isPending}
        onCancel={() => setConfirming(false)}
        onConfirm={() => rotate.mutate(undefined, { onSettled: () => setConfirming(false) })}
      >
        <p>{t('settings.rotate.confirmBody')}</p>
      </ConfirmDialog>
    </CardSection>
  );
}
