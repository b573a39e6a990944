// @vitest-environment jsdom
/**
 * The app's frame with its real routes: sign-in and back to where the user was, the token kept
 * nowhere in the browser, sign-out, a session that ends mid-way, the language switcher
 * (Hebrew right to left), landmarks and the skip link.
 */
import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { providerCatalogueEntry } from '../../../src/http/admin/providers-routes.js';
import { PROVIDER_IDS, getProvider } from '../../../src/providers/registry.js';
import { LANGUAGE_STORAGE_KEY } from '../i18n/i18n.js';
import { expectAccessible } from '../test-support/axe.js';
import { renderUi } from '../test-support/render.js';
import { sessionContract, startRecordingServer } from '../test-support/recording-server.js';
import type { Recorded, RecordingServer } from '../test-support/recording-server.js';
import { routes } from './routes.js';

const TOKEN = 'the-admin-token-0123';
const providers = PROVIDER_IDS.map((id) => providerCatalogueEntry(getProvider(id)));

describe('app shell', () => {
  let server: RecordingServer;
  /** Set to make the next data request answer 401, as after a token rotation. */
  let revoked = false;
  beforeAll(async () => {
    const data = (request: Recorded) => {
      if (revoked)
        return {
          status: 401,
          body: { error: { code: 'UNAUTHORIZED', message: 'The session has ended.' } },
        };
      if (request.path === '/api/v1/providers') return { status: 200, body: providers };
      if (request.path.startsWith('/api/v1/sources'))
        return { status: 200, body: { data: [], nextCursor: null } };
      return { status: 404, body: { error: { code: 'ROUTE_NOT_FOUND', message: 'No route.' } } };
    };
    server = await startRecordingServer(sessionContract(TOKEN, data));
  });
  afterAll(() => server.close());
  beforeEach(async () => {
    revoked = false;
    localStorage.clear();
    sessionStorage.clear();
    // Every test starts signed out.
    await fetch(`${server.baseUrl}/session`, {
      method: 'DELETE',
      headers: { 'x-ipnhub-csrf': '1' },
    });
  });

  const start = (path: string) =>
    renderUi(null, { server: { baseUrl: server.baseUrl }, routes, path });

  it('sends a visitor to sign-in, refuses a wrong token in words, and brings them back where they were', async () => {
    const user = userEvent.setup();
    const { router } = await start('/sources');
    await screen.findByRole('heading', { level: 1, name: 'Sign in' });
    expect(router.state.location.pathname).toBe('/sign-in');
    await expectAccessible();
    await user.type(screen.getByLabelText(/Admin token/), 'wrong-token');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    expect((await screen.findByRole('alert')).textContent).toContain('Not signed in');
    await user.clear(screen.getByLabelText(/Admin token/));
    await user.type(screen.getByLabelText(/Admin token/), TOKEN);
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    await screen.findByRole('heading', { level: 1, name: 'Sources' });
    expect(router.state.location.pathname).toBe('/sources');
    // The token went to the server once, in a body, and stayed nowhere in the browser.
    const storage =
      JSON.stringify({ ...localStorage }) +
      JSON.stringify({ ...sessionStorage }) +
      document.cookie +
      window.location.href;
    expect(storage).not.toContain(TOKEN);
    expect(
      server.requests.filter((r) => r.body.includes(TOKEN)).map((r) => `${r.method} ${r.path}`),
    ).toEqual(['POST /api/v1/session']);
  });

  it('moves focus to the new page after a navigation, and not when the first page opens', async () => {
    const user = userEvent.setup();
    await fetch(`${server.baseUrl}/session`, {
      method: 'POST',
      headers: { 'x-ipnhub-csrf': '1' },
      body: JSON.stringify({ token: TOKEN }),
    });
    // Strict mode, as the app runs in development: effects run twice when a page mounts.
    await renderUi(null, {
      server: { baseUrl: server.baseUrl },
      routes,
      path: '/sources',
      strict: true,
    });
    await screen.findByRole('heading', { level: 1, name: 'Sources' });
    const main = screen.getByRole('main');
    expect(document.activeElement).toBe(document.body);
    await user.click(screen.getByRole('link', { name: 'Connections' }));
    await screen.findByRole('heading', { level: 1, name: 'Connections' });
    expect(document.activeElement).toBe(main);
  });

  it('has landmarks, a skip link to the main content and a labelled navigation', async () => {
    await fetch(`${server.baseUrl}/session`, {
      method: 'POST',
      headers: { 'x-ipnhub-csrf': '1' },
      body: JSON.stringify({ token: TOKEN }),
    });
    await start('/');
    await screen.findByRole('main');
    const skip = screen.getByRole('link', { name: 'Skip to main content' });
    expect(skip.getAttribute('href')).toBe('#main');
    expect(document.getElementById('main')?.tagName).toBe('MAIN');
    const nav = screen.getByRole('navigation', { name: 'Main navigation' });
    const links = [...nav.querySelectorAll('a')].map((a) => a.textContent);
    expect(links).toEqual([
      'Overview',
      'Sources',
      'Connections',
      'Notifications',
      'Deliveries',
      'Customers & access',
      'Documents',
      'Seller profiles',
      'Settings',
    ]);
    expect(nav.querySelector('a[aria-current="page"]')?.textContent).toBe('Overview');
    expect(screen.getByRole('banner')).toBeTruthy();
    await expectAccessible();
  });

  it('signs out and says so', async () => {
    const user = userEvent.setup();
    await fetch(`${server.baseUrl}/session`, {
      method: 'POST',
      headers: { 'x-ipnhub-csrf': '1' },
      body: JSON.stringify({ token: TOKEN }),
    });
    const { router } = await start('/sources');
    await screen.findByRole('heading', { level: 1, name: 'Sources' });
    await user.click(screen.getByRole('button', { name: 'Sign out' }));
    await screen.findByText('You have signed out.');
    expect(router.state.location.pathname).toBe('/sign-in');
    expect(server.requests.at(-1)).toMatchObject({ method: 'DELETE', path: '/api/v1/session' });
  });

  it('sends the user to sign-in when the session ends under them', async () => {
    await fetch(`${server.baseUrl}/session`, {
      method: 'POST',
      headers: { 'x-ipnhub-csrf': '1' },
      body: JSON.stringify({ token: TOKEN }),
    });
    // The session check passes, then the page's first call is refused (the token was rotated).
    revoked = true;
    const { router } = await start('/sources');
    await screen.findByRole('heading', { level: 1, name: 'Sign in' });
    await screen.findByText('Your session has ended. Please sign in again.');
    expect(router.state.location.pathname).toBe('/sign-in');
    expect(router.state.location.state).toEqual({ from: '/sources', reason: 'expired' });
  });

  it('switches to Hebrew: right to left, translated, remembered', async () => {
    const user = userEvent.setup();
    await fetch(`${server.baseUrl}/session`, {
      method: 'POST',
      headers: { 'x-ipnhub-csrf': '1' },
      body: JSON.stringify({ token: TOKEN }),
    });
    await start('/sources');
    await screen.findByRole('heading', { level: 1, name: 'Sources' });
    await user.selectOptions(screen.getByLabelText('Language'), 'he');
    await screen.findByRole('heading', { level: 1, name: 'מקורות' });
    expect(document.documentElement.getAttribute('dir')).toBe('rtl');
    expect(document.documentElement.getAttribute('lang')).toBe('he');
    expect(localStorage.getItem(LANGUAGE_STORAGE_KEY)).toBe('he');
    expect(screen.getByRole('navigation', { name: 'ניווט ראשי' })).toBeTruthy();
    await expectAccessible();
    await user.selectOptions(screen.getByLabelText('שפה'), 'de');
    await screen.findByRole('heading', { level: 1, name: 'Quellen' });
    expect(document.documentElement.getAttribute('dir')).toBe('ltr');
  });
});
