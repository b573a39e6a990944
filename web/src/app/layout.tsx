/**
 * The frame of every signed-in page: a skip link, the header (name, language, sign-out), the
 * main navigation (a menu button on narrow screens) and the page in `<main>`. After each
 * navigation focus moves to `<main>`, so keyboard and screen-reader users start at the new
 * page's heading rather than at the link they used.
 */
import { useId, useLayoutEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, NavLink, Outlet, useLocation, useNavigate } from 'react-router';
import { ErrorDisplay } from '../components/error-display.js';
import { LanguageSwitcher } from './language-switcher.js';
import { NAV_ENTRIES } from './nav.js';
import { useSignOut } from './session.js';
import type { SignInState } from './session.js';

export function Layout() {
  const { t } = useTranslation();
  const location = useLocation();
  const navigate = useNavigate();
  const signOut = useSignOut();
  const main = useRef<HTMLElement>(null);
  // The page whose arrival was handled: the first page is not a navigation, and an effect run
  // again for the same page (React's strict mode does that) moves nothing.
  const shownPath = useRef(location.pathname);
  const [menuOpen, setMenuOpen] = useState(false);
  const navId = useId();

  // A layout effect, so focus moves in the same commit that shows the new page: a passive
  // effect runs a task later, and a keystroke or screen reader arriving in between would still
  // act on the link that was used.
  useLayoutEffect(() => {
    if (shownPath.current === location.pathname) return;
    shownPath.current = location.pathname;
    setMenuOpen(false);
    main.current?.focus();
  }, [location.pathname]);

  const onSignOut = (): void => {
    signOut.mutate(undefined, {
      onSuccess: () => {
        const state: SignInState = { reason: 'signedOut' };
        void navigate('/sign-in', { replace: true, state });
      },
    });
  };

  return (
    <div className="app">
      <a className="skip-link" href="#main">
        {t('app.skipToContent')}
      </a>
      <header className="app-header">
        <Link to="/" className="brand">
          ipnhub
        </Link>
        <button
          type="button"
          className="button menu-button"
          aria-expanded={menuOpen}
          aria-controls={navId}
          onClick={() => setMenuOpen(!menuOpen)}
        >
          {t('app.menu')}
        </button>
        <div className="header-tools">
          <LanguageSwitcher />
          <button type="button" className="button" onClick={onSignOut} disabled={signOut.isPending}>
            {t('app.signOut')}
          </button>
        </div>
      </header>
      {signOut.isError ? <ErrorDisplay error={signOut.error} /> : null}
      <div className="app-body">
        <nav
          id={navId}
          className={menuOpen ? 'main-nav open' : 'main-nav'}
          aria-label={t('app.mainNavigation')}
        >
          <ul>
            {NAV_ENTRIES.map((entry) => (
              <li key={entry.path}>
                <NavLink to={entry.path} end={entry.end ?? false}>
                  {t(entry.label)}
                </NavLink>
              </li>
            ))}
          </ul>
        </nav>
        <main id="main" ref={main} tabIndex={-1}>
          <Outlet />
        </main>
      </div>
    </div>
  );
}
