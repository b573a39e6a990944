// @vitest-environment jsdom
/**
 * The overview against a real ipnhub over HTTP: an empty installation, then one with accepted,
 * test and rejected notifications and a connection whose target answers 503 — what needs
 * attention, the queue, the chart with its table, events by type, and the links that hand
 * their filters to the lists in the router's state.
 */
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useLocation } from 'react-router';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ds24Request } from '../../../../test/helpers/ds24.js';
import { startWebhookSink } from '../../../../test/fakes/webhook-sink.js';
import type { WebhookSink } from '../../../../test/fakes/webhook-sink.js';
import { expectAccessible } from '../../test-support/axe.js';
import { startTestServer } from '../../test-support/ipnhub-server.js';
import type { TestServer } from '../../test-support/ipnhub-server.js';
import { renderUi } from '../../test-support/render.js';
import { DeliveriesPage } from '../deliveries/deliveries-page.js';
import { NotificationsPage } from '../notifications/notifications-page.js';
import { OverviewPage } from './overview-page.js';

const PASSPHRASE = 'overview-page-passphrase';

/** Stands in for the list pages: shows the filters a link handed over (`state.filters`, the lists' contract). */
function ListProbe({ list }: { list: 'notifications' | 'deliveries' }) {
  const { state } = useLocation();
  const filters: unknown =
    typeof state === 'object' && state !== null
      ? (state as { filters?: unknown }).filters
      : undefined;
  return <output aria-label={`${list} filters`}>{JSON.stringify(filters ?? null)}</output>;
}

const routes = [
  { path: '/', element: <OverviewPage timeZone="Europe/Berlin" /> },
  { path: '/notifications', element: <ListProbe list="notifications" /> },
  { path: '/deliveries', element: <ListProbe list="deliveries" /> },
  { path: '/deliveries/:id', element: <p>delivery page</p> },
  { path: '/connections/:id', element: <p>connection page</p> },
  { path: '/sources/:id', element: <p>source page</p> },
];

