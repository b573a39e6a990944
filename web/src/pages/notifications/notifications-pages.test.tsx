// @vitest-environment jsdom
/**
 * The notification log against a real ipnhub over HTTP: signed and forged Digistore24
 * notifications posted to its inbound URL, listed with server-side filters and paging, and one
 * request's detail (verdict explained, fields, headers, raw body, events with their ledger
 * effects and deliveries).
 */
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIpnVerificationFake } from '../../../../src/dev/fake-paypal/ipn-verification.js';
import type { IpnVerificationFake } from '../../../../src/dev/fake-paypal/ipn-verification.js';
import { serveFakeRoutes } from '../../../../src/dev/fake-paypal/server.js';
import type { FakeRouteServer } from '../../../../src/dev/fake-paypal/server.js';
import { ManualClock } from '../../../../src/lib/clock.js';
import {
  encodePayPalIpnBody,
  samplePayPalIpnFields,
} from '../../../../src/providers/paypal-ipn/sample-messages.js';
import { expectAccessible } from '../../test-support/axe.js';
import { startTestServer } from '../../test-support/ipnhub-server.js';
import type { TestServer } from '../../test-support/ipnhub-server.js';
import {
  addDigistoreSource,
  newestRequestId,
  postDigistore,
} from '../../test-support/log-fixtures.js';
import { renderUi } from '../../test-support/render.js';
import type { LanguageCode } from '../../i18n/languages.js';
import { DeliveryPage } from '../deliveries/delivery-page.js';
import { NotificationPage } from './notification-page.js';
import { NotificationsPage } from './notifications-page.js';
import type { NotificationsPreset } from './notification-filters.js';

const routes = [
  { path: '/notifications', element: <NotificationsPage /> },
  { path: '/notifications/:id', element: <NotificationPage /> },
  { path: '/deliveries/:id', element: <DeliveryPage /> },
];

/** The rows of the log table (without its header row). */
function rows(): HTMLElement[] {
  return within(screen.getByRole('table', { name: 'Notifications, newest first' }))
    .getAllByRole('row')
    .slice(1);
}

