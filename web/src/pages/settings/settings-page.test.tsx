// @vitest-environment jsdom
/**
 * Settings against a real ipnhub over HTTP (the installation's facts, a test e-mail written as a
 * file without SMTP, a token rotation the configuration refuses), and the whole rotation with the
 * app's real routes against a server that plays the session and rotation contract: the new
 * token is shown once on the sign-in page, and signing in with it leads back to the settings.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { routes as appRoutes } from '../../app/routes.js';
import { LANGUAGE_STORAGE_KEY } from '../../i18n/i18n.js';
import { expectAccessible } from '../../test-support/axe.js';
import { startTestServer } from '../../test-support/ipnhub-server.js';
import type { TestServer } from '../../test-support/ipnhub-server.js';
import { startRecordingServer } from '../../test-support/recording-server.js';
import type { Answer, Recorded, RecordingServer } from '../../test-support/recording-server.js';
import { renderUi } from '../../test-support/render.js';
import { SettingsPage } from './settings-page.js';

describe('Settings page', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());
  beforeEach(() => localStorage.clear());
  const render = (language: 'en' | 'de' | 'it' | 'he' = 'en') =>
    renderUi(null, {
      server: { baseUrl: server.baseUrl, fetch: server.fetch },
      routes: [{ path: '/settings', element: <SettingsPage /> }],
      path: '/settings',
      language,
    });

  it('shows the version, public address, database with its migrations and how mail goes out', async () => {
    await render();
    const system = await screen.findByRole('region', { name: 'This installation' });
    await within(system).findByText('SQLite (a file in the data directory)');
    expect(system.textContent).toContain('Not set. Set publicBaseUrl');
    expect(system.textContent).toContain('No SMTP server configured');
    expect(system.textContent).toContain(
      "Not set: only the connections' error addresses get alerts.",
    );
    expect(system.textContent).toContain(server.runtime.dataDir);
    const migrations = within(system)
      .getAllByRole('listitem')
      .map((item) => item.textContent);
    expect(migrations[0]).toBe('0001_initial');
    expect(within(system).getByRole('heading', { level: 3 }).textContent).toBe(
      `${migrations.length} database migrations applied`,
    );
    expect(document.title).toBe('Settings · ipnhub');
    await expectAccessible();
  });

  it('sends a test e-mail through the configured mail, after checking the address', async () => {
    const user = userEvent.setup();
    await render('it');
    const section = await screen.findByRole('region', { name: "Invia un'e-mail di prova" });
    const field = within(section).getByLabelText(/^Invia a/);
    await user.click(within(section).getByRole('button', { name: 'Invia e-mail di prova' }));
    expect(document.activeElement).toBe(field);
    expect(within(section).getByText('Compila questo campo.')).toBeTruthy();
    await user.type(field, 'seller@example.com');
    await user.click(within(section).getByRole('button', { name: 'Invia e-mail di prova' }));
    expect(await within(section).findByText("L'e-mail di prova è stata consegnata:")).toBeTruthy();
    // Without SMTP the mail is a file in the data directory.
    const mails = readdirSync(join(server.runtime.dataDir, 'mail')).filter((name) =>
      name.endsWith('.eml'),
    );
    expect(mails.length).toBe(1);
    await expectAccessible();
  });

  it('explains why the token cannot be replaced when the configuration sets it', async () => {
    const user = userEvent.setup();
    await render('de');
    await user.click(await screen.findByRole('button', { name: 'Admin-Token ersetzen' }));
    const dialog = screen.getByRole('alertdialog', { name: 'Admin-Token ersetzen?' });
    await expectAccessible();
    await user.click(within(dialog).getByRole('button', { name: 'Token ersetzen' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('Token in der Konfiguration festgelegt');
    expect(alert.textContent).toContain('ADMIN_TOKEN_CONFIGURED');
    expect(screen.queryByRole('alertdialog')).toBeNull();
  });

  it('switches the language from the page and remembers it', async () => {
    const user = userEvent.setup();
    const { i18n } = await render();
    await screen.findByRole('heading', { level: 1, name: 'Settings' });
    const group = screen.getByRole('group', { name: 'Language of this interface' });
    expect((within(group).getByLabelText('English') as HTMLInputElement).checked).toBe(true);
    await user.click(within(group).getByLabelText('עברית'));
    expect(i18n.language).toBe('he');
    expect(localStorage.getItem(LANGUAGE_STORAGE_KEY)).toBe('he');
    expect(document.documentElement.dir).toBe('rtl');
    expect(await screen.findByRole('heading', { level: 1, name: 'הגדרות' })).toBeTruthy();
    await expectAccessible();
  });
});

/** The session and rotation routes by their contract: one current token; a rotation makes a new one and ends every session. */
function rotationContract(first: string, next: string) {
  let token = first;
  let signedIn = false;
  const error = (status: number, code: string): Answer => ({
    status,
    body: { error: { code, message: code } },
  });
  return (request: Recorded): Answer => {
    const mutation = request.method !== 'GET';
    if (mutation && request.headers['x-ipnhub-csrf'] !== '1') return error(403, 'CSRF_REJECTED');
    if (request.path === '/api/v1/session') {
      if (request.method === 'GET')
        return signedIn
          ? { status: 200, body: { authenticated: true, expiresAt: '2030-01-01T00:00:00.000Z' } }
          : error(401, 'UNAUTHORIZED');
      if (request.method === 'DELETE') {
        signedIn = false;
        return { status: 204 };
      }
      signedIn = (JSON.parse(request.body || '{}') as { token?: string }).token === token;
      return signedIn ? { status: 204 } : error(401, 'UNAUTHORIZED');
    }
    if (!signedIn) return error(401, 'UNAUTHORIZED');
    if (request.method === 'POST' && request.path === '/api/v1/token/rotate') {
      token = next;
      signedIn = false;
      return { status: 200, body: { token: next } };
    }
    if (request.path === '/api/v1/system')
      return {
        status: 200,
        body: {
          version: '9.9.9',
          database: 'postgres',
          migrations: ['0001_initial'],
          publicBaseUrl: 'https://hub.example.com',
          mail: 'smtp',
          operatorEmail: 'ops@example.com',
        },
      };
    return error(404, 'ROUTE_NOT_FOUND');
  };
}

