import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

/** A form's primary button; while the form's request runs it is disabled and says so. */
export function SubmitButton({ busy, children }: { busy: boolean; children: ReactNode }) {
  const { t } = useTranslation();
  return (
    <div className="form-actions">
      <button type="submit" className="button button-primary" disabled={busy}>
        {busy ? t('common.working') : children}
      </button>
    </div>
  );
}