describe('Notification log', () => {
  let server: TestServer;
  let shop: string;
  let other: string;
  let accepted: string;
  let rejected: string;
  let connectionId: string;

  beforeAll(async () => {
    server = await startTestServer();
    shop = await addDigistoreSource(server, 'Shop DE');
    other = await addDigistoreSource(server, 'Shop IT');
    const connection = await server.runtime.connections.create({
      connector: 'webhook',
      name: 'Billing',
      config: { url: 'https://billing.example.com/hook' },
    });
    connectionId = connection.connection.id;
    expect(
      await postDigistore(server, shop, 'on_payment', {
        orderId: 'ORDER-1001',
        email: 'anna@example.com',
      }),
    ).toEqual({ status: 200, text: 'OK' });
    accepted = await newestRequestId(server);
    // Signed with another passphrase: refused.
    expect(
      (
        await postDigistore(
          server,
          shop,
          'on_payment',
          { orderId: 'ORDER-1002' },
          'wrong-passphrase',
        )
      ).status,
    ).toBe(403);
    rejected = await newestRequestId(server);
    expect(
      await postDigistore(server, other, 'on_payment', {
        orderId: 'ORDER-2001',
        email: 'marco@example.com',
      }),
    ).toEqual({ status: 200, text: 'OK' });
  });
  afterAll(() => server.close());

  const render = (path: string, language: LanguageCode = 'en') =>
    renderUi(null, {
      server: { baseUrl: server.baseUrl, fetch: server.fetch },
      routes,
      path,
      language,
    });

  it('lists every request newest first with its source and verdict, and filters on the server', async () => {
    const user = userEvent.setup();
    await render('/notifications');
    await waitFor(() => expect(rows()).toHaveLength(3));
    expect(document.title).toBe('Notifications · ipnhub');
    // Sources are named once the sources are read too.
    await waitFor(() =>
      expect(
        rows().map((row) =>
          within(row)
            .getAllByRole('cell')
            .map((cell) => cell.textContent),
        ),
      ).toEqual([
        [expect.any(String), 'Shop IT', 'Accepted', '1'],
        [expect.any(String), 'Shop DE', 'RejectedSignature does not match', '0'],
        [expect.any(String), 'Shop DE', 'Accepted', '1'],
      ]),
    );
    expect(
      within(rows()[1] ?? document.body)
        .getAllByRole('link')[0]
        ?.getAttribute('href'),
    ).toBe(`/notifications/${rejected}`);
    await expectAccessible();

    const filters = screen.getByRole('search', { name: 'Filter notifications' });
    await user.selectOptions(within(filters).getByLabelText('Verdict'), 'rejected');
    await user.click(within(filters).getByRole('button', { name: 'Apply' }));
    await waitFor(() =>
      expect(rows().map((row) => within(row).getAllByRole('cell')[2]?.textContent)).toEqual([
        'RejectedSignature does not match',
      ]),
    );

    await user.selectOptions(within(filters).getByLabelText('Verdict'), '');
    await user.selectOptions(within(filters).getByLabelText('Source'), 'Shop IT');
    await user.click(within(filters).getByRole('button', { name: 'Apply' }));
    await waitFor(() =>
      expect(rows().map((row) => within(row).getAllByRole('cell')[1]?.textContent)).toEqual([
        'Shop IT',
      ]),
    );

    // The search is exact, over order id, transaction id and e-mail, of any source; Enter applies it.
    await user.selectOptions(within(filters).getByLabelText('Source'), '');
    await user.type(within(filters).getByLabelText('Search'), 'ANNA@example.com{Enter}');
    // The Shop IT row is one row too: wait for the searched one, not for any single row.
    await waitFor(() =>
      expect(
        rows().map((row) => within(row).getAllByRole('link')[0]?.getAttribute('href')),
      ).toEqual([`/notifications/${accepted}`]),
    );

    await user.clear(within(filters).getByLabelText('Search'));
    await user.type(within(filters).getByLabelText('Search'), 'ORDER-9999{Enter}');
    expect(await screen.findByText('No notification matches')).toBeTruthy();
    await user.click(within(filters).getByRole('button', { name: 'Reset' }));
    await waitFor(() => expect(rows()).toHaveLength(3));
    expect((within(filters).getByLabelText('Search') as HTMLInputElement).value).toBe('');
  });

  it('filters by days in the browser’s time zone, and refuses a range that ends before it starts', async () => {
    const user = userEvent.setup();
    const asked: URL[] = [];
    const recording: typeof fetch = (input, init) => {
      asked.push(new URL(new Request(input, init).url));
      return server.fetch(input, init);
    };
    await renderUi(null, {
      server: { baseUrl: server.baseUrl, fetch: recording },
      routes,
      path: '/notifications',
    });
    await waitFor(() => expect(rows()).toHaveLength(3));
    const filters = screen.getByRole('search', { name: 'Filter notifications' });
    // The day the requests arrived (not "now": the test may run just after midnight).
    const received = await server.runtime.dbHandle.db
      .selectFrom('inbound_requests')
      .select('received_at')
      .where('id', '=', accepted)
      .executeTakeFirstOrThrow();
    const today = new Date(received.received_at);
    const day = (offset: number): string => {
      const d = new Date(today.getFullYear(), today.getMonth(), today.getDate() + offset);
      return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
    };
    await user.type(within(filters).getByLabelText('From'), day(1));
    await user.click(within(filters).getByRole('button', { name: 'Apply' }));
    expect(await screen.findByText('No notification matches')).toBeTruthy();

    await user.clear(within(filters).getByLabelText('From'));
    await user.type(within(filters).getByLabelText('From'), day(0));
    await user.click(within(filters).getByRole('button', { name: 'Apply' }));
    await waitFor(() => expect(rows()).toHaveLength(3));

    await user.type(within(filters).getByLabelText('To'), day(-1));
    await user.click(within(filters).getByRole('button', { name: 'Apply' }));
    const to = within(filters).getByLabelText('To');
    expect(to.getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByText('The end date is before the start date.')).toBeTruthy();
    // Not applied: no list was asked for with an end.
    expect(rows()).toHaveLength(3);
    expect(
      asked.filter(
        (url) => url.pathname.endsWith('/inbound-requests') && url.searchParams.has('to'),
      ),
    ).toEqual([]);

    await user.clear(to);
    await user.type(to, day(0));
    await user.click(within(filters).getByRole('button', { name: 'Apply' }));
    await waitFor(() => expect(rows()).toHaveLength(3));
    // The days are local midnights; the last day is included (the range ends at the next midnight).
    const last = asked.filter((url) => url.pathname.endsWith('/inbound-requests')).at(-1);
    const midnight = new Date(today.getFullYear(), today.getMonth(), today.getDate());
    expect(last?.searchParams.get('from')).toBe(midnight.toISOString());
    expect(last?.searchParams.get('to')).toBe(
      new Date(today.getFullYear(), today.getMonth(), today.getDate() + 1).toISOString(),
    );
  });

  it('opens with the filters another page hands over in the router state', async () => {
    const { router } = await render('/notifications');
    await waitFor(() => expect(rows()).toHaveLength(3));
    const preset: NotificationsPreset = { filters: { verdict: 'rejected', sourceId: shop } };
    await router.navigate('/notifications', { state: preset });
    await waitFor(() => expect(rows()).toHaveLength(1));
    const filters = screen.getByRole('search', { name: 'Filter notifications' });
    expect((within(filters).getByLabelText('Verdict') as HTMLSelectElement).value).toBe('rejected');
    expect((within(filters).getByLabelText('Source') as HTMLSelectElement).value).toBe(shop);
    expect(router.state.location.search).toBe('');

    // Days may come as the API's instants (the end exclusive): the page shows the days they cover.
    const received = await server.runtime.dbHandle.db
      .selectFrom('inbound_requests')
      .select('received_at')
      .where('id', '=', accepted)
      .executeTakeFirstOrThrow();
    const at = new Date(received.received_at);
    const midnight = (plusDays: number): Date =>
      new Date(at.getFullYear(), at.getMonth(), at.getDate() + plusDays);
    const day = `${at.getFullYear()}-${String(at.getMonth() + 1).padStart(2, '0')}-${String(at.getDate()).padStart(2, '0')}`;
    await router.navigate('/notifications', {
      state: {
        filters: { from: midnight(0).toISOString(), to: midnight(1).toISOString() },
      } satisfies NotificationsPreset,
    });
    await waitFor(() =>
      expect(
        (
          within(screen.getByRole('search', { name: 'Filter notifications' })).getByLabelText(
            'From',
          ) as HTMLInputElement
        ).value,
      ).toBe(day),
    );
    expect(
      (
        within(screen.getByRole('search', { name: 'Filter notifications' })).getByLabelText(
          'To',
        ) as HTMLInputElement
      ).value,
    ).toBe(day);
    await waitFor(() => expect(rows()).toHaveLength(3));
  });

  it('pages through a long log on the server, 50 at a time', async () => {
    const user = userEvent.setup();
    const busy = await addDigistoreSource(server, 'Busy shop');
    // 52 requests of one source; each is answered on its own, so they can go out together.
    const answers = await Promise.all(
      Array.from({ length: 52 }, (_, i) =>
        postDigistore(server, busy, 'on_payment', { orderId: `BULK-${i}` }, 'not-the-passphrase'),
      ),
    );
    expect(answers.every((answer) => answer.status === 403)).toBe(true);
    const { router } = await render('/notifications');
    await router.navigate('/notifications', {
      state: { filters: { sourceId: busy } } satisfies NotificationsPreset,
    });
    // The log opened anew with the preset (the first page of all requests has 50 rows too).
    await waitFor(() =>
      expect(
        (
          within(screen.getByRole('search', { name: 'Filter notifications' })).getByLabelText(
            'Source',
          ) as HTMLSelectElement
        ).value,
      ).toBe(busy),
    );
    await waitFor(() => expect(rows()).toHaveLength(50));
    expect(rows().every((row) => row.textContent?.includes('Busy shop'))).toBe(true);
    await user.click(screen.getByRole('button', { name: 'Older' }));
    await waitFor(() => expect(rows()).toHaveLength(2));
    expect(screen.getByText('Page 2')).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Newer' }));
    await waitFor(() => expect(rows()).toHaveLength(50));
  });

  it('shows an accepted request: verdict, its event with ledger effects and deliveries, fields, headers and raw body', async () => {
    const user = userEvent.setup();
    const { router } = await render(`/notifications/${accepted}`, 'de');
    await screen.findByRole('heading', { level: 1, name: 'Benachrichtigung' });
    const verdict = screen.getByRole('region', { name: 'Ergebnis' });
    expect(verdict.textContent).toContain('Angenommen');
    expect(verdict.textContent).toContain('Die Benachrichtigung ist echt und wurde erfasst');

    const events = screen.getByRole('region', { name: 'Entstandene Ereignisse' });
    const event = await within(events).findByRole('article', { name: 'Zahlung' });
    expect(event.textContent).toContain('ORDER-1001');
    expect(event.textContent).toContain('anna@example.com');
    expect(event.textContent?.replace(/\u00a0/g, ' ')).toContain('97,00 €');
    expect(event.textContent).toContain('bezahlt');
    const access = await within(event).findByRole('table', {
      name: 'Zugänge aus dieser Bestellung, wie sie jetzt sind',
    });
    expect(within(access).getAllByRole('row')[1]?.textContent).toContain('543210');
    expect(within(access).getAllByRole('row')[1]?.textContent).toContain('Aktiv');
    const deliveries = within(event).getByRole('table', {
      name: 'Wohin dieses Ereignis gesendet wurde',
    });
    expect(within(deliveries).getByRole('link', { name: 'Billing' }).getAttribute('href')).toBe(
      `/connections/${connectionId}`,
    );
    expect(within(deliveries).getAllByRole('row')[1]?.textContent).toContain('Ausstehend');

    const fields = screen.getByRole('table', {
      name: 'Felder der Benachrichtigung, in gesendeter Reihenfolge',
    });
    const orderRow = within(fields).getByRole('rowheader', { name: 'order_id' }).closest('tr');
    expect(orderRow?.textContent).toBe('order_idORDER-1001');
    expect(screen.getByRole('region', { name: 'Felder' }).textContent).toMatch(
      /Zeichensatz utf-8/i,
    );
    const headers = screen.getByRole('table', { name: 'Header der Anfrage' });
    expect(within(headers).getByRole('rowheader', { name: 'content-type' })).toBeTruthy();
    const raw = screen.getByRole('region', { name: 'Der Inhalt genau so, wie er ankam' });
    expect(raw.textContent).toContain('order_id=ORDER-1001');
    expect(raw.getAttribute('tabindex')).toBe('0');
    await expectAccessible();

    // The delivery opens from here.
    await user.click(within(deliveries).getAllByRole('link')[0] ?? document.body);
    await waitFor(() => expect(router.state.location.pathname).toMatch(/^\/deliveries\/dlv_/));
  });

  it('explains a refusal by its code in the user’s language', async () => {
    await render(`/notifications/${rejected}`, 'he');
    await screen.findByRole('heading', { level: 1, name: 'הודעה' });
    const verdict = screen.getByRole('region', { name: 'תוצאה' });
    expect(verdict.textContent).toContain('נדחתה');
    expect(verdict.textContent).toContain('החתימה אינה תואמת');
    expect(verdict.textContent).toContain('SIGNATURE_INVALID');
    expect(screen.getByRole('region', { name: 'אירועים שנוצרו ממנה' }).textContent).toContain(
      'לא נוצר ממנה אירוע.',
    );
    await expectAccessible();
  });

  it('says when there is no such request', async () => {
    await render('/notifications/req_missing');
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('NOT_FOUND');
  });

  it('says what to do when the log is empty', async () => {
    const empty = await startTestServer();
    try {
      await renderUi(null, {
        server: { baseUrl: empty.baseUrl, fetch: empty.fetch },
        routes,
        path: '/notifications',
        language: 'it',
      });
      expect(await screen.findByText('Ancora nessuna notifica')).toBeTruthy();
      await expectAccessible();
    } finally {
      await empty.close();
    }
  });
});

