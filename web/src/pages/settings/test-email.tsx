/** Sends a test e-mail through the configured mail, and shows what happened. */
import { useEffect, useRef, useState } from 'react';
import type { FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { CardSection } from '../../components/card-section.js';
import { ErrorDisplay } from '../../components/error-display.js';
import { TextField } from '../../components/form-field.js';
import { SubmitButton } from '../../components/submit-button.js';
import { useTestEmail } from './settings-queries.js';

export function TestEmail() {
  const { t } = useTranslation();
  const [to, setTo] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [refused, setRefused] = useState(0);
  const input = useRef<HTMLFormElement>(null);
  const send = useTestEmail();

  useEffect(() => {
    if (refused > 0) input.current?.querySelector<HTMLElement>('input')?.focus();
  }, [refused]);

  const submit = (event: FormEvent<HTMLFormElement>): void => {
    event.preventDefault();
    const address = to.trim();
    const problem =
      address === ''
        ? t('form.problem.required')
        : /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(address)
          ? undefined
          : t('form.problem.email');
    setError(problem);
    if (problem) {
      setRefused((count) => count + 1);
      return;
    }
    send.mutate(address);
  };

  return (
    <CardSection title={t('settings.testEmail.title')}>
      <p>{t('settings.testEmail.intro')}</p>
      <form ref={input} onSubmit={submit} noValidate>
        <TextField
          label={t('settings.testEmail.to')}
          type="email"
          autoComplete="email"
          required
          value={to}
          onChange={setTo}
          error={error}
        />
        <SubmitButton busy={send.isPending}>{t('settings.testEmail.send')}</SubmitButton>
      </form>
      <div aria-live="polite">
        {send.data ? (
          <div className={send.data.ok ? 'notice notice-success' : 'notice notice-danger'}>
            <p>{send.data.ok ? t('settings.testEmail.sent') : t('settings.testEmail.failed')}</p>
            <p>
              <code>{send.data.message}</code>
            </p>
          </div>
        ) : null}
      </div>
      {send.isError ? <ErrorDisplay error={send.error} /> : null}
    </CardSection>
  );
}
