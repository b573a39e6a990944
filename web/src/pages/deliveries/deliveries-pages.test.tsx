// @vitest-environment jsdom
/**
 * The delivery log against a real ipnhub over HTTP, its worker run step by step on a manual
 * clock, delivering to a local webhook sink: what was sent (credentials redacted) and answered,
 * why a delivery waits, redelivering one, and redelivering everything a fixed connection missed.
 */
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebhookSink } from '../../../../test/fakes/webhook-sink.js';
import type { WebhookSink } from '../../../../test/fakes/webhook-sink.js';
import { ManualClock } from '../../../../src/lib/clock.js';
import type { LanguageCode } from '../../i18n/languages.js';
import { expectAccessible } from '../../test-support/axe.js';
import { startTestServer } from '../../test-support/ipnhub-server.js';
import type { TestServer } from '../../test-support/ipnhub-server.js';
import { addDigistoreSource, postDigistore } from '../../test-support/log-fixtures.js';
import { renderUi } from '../../test-support/render.js';
import { EventPage } from '../events/event-page.js';
import { DeliveriesPage } from './deliveries-page.js';
import type { DeliveriesPreset } from './delivery-filters.js';
import { DeliveryPage } from './delivery-page.js';

const routes = [
  { path: '/deliveries', element: <DeliveriesPage /> },
  { path: '/deliveries/:id', element: <DeliveryPage /> },
  { path: '/events/:id', element: <EventPage /> },
];

/** The rows of the delivery table (without its header row). */
function rows(): HTMLElement[] {
  return within(screen.getByRole('table', { name: 'Deliveries, newest first' }))
    .getAllByRole('row')
    .slice(1);
}