describe('A PayPal IPN in the notification log', () => {
  let server: TestServer;
  let clock: ManualClock;
  let paypal: IpnVerificationFake;
  let paypalServer: FakeRouteServer;
  let sourceId: string;

  beforeAll(async () => {
    clock = new ManualClock('2026-03-01T10:00:00.000Z');
    paypal = createIpnVerificationFake({ acceptDevSignatures: false });
    paypalServer = await serveFakeRoutes([paypal.route]);
    server = await startTestServer({ clock });
    const source = await server.runtime.sources.create({
      provider: 'paypal-ipn',
      name: 'PayPal sandbox',
      config: {
        environment: 'sandbox',
        receiverEmail: 'seller@example.com',
        verificationUrl: `${paypalServer.url}/cgi-bin/webscr`,
        expectedPrices: { 'course-basic': { amount: '19.99', currency: 'EUR' } },
      },
    });
    sourceId = source.id;
  });
  afterAll(async () => {
    await server.close();
    await paypalServer.close();
  });

  it('shows where verification stands while PayPal does not answer, then why the payment is held and what to do', async () => {
    // Paid 1.99 instead of the expected 19.99: authentic money that cannot be recorded as a sale.
    const body = encodePayPalIpnBody(
      samplePayPalIpnFields('web_accept', {
        test: true,
        txnId: '9UNDERPAID000000',
        amount: '1.99',
      }),
      'windows-1252',
    );
    paypal.register(body);
    paypal.setMode('fail500');
    const answer = await fetch(`${server.origin}/ipn/${sourceId}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new Uint8Array(body),
    });
    expect(answer.status).toBe(200);
    const id = await newestRequestId(server);
    await server.runtime.worker.runOnce();

    const first = await renderUi(null, {
      server: { baseUrl: server.baseUrl, fetch: server.fetch },
      routes,
      path: `/notifications/${id}`,
      language: 'it',
    });
    const verdict = await screen.findByRole('region', { name: 'Esito' });
    expect(verdict.textContent).toContain('In attesa di verifica');
    expect(verdict.textContent).toContain('ipnhub sta ancora chiedendo a PayPal');
    const facts = within(verdict).getByRole('heading', {
      name: 'Verifica con PayPal',
    }).parentElement;
    expect(facts?.textContent).toContain('Domande a PayPal finora1');
    expect(facts?.textContent).toContain('Ultima risposta');
    expect(facts?.textContent).toContain('500');
    // The fields are windows-1252 as this message names it, decoded to the right letters.
    expect(screen.getByRole('region', { name: 'Campi' }).textContent).toContain(
      'Set di caratteri windows-1252, come indicato dalla notifica.',
    );
    expect(screen.getByRole('region', { name: 'Campi' }).textContent).toContain(
      'Online-Kurs Basis – Edition 2024',
    );
    await expectAccessible();
    first.unmount();

    paypal.setMode('normal');
    clock.advance(3_600_000);
    await server.runtime.worker.runOnce();
    await renderUi(null, {
      server: { baseUrl: server.baseUrl, fetch: server.fetch },
      routes,
      path: `/notifications/${id}`,
      language: 'it',
    });
    const held = await screen.findByRole('region', { name: 'Esito' });
    await waitFor(() => expect(held.textContent).toContain('Trattenuta per revisione'));
    expect(held.textContent).toContain('Cosa fare: controlla il pagamento presso il fornitore');
    expect(held.textContent).toContain('Prezzo inatteso');
    expect(held.textContent).toContain('AMOUNT_MISMATCH');
    expect(held.textContent).toContain('expected 19.99 EUR');
    expect(held.textContent).toContain('postback VERIFIED');
    expect(within(held).queryByRole('heading', { name: 'Verifica con PayPal' })).toBeNull();
    await expectAccessible();
  });
});
