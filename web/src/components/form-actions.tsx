/** The buttons under a form: submit (saying it works while busy) and cancel. */
import { useTranslation } from 'react-i18next';

export function FormActions({ submitLabel, busy, onCancel }: { submitLabel: string; busy: boolean; onCancel(): void }) {
  const { t } = useTranslation();
  return (
    <div className="form-actions">
      <button type="submit" className="button button-primary" disabled={busy}>
        {busy ? t('common.working') : submitLabel}
      </button>
      <button type="button" className="button" onClick={onCancel} disabled={busy}>
        {t('common.cancel')}
      </button>
    </div>
  );
}
