// @vitest-environment jsdom
/**
 * The Sources pages against a real ipnhub over HTTP: list, add (generated form, then the setup
 * steps), edit without ever seeing the stored passphrase, delete after confirming.
 */
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestServer } from '../../test-support/ipnhub-server.js';
import type { TestServer } from '../../test-support/ipnhub-server.js';
import { expectAccessible } from '../../test-support/axe.js';
import { renderUi } from '../../test-support/render.js';
import { sessionContract, startRecordingServer } from '../../test-support/recording-server.js';
import type { RecordingServer } from '../../test-support/recording-server.js';
import { AddSourcePage } from './add-source-page.js';
import { EditSourcePage } from './edit-source-page.js';
import { SourcePage } from './source-page.js';
import { SourcesPage } from './sources-page.js';
import { TestNotification } from './test-notification.js';

const routes = [
  { path: '/sources', element: <SourcesPage /> },
  { path: '/sources/new/:provider', element: <AddSourcePage /> },
  { path: '/sources/:id', element: <SourcePage /> },
  { path: '/sources/:id/edit', element: <EditSourcePage /> },
];

describe('Sources pages', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());
  beforeEach(async () => {
    for (const source of await server.runtime.sources.list())
      await server.runtime.sources.remove(source.id);
  });
  const render = (path: string, language: 'en' | 'de' | 'he' = 'en') =>
    renderUi(null, {
      server: { baseUrl: server.baseUrl, fetch: server.fetch },
      routes,
      path,
      language,
    });

  it('says what to do when there is no source, and offers one "Add" per provider', async () => {
    await render('/sources');
    expect(await screen.findByText('No source yet')).toBeTruthy();
    const adds = await screen.findAllByRole('link', { name: /^Add .* source$/ });
    expect(adds.map((link) => link.getAttribute('href'))).toEqual([
      '/sources/new/digistore24',
      '/sources/new/paypal-ipn',
      '/sources/new/paypal-webhooks',
    ]);
    expect(document.title).toBe('Sources · ipnhub');
    await expectAccessible();
  });

  it('adds a Digistore24 source from the generated form, then shows its URL and setup steps', async () => {
    const user = userEvent.setup();
    const { router } = await render('/sources/new/digistore24', 'de');
    await screen.findByRole('heading', { level: 1, name: 'Digistore24-Quelle hinzufügen' });
    await user.click(screen.getByRole('button', { name: 'Quelle hinzufügen' }));
    // Nothing is sent while required fields are empty; focus goes to the first.
    expect(document.activeElement).toBe(screen.getByLabelText(/^Name/));
    expect(screen.getAllByText('Bitte fülle dieses Feld aus.').length).toBe(2);
    await expectAccessible();
    expect(await server.runtime.sources.list()).toEqual([]);

    await user.type(screen.getByLabelText(/^Name/), 'Shop DE');
    await user.type(screen.getByLabelText(/^IPN-Passphrase/), 'correct horse battery');
    await user.click(screen.getByRole('button', { name: 'Quelle hinzufügen' }));
    await screen.findByRole('heading', { level: 1, name: 'Shop DE' });
    const [source] = await server.runtime.sources.list();
    expect(source?.secretFields).toEqual({ passphrase: 'set' });
    expect(
      (
        (await server.runtime.sources.loadForIngest(source?.id ?? ''))?.config as
          | { passphrase: string }
          | undefined
      )?.passphrase,
    ).toBe('correct horse battery');
    expect(router.state.location.pathname).toBe(`/sources/${source?.id}`);
    expect(screen.getByText(/^Die Quelle wurde hinzugefügt./).getAttribute('role')).toBe('status');
    const setup = screen.getByRole('region', { name: 'Einrichtung beim Anbieter' });
    expect(setup.textContent).toContain('Einstellungen → Anbindungen (IPN) → Neue Anbindung');
    expect(setup.textContent).toContain('last_paid_day');
    expect(within(setup).getByText(`${server.origin}/ipn/${source?.id}`)).toBeTruthy();
    expect(within(setup).getByRole('note').textContent).toContain('https://');
    expect(screen.getByRole('button', { name: 'Testbenachrichtigung senden' })).toBeTruthy();
    await expectAccessible();
  });

  it('shows the server’s refusal in the user’s language', async () => {
    const user = userEvent.setup();
    await render('/sources/new/paypal-webhooks', 'he');
    await screen.findByRole('heading', { level: 1 });
    await user.type(screen.getByLabelText(/^שם/), 'PayPal REST');
    await user.type(screen.getByLabelText(/^מזהה webhook/), 'has space');
    await user.click(screen.getByRole('button', { name: 'הוספת מקור' }));
    // The pattern is checked here first ...
    expect(screen.getByText('לערך זה אין הצורה הצפויה.')).toBeTruthy();
    await user.clear(screen.getByLabelText(/^מזהה webhook/));
    await user.type(screen.getByLabelText(/^מזהה webhook/), 'WH-1');
    await user.selectOptions(screen.getByLabelText('אימות חתימה'), 'api');
    await user.click(screen.getByRole('button', { name: 'הוספת מקור' }));
    // ... what only the server knows (api verification needs the client ID and secret) comes back from it.
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('ההגדרות אינן תקינות');
    expect(alert.textContent).toContain('INVALID_CONFIG');
    expect(await server.runtime.sources.list()).toEqual([]);
  });

  it('edits a source without touching its stored passphrase, and lists it with its URL', async () => {
    const user = userEvent.setup();
    const created = await server.runtime.sources.create({
      provider: 'digistore24',
      name: 'Shop',
      config: { passphrase: 'keep-me-secret' },
    });
    await render(`/sources/${created.id}/edit`);
    const name = await screen.findByLabelText(/^Name/);
    expect(screen.getByRole('group', { name: 'IPN passphrase' }).textContent).toContain(
      'A value is stored',
    );
    expect(document.body.textContent).not.toContain('keep-me-secret');
    await expectAccessible();
    await user.clear(name);
    await user.type(name, 'Shop Italia');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    await screen.findByRole('heading', { level: 1, name: 'Shop Italia' });
    expect(
      (
        (await server.runtime.sources.loadForIngest(created.id))?.config as
          | { passphrase: string }
          | undefined
      )?.passphrase,
    ).toBe('keep-me-secret');

    await user.click(screen.getByRole('link', { name: 'Edit' }));
    await user.click(await screen.findByRole('button', { name: 'Replace IPN passphrase' }));
    await user.type(
      screen.getByLabelText(/IPN passphrase/, { selector: 'input' }),
      'a-new-passphrase',
    );
    await user.click(screen.getByRole('button', { name: 'Save' }));
    await screen.findByRole('heading', { level: 1, name: 'Shop Italia' });
    expect(
      (
        (await server.runtime.sources.loadForIngest(created.id))?.config as
          | { passphrase: string }
          | undefined
      )?.passphrase,
    ).toBe('a-new-passphrase');
  });

  it('lists sources as cards with their inbound URL', async () => {
    const created = await server.runtime.sources.create({
      provider: 'paypal-ipn',
      name: 'PayPal main',
      config: { receiverEmail: 'sales@example.com' },
    });
    await render('/sources');
    const card = await screen.findByRole('article', { name: 'PayPal main' });
    expect(card.textContent).toContain('PayPal IPN');
    expect(card.textContent).toContain(`${server.origin}/ipn/${created.id}`);
    expect(card.textContent).toContain('No notification received yet.');
    expect(within(card).getByRole('button', { name: 'Copy Inbound URL' })).toBeTruthy();
    await expectAccessible();
  });

  it('deletes a source only after confirming', async () => {
    const user = userEvent.setup();
    const created = await server.runtime.sources.create({
      provider: 'digistore24',
      name: 'Old shop',
      config: { passphrase: 'x-passphrase' },
    });
    const { router } = await render(`/sources/${created.id}`);
    await user.click(await screen.findByRole('button', { name: 'Delete' }));
    const dialog = screen.getByRole('alertdialog', { name: 'Delete Old shop?' });
    await expectAccessible();
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect((await server.runtime.sources.list()).length).toBe(1);
    await user.click(screen.getByRole('button', { name: 'Delete' }));
    await user.click(
      within(screen.getByRole('alertdialog')).getByRole('button', { name: 'Delete' }),
    );
    await waitFor(() => expect(router.state.location.pathname).toBe('/sources'));
    expect(await server.runtime.sources.list()).toEqual([]);
  });
});

