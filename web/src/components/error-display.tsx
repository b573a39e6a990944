/**
 * An error as people need it: what happened and what to do, in their language (the catalogue's
 * section for the code), then the code and the server's own message for whoever helps them.
 * Codes the catalogue does not know yet (a newer server) still show the server's message.
 */
import { useTranslation } from 'react-i18next';
import { ApiError, isClientErrorCode } from '../api/api-error.js';
import { isServerErrorCode } from '../api/error-codes.js';

export interface ErrorDisplayProps {
  error: unknown;
  /** Shown as a button when the failed thing can simply be tried again. */
  onRetry?: () => void;
}

export function ErrorDisplay({ error, onRetry }: ErrorDisplayProps) {
  const { t, i18n } = useTranslation();
  const apiError = error instanceof ApiError ? error : null;
  const code = apiError?.code ?? 'UNEXPECTED_RESPONSE';
  const message = error instanceof Error ? error.message : String(error);
  let title: string;
  let help: string;
  if (isServerErrorCode(code, (key) => i18n.exists(key))) {
    title = t(`errors.${code}.title`);
    help = t(`errors.${code}.help`);
  } else if (isClientErrorCode(code)) {
    title = t(`clientErrors.${code}.title`);
    help = t(`clientErrors.${code}.help`);
  } else {
    title = t('errorDisplay.unknownTitle');
    help = t('errorDisplay.unknownHelp');
  }
  return (
    <div className="error-display" role="alert">
      <p className="error-title">{title}</p>
      <p className="error-help">{help}</p>
      {apiError?.retryAfterSeconds ? (
        <p className="error-help">
          {t('errorDisplay.retryAfter', { count: apiError.retryAfterSeconds })}
        </p>
      ) : null}
      <dl className="error-facts">
        <dt>{t('errorDisplay.code')}</dt>
        <dd>
          <code>{code}</code>
        </dd>
        {message && message !== code ? (
          <>
            <dt>{t('errorDisplay.serverMessage')}</dt>
            <dd>{message}</dd>
          </>
        ) : null}
      </dl>
      {onRetry ? (
        <button type="button" className="button" onClick={onRetry}>
          {t('common.retry')}
        </button>
      ) : null}
    </div>
  );
}
