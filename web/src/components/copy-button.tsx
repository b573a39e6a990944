/**
 * Copies a text (an inbound URL) to the clipboard and says so in a live region. Where the
 * clipboard is not available (plain http on another host than localhost), it says to copy by
 * hand; the text is always shown next to the button, selectable.
 */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';

export interface CopyButtonProps {
  text: string;
  /** What is copied, for the button's accessible name ("Copy inbound URL"). */
  label: string;
}

type CopyState = 'idle' | 'copied' | 'failed';

export function CopyButton({ text, label }: CopyButtonProps) {
  const { t } = useTranslation();
  const [state, setState] = useState<CopyState>('idle');
  const copy = async (): Promise<void> => {
    try {
      if (!navigator.clipboard) throw new Error('no clipboard');
      await navigator.clipboard.writeText(text);
      setState('copied');
    } catch {
      setState('failed');
    }
  };
  return (
    <span className="copy">
      <button
        type="button"
        className="button button-small"
        onClick={() => void copy()}
        aria-label={t('common.copyLabel', { what: label })}
      >
        {t('common.copy')}
      </button>
      <span className="copy-state" role="status" aria-live="polite">
        {state === 'copied' ? t('common.copied') : state === 'failed' ? t('common.copyFailed') : ''}
      </span>
    </span>
  );
}