describe('Delivery log', () => {
  let server: TestServer;
  let clock: ManualClock;
  const sinks: WebhookSink[] = [];

  beforeAll(async () => {
    clock = new ManualClock('2026-03-01T10:00:00.000Z');
    // One retry a minute after the first failure, then given up.
    server = await startTestServer({ clock, config: { retrySchedule: [60] } });
  });
  afterAll(async () => {
    await server.close();
    await Promise.all(sinks.map((sink) => sink.close()));
  });

  const render = (path: string, language: LanguageCode = 'en') =>
    renderUi(null, {
      server: { baseUrl: server.baseUrl, fetch: server.fetch },
      routes,
      path,
      language,
    });

  /**
   * A source, a sink and a webhook connection from the one to the other, so that tests see
   * neither each other's deliveries nor each other's scripted answers.
   */
  async function setUp(
    name: string,
    headers: Record<string, string> = {},
  ): Promise<{ sourceId: string; connectionId: string; sink: WebhookSink }> {
    const sink = await startWebhookSink();
    sinks.push(sink);
    const sourceId = await addDigistoreSource(server, `${name} source`);
    const { connection } = await server.runtime.connections.create({
      connector: 'webhook',
      name,
      filters: { sources: [sourceId] },
      config: { url: `${sink.url}/${name}`, headers },
    });
    return { sourceId, connectionId: connection.id, sink };
  }

  async function deliveriesOf(connectionId: string) {
    return server.runtime.dbHandle.db
      .selectFrom('deliveries')
      .select(['id', 'status', 'event_id'])
      .where('connection_id', '=', connectionId)
      .orderBy('id')
      .execute();
  }

  it('lists deliveries and shows an attempt as sent, credentials redacted, with the answer', async () => {
    const { sourceId, connectionId } = await setUp('crm', {
      Authorization: 'Bearer sink-secret-token',
    });
    expect(
      (await postDigistore(server, sourceId, 'on_payment', { orderId: 'ORDER-A1' })).status,
    ).toBe(200);
    await server.runtime.worker.runOnce();
    const [delivery] = await deliveriesOf(connectionId);
    expect(delivery?.status).toBe('delivered');

    const user = userEvent.setup();
    const { router } = await render('/deliveries');
    await waitFor(() => expect(rows().length).toBeGreaterThan(0));
    const row = rows().find((r) => r.textContent?.includes('crm'));
    expect(
      within(row ?? document.body)
        .getAllByRole('cell')
        .map((cell) => cell.textContent),
    ).toEqual([
      expect.any(String),
      'Payment',
      'crm',
      'Delivered',
      '1',
      expect.stringMatching(/^finished /),
      '',
    ]);
    expect(
      within(row ?? document.body)
        .getByRole('link', { name: 'crm' })
        .getAttribute('href'),
    ).toBe(`/connections/${connectionId}`);
    expect(document.title).toBe('Deliveries · ipnhub');
    await expectAccessible();

    await user.click(within(row ?? document.body).getAllByRole('link')[0] ?? document.body);
    await screen.findByRole('heading', { level: 1, name: 'Delivery to crm' });
    expect(router.state.location.pathname).toBe(`/deliveries/${delivery?.id}`);
    const attempt = screen.getByRole('article', { name: 'Attempt 1' });
    expect(attempt.textContent).toContain('Delivered');
    expect(attempt.textContent).toContain('Automatically');
    expect(attempt.textContent).toContain('HTTP 200');
    const headers = within(attempt).getByRole('table', { name: 'Headers of request 1' });
    expect(
      within(headers).getByRole('rowheader', { name: 'authorization' }).closest('tr')?.textContent,
    ).toBe('authorization[redacted]');
    expect(document.body.textContent).not.toContain('sink-secret-token');
    expect(
      within(attempt).getByRole('region', { name: 'Body of request 1' }).textContent,
    ).toContain('ORDER-A1');
    expect(screen.queryByRole('region', { name: 'Why it is still waiting' })).toBeNull();
    await expectAccessible();

    // The event opens from here.
    await user.click(screen.getByRole('link', { name: 'Payment' }));
    await screen.findByRole('heading', { level: 1, name: 'Payment' });
  });

  it('says why a delivery waits: its retry schedule, or the earlier delivery of the same order (linked)', async () => {
    const { sourceId, connectionId, sink } = await setUp('billing');
    sink.respondWith({ status: 503, body: 'maintenance' });
    await postDigistore(server, sourceId, 'on_payment', { orderId: 'ORDER-B1' });
    await server.runtime.worker.runOnce();
    await postDigistore(server, sourceId, 'on_refund', { orderId: 'ORDER-B1' });
    const [payment, refund] = await deliveriesOf(connectionId);
    expect([payment?.status, refund?.status]).toEqual(['pending', 'pending']);

    const user = userEvent.setup();
    await render(`/deliveries/${refund?.id}`, 'de');
    const wait = await screen.findByRole('region', { name: 'Warum sie noch wartet' });
    expect(wait.textContent).toContain(
      'Sie wartet auf eine frühere Zustellung derselben Bestellung',
    );
    expect(wait.textContent).toContain('Ausstehend');
    await expectAccessible();
    await user.click(within(wait).getByRole('link', { name: 'Die frühere Zustellung' }));

    await screen.findByRole('article', { name: 'Versuch 1' });
    const scheduled = screen.getByRole('region', { name: 'Warum sie noch wartet' });
    expect(scheduled.textContent).toMatch(
      /Der letzte Versuch ist nicht durchgekommen\. Der nächste Versuch ist für 01\.03\.2026, \d\d:01 geplant\./,
    );
    const attempt = screen.getByRole('article', { name: 'Versuch 1' });
    expect(attempt.textContent).toContain('Fehlgeschlagen, wird wiederholt');
    expect(
      within(attempt).getByRole('region', { name: 'Antwort des Zielsystems auf Versuch 1' })
        .textContent,
    ).toBe('maintenance');
    expect(attempt.textContent).toContain('HTTP 503');
  });

  it('gives a failing connection up, then redelivers everything it missed after it is fixed', async () => {
    const { sourceId, connectionId, sink } = await setUp('shop');
    // The first order fails twice (given up after the retry), the second is refused for good;
    // one at a time, so each meets the answer meant for it.
    sink.respondWith({ status: 500 });
    await postDigistore(server, sourceId, 'on_payment', { orderId: 'ORDER-C1' });
    await server.runtime.worker.runOnce();
    sink.respondWith({ status: 400, body: 'unknown product' });
    await postDigistore(server, sourceId, 'on_payment', { orderId: 'ORDER-C2' });
    await server.runtime.worker.runOnce();
    sink.respondWith({ status: 500 });
    clock.advance(60_000);
    await server.runtime.worker.runOnce();
    expect((await deliveriesOf(connectionId)).map((d) => d.status)).toEqual(['dead', 'failed']);

    // Newest attempt first; the last try of a given-up delivery says so.
    const [dead] = await deliveriesOf(connectionId);
    const given = await render(`/deliveries/${dead?.id}`);
    await screen.findByRole('article', { name: 'Attempt 2' });
    expect(
      screen
        .getAllByRole('article')
        .map((article) => [
          article.querySelector('h3')?.textContent,
          article.querySelector('.badge')?.textContent,
        ]),
    ).toEqual([
      ['Attempt 2', 'Failed, given up'],
      ['Attempt 1', 'Failed, tried again later'],
    ]);
    given.unmount();

    const user = userEvent.setup();
    const list = await render('/deliveries');
    await waitFor(() => expect(rows().length).toBeGreaterThan(0));
    expect(
      screen.getByText(
        'Fixed a connection? Choose it in the filter to send all of its failed deliveries again at once.',
      ),
    ).toBeTruthy();
    const filters = screen.getByRole('search', { name: 'Filter deliveries' });
    // The connections to choose from are read alongside the list.
    await within(filters).findByRole('option', { name: 'shop' });
    await user.selectOptions(within(filters).getByLabelText('Connection'), 'shop');
    await user.selectOptions(within(filters).getByLabelText('Status'), 'dead');
    await user.click(within(filters).getByRole('button', { name: 'Apply' }));
    // Wait for the filtered answer itself (the unfiltered list might hold one row too).
    await waitFor(() =>
      expect(rows().map((row) => row.textContent?.includes('Given up'))).toEqual([true]),
    );
    expect(rows()[0]?.textContent).toContain('HTTP 500');

    await user.click(
      screen.getByRole('button', { name: 'Redeliver everything that failed for shop' }),
    );
    const dialog = await screen.findByRole('alertdialog', {
      name: 'Redeliver everything that failed for shop?',
    });
    expect(dialog.textContent).toContain('2 deliveries will be sent again.');
    await expectAccessible();
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect((await deliveriesOf(connectionId)).map((d) => d.status)).toEqual(['dead', 'failed']);

    await user.click(
      screen.getByRole('button', { name: 'Redeliver everything that failed for shop' }),
    );
    await user.click(
      within(await screen.findByRole('alertdialog')).getByRole('button', { name: 'Redeliver all' }),
    );
    expect(
      await screen.findByText('2 deliveries were queued again. ipnhub sends them within moments.'),
    ).toBeTruthy();
    // The list is read again: nothing of this connection is given up any more.
    expect(await screen.findByText('No delivery matches')).toBeTruthy();
    expect((await deliveriesOf(connectionId)).map((d) => d.status)).toEqual(['pending', 'pending']);

    // Fixed: the sink answers 200 again.
    await server.runtime.worker.runOnce();
    const [first] = await deliveriesOf(connectionId);
    expect((await deliveriesOf(connectionId)).map((d) => d.status)).toEqual([
      'delivered',
      'delivered',
    ]);
    list.unmount();
    const detail = await render(`/deliveries/${first?.id}`);
    const manual = await screen.findByRole('article', { name: 'Attempt 3' });
    expect(manual.textContent).toContain('By hand (redelivery)');
    expect(manual.textContent).toContain('Delivered');
    detail.unmount();

    // Nothing left to redeliver.
    await render('/deliveries');
    await waitFor(() => expect(rows().length).toBeGreaterThan(0));
    const again = screen.getByRole('search', { name: 'Filter deliveries' });
    await within(again).findByRole('option', { name: 'shop' });
    await user.selectOptions(within(again).getByLabelText('Connection'), 'shop');
    await user.click(within(again).getByRole('button', { name: 'Apply' }));
    await user.click(
      screen.getByRole('button', { name: 'Redeliver everything that failed for shop' }),
    );
    await user.click(
      within(await screen.findByRole('alertdialog')).getByRole('button', { name: 'Redeliver all' }),
    );
    expect(
      await screen.findByText(
        'Nothing to redeliver: this connection has no failed or given-up delivery.',
      ),
    ).toBeTruthy();
  });

  it('redelivers one delivery after asking, follows it to its new attempt, and explains a refusal', async () => {
    const { sourceId, connectionId } = await setUp('mailer');
    await postDigistore(server, sourceId, 'on_payment', { orderId: 'ORDER-D1' });
    await server.runtime.worker.runOnce();
    const [delivery] = await deliveriesOf(connectionId);
    expect(delivery?.status).toBe('delivered');

    const user = userEvent.setup();
    await render(`/deliveries/${delivery?.id}`, 'it');
    await screen.findByRole('article', { name: 'Tentativo 1' });
    await user.click(screen.getByRole('button', { name: 'Consegna di nuovo' }));
    const dialog = screen.getByRole('alertdialog', { name: 'Inviare di nuovo questa consegna?' });
    expect(dialog.textContent).toContain('il sistema di destinazione la riceve una seconda volta');
    await user.click(within(dialog).getByRole('button', { name: 'Consegna di nuovo' }));
    expect(await screen.findByText(/^Rimessa in coda\./)).toBeTruthy();
    const wait = await screen.findByRole('region', { name: 'Perché è ancora in attesa' });
    expect(wait.textContent).toMatch(/^Perché è ancora in attesaPrevista dal /);

    // The page follows the unfinished delivery on its own until the worker has made the attempt.
    await server.runtime.worker.runOnce();
    const attempt = await screen.findByRole('article', { name: 'Tentativo 2' });
    expect(attempt.textContent).toContain('A mano (nuova consegna)');
    expect(screen.queryByRole('region', { name: 'Perché è ancora in attesa' })).toBeNull();

    // A worker holds it right now: the server refuses, the page says why.
    await server.runtime.dbHandle.db
      .updateTable('deliveries')
      .set({
        status: 'delivering',
        lease_owner: 'another-worker',
        lease_expires_at: '2026-03-01T11:00:00.000Z',
      })
      .where('id', '=', delivery?.id ?? '')
      .execute();
    await user.click(screen.getByRole('button', { name: 'Consegna di nuovo' }));
    await user.click(
      within(screen.getByRole('alertdialog')).getByRole('button', { name: 'Consegna di nuovo' }),
    );
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('DELIVERY_IN_PROGRESS');
    await expectAccessible();
  });

  it('says that a switched-off connection will skip a waiting delivery, unless it is redelivered by hand', async () => {
    const { sourceId, connectionId } = await setUp('paused');
    await postDigistore(server, sourceId, 'on_payment', { orderId: 'ORDER-E1' });
    await server.runtime.connections.update(connectionId, { active: false });
    const [delivery] = await deliveriesOf(connectionId);
    await render(`/deliveries/${delivery?.id}`, 'he');
    const wait = await screen.findByRole('region', { name: 'למה היא עדיין ממתינה' });
    expect(wait.textContent).toContain('החיבור כבוי: כשיגיע זמן הניסיון, המסירה תסומן כמדולגת.');
    expect(screen.getByRole('region', { name: 'מצב' }).textContent).toContain('כבוי');
    expect(screen.getByRole('region', { name: 'ניסיונות' }).textContent).toContain(
      'עדיין לא נעשה אף ניסיון.',
    );
    await expectAccessible();
  });

  it('opens with the filters another page hands over in the router state', async () => {
    const { router } = await render('/deliveries');
    await waitFor(() => expect(rows().length).toBeGreaterThan(1));
    // Not all are delivered (the billing connection's still wait).
    expect(rows().some((row) => !row.textContent?.includes('Delivered'))).toBe(true);
    const preset: DeliveriesPreset = { filters: { status: 'delivered' } };
    await router.navigate('/deliveries', { state: preset });
    await waitFor(() =>
      expect(rows().every((row) => row.textContent?.includes('Delivered'))).toBe(true),
    );
    expect(
      (
        within(screen.getByRole('search', { name: 'Filter deliveries' })).getByLabelText(
          'Status',
        ) as HTMLSelectElement
      ).value,
    ).toBe('delivered');
    expect(router.state.location.search).toBe('');
  });

  it('says when there is no such delivery', async () => {
    await render('/deliveries/dlv_missing');
    expect((await screen.findByRole('alert')).textContent).toContain('NOT_FOUND');
  });
});

describe('An empty delivery log', () => {
  it('says when deliveries appear', async () => {
    const server = await startTestServer();
    try {
      await renderUi(<DeliveriesPage />, {
        server: { baseUrl: server.baseUrl, fetch: server.fetch },
        path: '/deliveries',
      });
      expect(await screen.findByText('No delivery yet')).toBeTruthy();
      await expectAccessible();
    } finally {
      await server.close();
    }
  });
});
