import { useTranslation } from 'react-i18next';
import type { FormContext } from './form-context.js';

/** A write-only field that holds a stored value: never shown, only "set", with Replace (and Remove). */
export function StoredSecret({
  context,
  title,
  path,
  required,
  onReplace,
}: {
  context: FormContext;
  title: string;
  path: string;
  required: boolean;
  onReplace(): void;
}) {
  const { t } = useTranslation();
  const cleared = context.props.cleared ?? new Set<string>();
  const isCleared = cleared.has(path);
  const setCleared = (on: boolean): void => {
    const next = new Set(cleared);
    if (on) next.add(path);
    else next.delete(path);
    context.props.onClearedChange?.(next);
  };
  const canRemove = !required && !path.includes('.') && context.props.onClearedChange !== undefined;
  return (
    <div className="field schema-secret" role="group" aria-label={title}>
      <span className="field-label">{title}</span>
      <span className="secret-status">
        {isCleared ? t('form.secretRemoved') : t('form.secretSet')}
      </span>
      <span className="secret-actions">
        {isCleared ? (
          <button
            type="button"
            className="button button-small"
            onClick={() => setCleared(false)}
            disabled={context.props.disabled}
          >
            {t('form.keepSecret')}
          </button>
        ) : (
          <>
            <button
              type="button"
              className="button button-small"
              onClick={onReplace}
              disabled={context.props.disabled}
              aria-label={t('form.replaceLabel', { field: title })}
            >
              {t('form.replace')}
            </button>
            {canRemove ? (
              <button
                type="button"
                className="button button-small"
                onClick={() => setCleared(true)}
                disabled={context.props.disabled}
                aria-label={t('form.removeSecretLabel', { field: title })}
              >
                {t('form.removeSecret')}
              </button>
            ) : null}
          </>
        )}
      </span>
    </div>
  );
}