describe('Overview page', () => {
  let server: TestServer;
  let sink: WebhookSink;
  beforeAll(async () => {
    server = await startTestServer();
    sink = await startWebhookSink();
  });
  afterAll(async () => {
    await server.close();
    await sink.close();
  });
  const render = (language: 'en' | 'de' | 'he' = 'en') =>
    renderUi(null, {
      server: { baseUrl: server.baseUrl, fetch: server.fetch },
      routes,
      path: '/',
      language,
    });

  it('says that nothing needs attention and nothing arrived on a new installation', async () => {
    await render();
    expect(await screen.findByText(/^Nothing needs attention/)).toBeTruthy();
    expect(screen.getByText('No notification arrived in this period.')).toBeTruthy();
    expect(screen.getByText('No event in this period.')).toBeTruthy();
    expect(document.title).toBe('Overview · ipnhub');
    await expectAccessible();
  });

  describe('with traffic', () => {
    let sourceId: string;
    let connectionId: string;
    beforeAll(async () => {
      const runtime = server.runtime;
      sourceId = (
        await runtime.sources.create({
          provider: 'digistore24',
          name: 'Shop DE',
          config: { passphrase: PASSPHRASE },
        })
      ).id;
      connectionId = (
        await runtime.connections.create({
          connector: 'webhook',
          name: 'Billing hook',
          config: { url: `${sink.url}/hook` },
        })
      ).connection.id;
      await runtime.ingest.receive(
        sourceId,
        ds24Request(sourceId, PASSPHRASE, 'on_payment', { orderId: 'OV1', transactionId: '1' }),
      );
      await runtime.ingest.receive(
        sourceId,
        ds24Request(sourceId, PASSPHRASE, 'on_payment', { orderId: 'OV2', transactionId: '2' }),
      );
      await runtime.ingest.receive(
        sourceId,
        ds24Request(sourceId, 'a-wrong-passphrase', 'on_payment', { orderId: 'OV3' }),
      );
      // The target is down: both deliveries wait for a retry after their first attempt.
      sink.respondWith({ status: 503 }, { status: 503 });
      await runtime.worker.runOnce();
      await sink.waitForRequests(2);
    });

    it('lists the failing connection and the rejecting source, each linking to the records behind it', async () => {
      const user = userEvent.setup();
      const { router } = await render();
      const attention = await screen.findByRole('region', { name: 'Needs attention' });
      expect(
        within(attention).getByRole('link', { name: 'Billing hook' }).getAttribute('href'),
      ).toBe(`/connections/${connectionId}`);
      expect(within(attention).getByRole('link', { name: 'Shop DE' }).getAttribute('href')).toBe(
        `/sources/${sourceId}`,
      );
      expect(attention.textContent).toContain('Signature does not match');
      expect(attention.textContent).toContain('SIGNATURE_INVALID');
      expect(attention.textContent).toContain('HTTP 503');
      await expectAccessible();

      await user.click(
        within(attention).getByRole('link', { name: '2 deliveries waiting for a retry' }),
      );
      expect(router.state.location.pathname).toBe('/deliveries');
      expect(JSON.parse(screen.getByLabelText('deliveries filters').textContent ?? '')).toEqual({
        connectionId,
        status: 'pending',
      });
      // Filters travel in the router's state, not in the address.
      expect(router.state.location.search).toBe('');

      await router.navigate('/');
      await user.click(await screen.findByRole('link', { name: '1 notification rejected' }));
      const filters = JSON.parse(
        screen.getByLabelText('notifications filters').textContent ?? '',
      ) as Record<string, string>;
      expect(filters).toMatchObject({ sourceId, verdict: 'rejected' });
      // From the first day's midnight in the viewer's zone: 29 days before today.
      expect(new Date(filters.from ?? '').getTime()).toBeLessThan(Date.now() - 29 * 86_400_000);
    });

    it('opens the real notification and delivery logs with the filters its links hand over', async () => {
      const user = userEvent.setup();
      const listRoutes = [
        { path: '/', element: <OverviewPage timeZone="Europe/Berlin" /> },
        { path: '/notifications', element: <NotificationsPage /> },
        { path: '/deliveries', element: <DeliveriesPage /> },
      ];
      const { router } = await renderUi(null, {
        server: { baseUrl: server.baseUrl, fetch: server.fetch },
        routes: listRoutes,
        path: '/',
        language: 'en',
      });
      await user.click(await screen.findByRole('link', { name: '1 notification rejected' }));
      const notificationFilters = await screen.findByRole('search', {
        name: 'Filter notifications',
      });
      expect(
        (within(notificationFilters).getByLabelText('Verdict') as HTMLSelectElement).value,
      ).toBe('rejected');
      expect(
        (within(notificationFilters).getByLabelText('Source') as HTMLSelectElement).value,
      ).toBe(sourceId);
      const logRows = (): HTMLElement[] => screen.queryAllByRole('row').slice(1);
      await waitFor(() =>
        expect(logRows().map((row) => within(row).getAllByRole('cell')[2]?.textContent)).toEqual([
          'RejectedSignature does not match',
        ]),
      );

      await router.navigate('/');
      await user.click(
        await screen.findByRole('link', { name: '2 deliveries waiting for a retry' }),
      );
      const deliveryFilters = await screen.findByRole('search', { name: 'Filter deliveries' });
      await waitFor(() =>
        expect(
          (within(deliveryFilters).getByLabelText('Connection') as HTMLSelectElement).value,
        ).toBe(connectionId),
      );
      expect((within(deliveryFilters).getByLabelText('Status') as HTMLSelectElement).value).toBe(
        'pending',
      );
      await waitFor(() => expect(logRows()).toHaveLength(2));
    });

    it('shows the queue and the deliveries by outcome', async () => {
      const user = userEvent.setup();
      const { router } = await render();
      const deliveries = await screen.findByRole('region', { name: 'Deliveries' });
      expect(within(deliveries).getByRole('link', { name: '2 deliveries' })).toBeTruthy();
      const oldest = await server.runtime.dbHandle.db
        .selectFrom('deliveries')
        .select('id')
        .orderBy('created_at')
        .orderBy('id')
        .executeTakeFirstOrThrow();
      const oldestLink = within(deliveries)
        .getAllByRole('link')
        .find((link) => link.getAttribute('href') === `/deliveries/${oldest.id}`);
      expect(oldestLink?.querySelector('time')).toBeTruthy();
      await user.click(within(deliveries).getByRole('link', { name: 'Pending 2' }));
      expect(JSON.parse(screen.getByLabelText('deliveries filters').textContent ?? '')).toEqual({
        status: 'pending',
      });
      expect(router.state.location.pathname).toBe('/deliveries');
    });

    it('draws notifications per day by verdict, with a summary, a legend and a table of every day', async () => {
      const user = userEvent.setup();
      const { router } = await render();
      const chart = await screen.findByRole('img', { name: 'Notifications per day' });
      expect(chart.tagName.toLowerCase()).toBe('svg');
      expect(
        screen.getByRole('img', {
          description: /^3 notifications in this period: Accepted: 2 and Rejected: 1\./,
        }),
      ).toBe(chart);
      // Today's column, the last of 30, holds both verdicts' bars.
      const days = chart.querySelectorAll('.chart-day');
      expect(days).toHaveLength(30);
      expect(
        [...(days[29]?.querySelectorAll('rect[class^="series-"]') ?? [])].map((rect) =>
          rect.getAttribute('class'),
        ),
      ).toEqual(['series-accepted', 'series-rejected']);
      expect(days[29]?.querySelector('title')?.textContent).toMatch(
        /: Accepted: 2 and Rejected: 1$/,
      );
      const legend = screen.getByRole('list', { name: 'Verdicts' });
      expect(
        within(legend)
          .getAllByRole('link')
          .map((link) => link.textContent),
      ).toEqual(['Accepted: 2', 'Rejected: 1']);

      await user.click(screen.getByText('Show the numbers per day'));
      const table = screen.getByRole('table', { name: 'Notifications per day' });
      const rows = within(table).getAllByRole('row');
      expect(rows).toHaveLength(31);
      expect(
        within(rows[0] as HTMLElement)
          .getAllByRole('columnheader')
          .map((cell) => cell.textContent),
      ).toEqual(['Day', 'Accepted', 'Rejected', 'Total']);
      // Newest first: today.
      expect(
        within(rows[1] as HTMLElement)
          .getAllByRole('cell')
          .slice(1)
          .map((cell) => cell.textContent),
      ).toEqual(['2', '1', '3']);
      await expectAccessible();

      await user.click(within(rows[1] as HTMLElement).getByRole('link'));
      const filters = JSON.parse(
        screen.getByLabelText('notifications filters').textContent ?? '',
      ) as Record<string, string>;
      expect(Object.keys(filters).sort()).toEqual(['from', 'to']);
      expect(new Date(filters.from ?? '').getTime()).toBeLessThanOrEqual(Date.now());
      expect(new Date(filters.to ?? '').getTime()).toBeGreaterThan(Date.now());
      expect(router.state.location.pathname).toBe('/notifications');
    });

    it('counts events by type', async () => {
      await render();
      const table = await screen.findByRole('table', { name: 'Events by type' });
      expect(
        within(table)
          .getAllByRole('row')
          .slice(1)
          .map((row) =>
            [...row.querySelectorAll('td')].slice(0, 2).map((cell) => cell.textContent),
          ),
      ).toEqual([['Payment', '2']]);
    });

    it('speaks Hebrew and draws time from right to left', async () => {
      await render('he');
      const chart = await screen.findByRole('img', { name: 'הודעות ליום' });
      expect(screen.getByRole('link', { name: '2 מסירות ממתינות לניסיון נוסף' })).toBeTruthy();
      expect(screen.getByRole('link', { name: 'הודעה אחת נדחתה' })).toBeTruthy();
      const days = [...chart.querySelectorAll('.chart-day .chart-hit')].map((rect) =>
        Number(rect.getAttribute('x')),
      );
      // The oldest day stands rightmost, today leftmost.
      expect(days[0]).toBeGreaterThan(days[29] ?? Number.POSITIVE_INFINITY);
      expect(screen.getByRole('table', { name: 'אירועים לפי סוג' }).textContent).toContain('תשלום');
      await expectAccessible();
    });
  });
});
