import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

/**
 * A form's primary button, and Cancel when the form has a way back; while the form's request
 * runs they are disabled and the primary button says so.
 */
export function SubmitButton({
  busy,
  children,
  onCancel,
}: {
  busy: boolean;
  children: ReactNode;
  onCancel?: () => void;
}) {
  const { t } = useTranslation();
  return (
    <div className="form-actions">
      <button type="submit" className="button button-primary" disabled={busy}>
        {busy ? t('common.working') : children}
      </button>
      {onCancel ? (
        <button type="button" className="button" onClick={onCancel} disabled={busy}>
          {t('common.cancel')}
        </button>
      ) : null}
    </div>
  );
}
