// @vitest-environment jsdom
/**
 * The Connections pages against a real ipnhub over HTTP, with a real webhook receiver: the
 * list and the catalogue, adding a webhook connection (filters, error addresses, the signing
 * secret shown once), its page (test, switch off and on, deliveries, redeliver all after a
 * failure) and deleting it with its delivery history kept.
 */
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startWebhookSink } from '../../../../test/fakes/webhook-sink.js';
import type { WebhookSink } from '../../../../test/fakes/webhook-sink.js';
import { ds24Request } from '../../../../test/helpers/ds24.js';
import {
  insertDelivery,
  insertEvent,
} from '../../../../src/http/admin/test-support/admin-harness.js';
import { PARKED_UNTIL } from '../../../../src/db/parked-deliveries.js';
import type { LanguageCode } from '../../i18n/languages.js';
import { expectAccessible } from '../../test-support/axe.js';
import { startTestServer } from '../../test-support/ipnhub-server.js';
import type { TestServer } from '../../test-support/ipnhub-server.js';
import { fill } from '../../test-support/fill.js';
import {
  clearConnections,
  PASSPHRASE,
  renderConnections,
} from '../../test-support/connection-pages.js';

describe('Connections pages', () => {
  let server: TestServer;
  let sink: WebhookSink;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());
  beforeEach(async () => {
    sink = await startWebhookSink();
    await clearConnections(server);
  });
  afterEach(() => sink.close());
  const render = (path: string, language: LanguageCode = 'en') =>
    renderConnections(server, path, language);

  it('says what to do when there is no connection, and offers a card per connector of the catalogue', async () => {
    const user = userEvent.setup({ delay: null });
    const { router } = await render('/connections');
    expect(await screen.findByText('No connection yet')).toBeTruthy();
    expect(document.title).toBe('Connections · ipnhub');
    await expectAccessible();
    await user.click(screen.getByRole('link', { name: 'Add connection' }));
    expect(router.state.location.pathname).toBe('/connections/new');
    const setUp = await screen.findAllByRole('link', { name: /^Set up / });
    expect(setUp.map((link) => link.getAttribute('href'))).toEqual([
      '/connections/new/webhook',
      '/connections/new/email',
      '/connections/new/paypal-ipn-forward',
      '/connections/new/salesforce',
      '/connections/new/activecampaign',
      '/connections/new/quentn',
      '/connections/new/klicktipp',
      '/connections/new/keap',
      '/connections/new/capsule',
    ]);
    // Described in the user's language.
    expect(screen.getByRole('article', { name: 'Webhook' }).textContent).toContain('signed JSON');
    await expectAccessible();
  });

  it('adds a webhook connection with filters and error addresses, and shows its signing secret once', async () => {
    const user = userEvent.setup({ delay: null });
    const source = await server.runtime.sources.create({
      provider: 'digistore24',
      name: 'Shop DE',
      config: { passphrase: PASSPHRASE },
    });
    const { router } = await render('/connections/new/webhook', 'de');
    await screen.findByRole('heading', { level: 1, name: 'Webhook-Anbindung hinzufügen' });
    await user.click(screen.getByRole('button', { name: 'Anbindung hinzufügen' }));
    // Nothing is sent while required fields are empty; focus goes to the first.
    expect(document.activeElement).toBe(screen.getByRole('textbox', { name: /^Name/ }));
    expect(screen.getAllByText('Bitte fülle dieses Feld aus.').length).toBe(2);
    expect(await server.runtime.connections.list()).toEqual([]);

    await user.type(screen.getByRole('textbox', { name: /^Name/ }), 'Abrechnung');
    await fill(user, screen.getByLabelText(/^Endpunkt-URL/), `${sink.url}/billing`);
    const events = screen.getByRole('group', { name: 'Ereignisse' });
    await user.click(within(events).getByRole('checkbox', { name: 'Zahlung' }));
    await user.click(within(events).getByRole('checkbox', { name: 'Erstattung' }));
    await user.click(await screen.findByRole('checkbox', { name: 'Shop DE' }));
    await user.type(screen.getByLabelText('Produkt-IDs'), '12345, 67890');
    await user.click(
      within(screen.getByRole('group', { name: 'Add-ons' })).getByRole('radio', {
        name: 'Nur Hauptprodukte (keine Add-ons)',
      }),
    );
    await user.type(screen.getByLabelText('Sprachen'), 'DE, en');
    await user.click(
      within(screen.getByRole('group', { name: 'Zahlungen' })).getByRole('radio', {
        name: 'Nur die erste Zahlung',
      }),
    );
    await fill(
      user,
      screen.getByLabelText('Fehler-E-Mail-Adressen'),
      'ops@example.com\nbilling@example.com',
    );
    await expectAccessible();
    await user.click(screen.getByRole('button', { name: 'Anbindung hinzufügen' }));

    await screen.findByRole('heading', { level: 1, name: 'Abrechnung' });
    const [created] = await server.runtime.connections.list();
    expect(router.state.location.pathname).toBe(`/connections/${created?.id}`);
    expect(created).toMatchObject({
      connector: 'webhook',
      active: true,
      filters: {
        sources: [source.id],
        eventTypes: ['payment', 'refund'],
        productIds: ['12345', '67890'],
        addons: 'exclude',
        languages: ['de', 'en'],
        payments: 'first',
        includeTest: false,
      },
      config: { url: `${sink.url}/billing` },
      secretFields: { secret: 'set' },
      errorEmails: ['ops@example.com', 'billing@example.com'],
    });
    expect(screen.getByText(/^Die Anbindung wurde hinzugefügt./).getAttribute('role')).toBe(
      'status',
    );
    const secrets = screen.getByRole('region', { name: 'Erzeugtes Geheimnis: jetzt kopieren' });
    const stored = (await server.runtime.connections.loadForDelivery(created?.id ?? ''))
      ?.config as { secret: string };
    expect(stored.secret).toMatch(/^whsec_/);
    expect(within(secrets).getByText(stored.secret)).toBeTruthy();
    expect(
      within(secrets).getByRole('button', { name: 'Signaturgeheimnis kopieren' }),
    ).toBeTruthy();
    const receives = screen.getByRole('region', { name: 'Welche Ereignisse sie erhält' });
    expect(receives.textContent).toContain('Zahlung, Erstattung');
    expect(receives.textContent).toContain('Shop DE');
    expect(receives.textContent).toContain('Nur die erste Zahlung');
    expect(receives.textContent).toContain('billing@example.com');
    await expectAccessible();
    await user.click(
      within(secrets).getByRole('button', { name: 'Erledigt, ich habe es gespeichert' }),
    );
    expect(
      screen.queryByRole('region', { name: 'Erzeugtes Geheimnis: jetzt kopieren' }),
    ).toBeNull();
    expect(document.body.textContent).not.toContain(stored.secret);
  });

  it('tests a connection with the connector’s own test and shows what it says', async () => {
    const user = userEvent.setup({ delay: null });
    const { connection } = await server.runtime.connections.create({
      connector: 'webhook',
      name: 'Billing',
      config: { url: `${sink.url}/in` },
    });
    await render(`/connections/${connection.id}`);
    const test = await screen.findByRole('region', { name: 'Test connection' });
    await user.click(within(test).getByRole('button', { name: 'Test connection' }));
    expect(
      (await within(test).findByText('The test passed.')).closest('.notice')?.textContent,
    ).toContain('200');
    expect((await sink.waitForRequests(1))[0]?.json).toMatchObject({ type: 'connection_test' });

    sink.respondWith({ status: 500, body: 'broken' });
    await user.click(within(test).getByRole('button', { name: 'Test connection' }));
    expect(
      (await within(test).findByText('The test failed.')).closest('.notice')?.textContent,
    ).toContain('500');
    await expectAccessible();
  });

  it('shows the deliveries of a connection, and after a failure redelivers all of them once the target is fixed', async () => {
    const user = userEvent.setup({ delay: null });
    const source = await server.runtime.sources.create({
      provider: 'digistore24',
      name: 'Shop',
      config: { passphrase: PASSPHRASE },
    });
    const { connection } = await server.runtime.connections.create({
      connector: 'webhook',
      name: 'Billing',
      config: { url: `${sink.url}/in` },
    });
    // The target refuses the first payment for good (a 4xx is not retried).
    sink.respondWith({ status: 400, body: 'missing field' });
    const received = await server.runtime.ingest.receive(
      source.id,
      ds24Request(source.id, PASSPHRASE, 'on_payment', {
        orderId: 'ORDER-1',
        email: 'anna@example.com',
      }),
    );
    expect(received.outcome).toMatchObject({ kind: 'accepted' });
    await server.runtime.worker.runOnce();

    await render(`/connections/${connection.id}`);
    const status = await screen.findByRole('region', { name: 'Status' });
    expect(within(status).getByRole('list', { name: 'Needs attention' }).textContent).toBe(
      '1 failed',
    );
    expect(status.textContent).toContain('Last delivery: Failed Payment');
    const deliveries = screen.getByRole('region', { name: 'Recent deliveries' });
    const rows = await within(deliveries).findAllByRole('row');
    expect(rows).toHaveLength(2);
    expect(rows[1]?.textContent).toContain('Failed');
    expect(rows[1]?.textContent).toContain('HTTP 400');
    const [delivery] = (
      await server.runtime.dbHandle.db.selectFrom('deliveries').select('id').execute()
    ).map((row) => row.id);
    expect(
      within(rows[1] as HTMLElement)
        .getAllByRole('link')
        .map((link) => link.getAttribute('href')),
    ).toEqual([`/deliveries/${delivery}`, expect.stringMatching(/^\/events\/evt_/)]);

    // The failed count opens the delivery log filtered to them.
    expect(within(status).getByRole('link', { name: '1 failed' }).getAttribute('href')).toBe(
      '/deliveries',
    );
    await user.click(
      within(status).getByRole('button', { name: 'Redeliver everything that failed for Billing' }),
    );
    // Counted first (a dry run), then asked.
    const dialog = await screen.findByRole('alertdialog', {
      name: 'Redeliver everything that failed for Billing?',
    });
    expect(dialog.textContent).toContain(
      'Every delivery of this connection that failed or was given up is sent again',
    );
    expect(dialog.textContent).toContain('1 delivery will be sent again.');
    await expectAccessible();
    await user.click(within(dialog).getByRole('button', { name: 'Redeliver all' }));
    expect(await within(status).findByText(/^1 delivery was queued again\./)).toBeTruthy();
    // Its counts follow: nothing failed any more, one waits for its next attempt.
    await waitFor(() =>
      expect(within(status).getByRole('list', { name: 'Needs attention' }).textContent).toBe(
        '1 waiting for a retry',
      ),
    );
    await server.runtime.worker.runOnce();
    expect(sink.requests).toHaveLength(2);
    expect(
      (
        await server.runtime.dbHandle.db
          .selectFrom('deliveries')
          .select('status')
          .executeTakeFirst()
      )?.status,
    ).toBe('delivered');
  });

  it('switches a connection off and on from its card, and shows what needs attention', async () => {
    const user = userEvent.setup({ delay: null });
    const { connection } = await server.runtime.connections.create({
      connector: 'email',
      name: 'Chargebacks',
      config: { to: ['me@example.com'] },
      filters: { eventTypes: ['chargeback'] },
    });
    const db = server.runtime.dbHandle.db;
    await insertDelivery(db, {
      eventId: await insertEvent(db, { type: 'chargeback' }),
      connectionId: connection.id,
      status: 'dead',
      attempts: 8,
      lastError: 'SMTP 421',
    });
    await insertDelivery(db, {
      eventId: await insertEvent(db, { type: 'chargeback' }),
      connectionId: connection.id,
      status: 'pending',
      attempts: 2,
      lastError: 'SMTP 451',
    });
    await render('/connections', 'it');
    const card = await screen.findByRole('article', { name: 'Chargebacks' });
    expect(card.textContent).toContain('E-mail');
    expect(card.textContent).toContain('EventiStorno');
    expect(within(card).getByRole('list', { name: 'Richiede attenzione' }).textContent).toBe(
      '1 abbandonata1 in attesa di un nuovo tentativo',
    );
    expect(card.textContent).toContain('SMTP 451');
    await expectAccessible();

    const active = within(card).getByRole('switch', { name: 'Attivo: Chargebacks' });
    expect((active as HTMLInputElement).checked).toBe(true);
    await user.click(active);
    await waitFor(async () =>
      expect((await server.runtime.connections.get(connection.id))?.active).toBe(false),
    );
    // The switch shows the new state while the request is pending, and is disabled until the
    // answer arrives: a click before that would be ignored.
    await waitFor(() => {
      const off = within(card).getByRole('switch') as HTMLInputElement;
      expect(off.checked).toBe(false);
      expect(off.disabled).toBe(false);
    });
    expect(card.textContent).toContain('Disattivato');
    // The switch takes the next click once the change is saved and the list read again.
    await waitFor(() =>
      expect((within(card).getByRole('switch') as HTMLInputElement).disabled).toBe(false),
    );
    await user.click(within(card).getByRole('switch'));
    await waitFor(async () =>
      expect((await server.runtime.connections.get(connection.id))?.active).toBe(true),
    );
  });

  it('says why and since when ipnhub switched a connection off, and switching it on resumes its kept deliveries', async () => {
    const user = userEvent.setup({ delay: null });
    const { connection } = await server.runtime.connections.create({
      connector: 'email',
      name: 'CRM feed',
      config: { to: ['me@example.com'] },
    });
    const db = server.runtime.dbHandle.db;
    const kept = await insertDelivery(db, {
      eventId: await insertEvent(db, { type: 'payment' }),
      connectionId: connection.id,
      status: 'pending',
      attempts: 3,
      lastError: 'SMTP 451',
    });
    // As outbox/auto-disable.ts leaves it: off, why and since when, its delivery parked.
    await db
      .updateTable('connections')
      .set({
        active: 0,
        disabled_at: '2026-03-06T10:01:00.000Z',
        disabled_reason: 'every delivery attempt failed for 5 days 0 hours (9 attempts)',
        updated_at: '2026-03-06T10:01:00.000Z',
      })
      .where('id', '=', connection.id)
      .execute();
    await db
      .updateTable('deliveries')
      .set({ next_attempt_at: PARKED_UNTIL })
      .where('id', '=', kept)
      .execute();

    await render(`/connections/${connection.id}`, 'de');
    const notice = await screen.findByRole('note');
    expect(notice.textContent).toContain('ipnhub hat diese Verbindung am');
    expect(notice.textContent).toContain('weil ihre Zustellungen immer wieder fehlschlugen');
    expect(
      within(notice)
        .getByText(/every delivery attempt failed/)
        .getAttribute('lang'),
    ).toBe('en');
    await expectAccessible();

    await user.click(screen.getByRole('switch', { name: 'Aktiv: CRM feed' }));
    await waitFor(() => expect(screen.queryByRole('note')).toBeNull());
    const on = await server.runtime.connections.get(connection.id);
    expect(on).toMatchObject({ active: true, disabledAt: null, disabledReason: null });
    const delivery = await db
      .selectFrom('deliveries')
      .select(['status', 'next_attempt_at'])
      .where('id', '=', kept)
      .executeTakeFirstOrThrow();
    expect(delivery.status).toBe('pending');
    expect(delivery.next_attempt_at).not.toBe(PARKED_UNTIL);
  });

  it('deletes a connection only after confirming, and keeps its delivery history', async () => {
    const user = userEvent.setup({ delay: null });
    const { connection } = await server.runtime.connections.create({
      connector: 'webhook',
      name: 'Old CRM hook',
      config: { url: `${sink.url}/in` },
    });
    const db = server.runtime.dbHandle.db;
    await insertDelivery(db, {
      eventId: await insertEvent(db),
      connectionId: connection.id,
      status: 'delivered',
    });
    const { router } = await render(`/connections/${connection.id}`, 'he');
    await user.click(await screen.findByRole('button', { name: 'מחיקה' }));
    const dialog = screen.getByRole('alertdialog', { name: 'למחוק את Old CRM hook?' });
    expect(dialog.textContent).toContain('היסטוריית המסירות שלו נשמרת');
    expect(dialog.textContent).toContain('Webhook');
    await expectAccessible();
    await user.click(within(dialog).getByRole('button', { name: 'ביטול' }));
    expect(await server.runtime.connections.list()).toHaveLength(1);
    await user.click(screen.getByRole('button', { name: 'מחיקה' }));
    await user.click(
      within(screen.getByRole('alertdialog')).getByRole('button', { name: 'מחיקה' }),
    );
    await waitFor(() => expect(router.state.location.pathname).toBe('/connections'));
    expect(await server.runtime.connections.list()).toEqual([]);
    expect(await db.selectFrom('deliveries').select('connection_id').execute()).toEqual([
      { connection_id: connection.id },
    ]);
  });

  it('says so in the dialog when a delete is refused, and a test of a connection that is gone fails with the reason', async () => {
    const user = userEvent.setup({ delay: null });
    const { connection } = await server.runtime.connections.create({
      connector: 'webhook',
      name: 'Gone meanwhile',
      config: { url: `${sink.url}/in` },
    });
    await render(`/connections/${connection.id}`);
    await screen.findByRole('heading', { level: 1, name: 'Gone meanwhile' });
    // Deleted elsewhere (another tab, the CLI) while this page is open.
    await server.runtime.connections.remove(connection.id);

    const test = screen.getByRole('region', { name: 'Test connection' });
    await user.click(within(test).getByRole('button', { name: 'Test connection' }));
    expect((await within(test).findByRole('alert')).textContent).toContain('Not found');

    await user.click(screen.getByRole('button', { name: 'Delete' }));
    const dialog = screen.getByRole('alertdialog', { name: 'Delete Gone meanwhile?' });
    await user.click(within(dialog).getByRole('button', { name: 'Delete' }));
    // The dialog stays open with the reason; Cancel closes it.
    expect((await within(dialog).findByRole('alert')).textContent).toContain('Not found');
    await expectAccessible();
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByRole('alertdialog')).toBeNull();
  });
});