describe('Rotating the admin token', () => {
  const OLD = 'old-admin-token-0123456789';
  const NEW = 'new-admin-token-abcdefghij';
  let server: RecordingServer;
  beforeAll(async () => {
    server = await startRecordingServer(rotationContract(OLD, NEW));
  });
  afterAll(() => server.close());

  it('shows the new token once on the sign-in page, where it signs in again', async () => {
    const user = userEvent.setup();
    await fetch(`${server.baseUrl}/session`, {
      method: 'POST',
      headers: { 'x-ipnhub-csrf': '1' },
      body: JSON.stringify({ token: OLD }),
    });
    const { router } = await renderUi(null, {
      server: { baseUrl: server.baseUrl },
      routes: appRoutes,
      path: '/settings',
    });
    const facts = await screen.findByRole('region', { name: 'This installation' });
    expect(await within(facts).findByText('PostgreSQL')).toBeTruthy();
    expect(within(facts).getByText('https://hub.example.com').tagName.toLowerCase()).toBe('code');
    expect(facts.textContent).toContain('Sent through the configured SMTP server');
    expect(within(facts).getByText('ops@example.com').tagName.toLowerCase()).toBe('code');

    await user.click(screen.getByRole('button', { name: 'Replace the admin token' }));
    await user.click(
      within(screen.getByRole('alertdialog')).getByRole('button', { name: 'Replace token' }),
    );
    await screen.findByRole('heading', { level: 1, name: 'Sign in' });
    expect(router.state.location.pathname).toBe('/sign-in');
    const notice = screen
      .getByText(/^The admin token was replaced/)
      .closest('[role="status"]') as HTMLElement;
    expect(within(notice).getByText(NEW).tagName.toLowerCase()).toBe('code');
    expect(within(notice).getByRole('button', { name: 'Copy Admin token' })).toBeTruthy();
    // Kept in memory only: not in storage, not in the history's state.
    expect(JSON.stringify({ ...localStorage })).not.toContain(NEW);
    expect(JSON.stringify({ ...sessionStorage })).not.toContain(NEW);
    expect(JSON.stringify(router.state.location.state)).not.toContain(NEW);
    await expectAccessible();

    await user.type(screen.getByLabelText(/^Admin token/), NEW);
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    await screen.findByRole('heading', { level: 1, name: 'Settings' });
    // Signed in with it: the token is shown nowhere any more.
    expect(document.body.textContent).not.toContain(NEW);
    const rotation = server.requests.find((request) => request.path === '/api/v1/token/rotate');
    expect(rotation?.headers['x-ipnhub-csrf']).toBe('1');
  });
});
