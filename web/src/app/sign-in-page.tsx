/**
 * Sign-in: the admin token is sent once to `POST /api/v1/session`, which answers with an
 * HttpOnly session cookie; the token is kept only in this field's state and dropped after.
 */
import { useLayoutEffect, useState } from 'react';
import type { FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, useLocation, useNavigate } from 'react-router';
import { CopyButton } from '../components/copy-button.js';
import { ErrorDisplay } from '../components/error-display.js';
import { Field } from '../components/form-field.js';
import { LanguageSwitcher } from './language-switcher.js';
import { useRotatedToken, useSession, useSignIn } from './session.js';
import type { SignInState } from './session.js';

function isSignInState(value: unknown): value is SignInState {
  return typeof value === 'object' && value !== null;
}

export function SignInPage() {
  const { t } = useTranslation();
  const location = useLocation();
  const navigate = useNavigate();
  const session = useSession();
  const signIn = useSignIn();
  const rotatedToken = useRotatedToken();
  const [token, setToken] = useState('');
  const state: SignInState = isSignInState(location.state) ? location.state : {};
  const target =
    state.from?.startsWith('/') && !state.from.startsWith('/sign-in') ? state.from : '/';

  useLayoutEffect(() => {
    document.title = `${t('signIn.title')} · ipnhub`;
  }, [t]);

  if (session.data) return <Navigate to={target} replace />;

  const submit = (event: FormEvent<HTMLFormElement>): void => {
    event.preventDefault();
    signIn.mutate(token.trim(), {
      onSuccess: () => {
        setToken('');
        void navigate(target, { replace: true });
      },
    });
  };

  return (
    <div className="sign-in">
      <main id="main" className="sign-in-card">
        <div className="sign-in-top">
          <span className="brand">ipnhub</span>
          <LanguageSwitcher />
        </div>
        <h1>{t('signIn.title')}</h1>
        {state.reason === 'signedOut' ? <p role="status">{t('signIn.signedOut')}</p> : null}
        {state.reason === 'expired' ? <p role="status">{t('signIn.expired')}</p> : null}
        {state.reason === 'rotated' ? (
          <div className="notice notice-warning" role="status">
            <p>{t('signIn.rotated')}</p>
            {rotatedToken ? (
              <>
                <p>{t('signIn.newToken')}</p>
                <p className="new-token">
                  <code dir="ltr">{rotatedToken}</code>{' '}
                  <CopyButton text={rotatedToken} label={t('signIn.tokenLabel')} />
                </p>
              </>
            ) : null}
          </div>
        ) : null}
        <p>{t('signIn.intro')}</p>
        <form onSubmit={submit} noValidate>
          <Field label={t('signIn.tokenLabel')} help={t('signIn.tokenHelp')} required>
            {(control) => (
              <input
                className="input"
                type="password"
                autoComplete="off"
                spellCheck={false}
                {...control}
                value={token}
                onChange={(e) => setToken(e.target.value)}
              />
            )}
          </Field>
          {signIn.isError ? <ErrorDisplay error={signIn.error} /> : null}
          <button
            type="submit"
            className="button button-primary"
            disabled={signIn.isPending || token.trim() === ''}
          >
            {signIn.isPending ? t('common.working') : t('signIn.submit')}
          </button>
        </form>
      </main>
    </div>
  );
}