describe('Digistore24 test notification', () => {
  let fake: RecordingServer;
  beforeAll(async () => {
    // The contract of POST /sources/:id/test-notification (the route is not in this build's server yet).
    fake = await startRecordingServer(
      sessionContract('t', (request) =>
        request.method === 'POST' && request.path === '/api/v1/sources/src_1/test-notification'
          ? { status: 200, body: { status: 200, body: 'OK', inboundRequestId: 'inb_1' } }
          : { status: 404, body: { error: { code: 'NOT_FOUND', message: 'No source src_2.' } } },
      ),
    );
    await fetch(`${fake.baseUrl}/session`, {
      method: 'POST',
      headers: { 'x-ipnhub-csrf': '1' },
      body: JSON.stringify({ token: 't' }),
    });
  });
  afterAll(() => fake.close());

  it('shows what Digistore24 would have got, with a link to the logged request', async () => {
    const user = userEvent.setup();
    await renderUi(<TestNotification sourceId="src_1" />, { server: { baseUrl: fake.baseUrl } });
    await user.click(screen.getByRole('button', { name: 'Send test notification' }));
    expect(
      await screen.findByText(
        'The test was accepted. Digistore24 would have received this answer:',
      ),
    ).toBeTruthy();
    expect(screen.getByText('OK')).toBeTruthy();
    expect(
      screen.getByRole('link', { name: 'Show it in the notification log' }).getAttribute('href'),
    ).toBe('/notifications/inb_1');
    expect(fake.requests.at(-1)?.headers['x-ipnhub-csrf']).toBe('1');
  });

  it('explains a refusal', async () => {
    const user = userEvent.setup();
    await renderUi(<TestNotification sourceId="src_2" />, { server: { baseUrl: fake.baseUrl } });
    await user.click(screen.getByRole('button', { name: 'Send test notification' }));
    expect((await screen.findByRole('alert')).textContent).toContain('Not found');
  });
});
