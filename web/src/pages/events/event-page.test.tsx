// @vitest-environment jsdom
/**
 * An event's page against a real ipnhub over HTTP: what happened, for whom, what it changed in
 * the ledger, where it went, and where it came from.
 */
import { screen, within } from '@testing-library/react';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LanguageCode } from '../../i18n/languages.js';
import { expectAccessible } from '../../test-support/axe.js';
import { startTestServer } from '../../test-support/ipnhub-server.js';
import type { TestServer } from '../../test-support/ipnhub-server.js';
import { addDigistoreSource, postDigistore } from '../../test-support/log-fixtures.js';
import { renderUi } from '../../test-support/render.js';
import { EventPage } from './event-page.js';

const routes = [{ path: '/events/:id', element: <EventPage /> }];

describe('Event page', () => {
  let server: TestServer;
  let sourceId: string;
  let connectionId: string;

  beforeAll(async () => {
    server = await startTestServer();
    sourceId = await addDigistoreSource(server);
    connectionId = (
      await server.runtime.connections.create({
        connector: 'webhook',
        name: 'CRM',
        config: { url: 'https://crm.example.com/hook' },
      })
    ).connection.id;
    await postDigistore(server, sourceId, 'on_payment', {
      orderId: 'ORDER-E1',
      email: 'anna@example.com',
      amount: '119.00',
    });
    await postDigistore(server, sourceId, 'on_refund', {
      orderId: 'ORDER-E1',
      email: 'anna@example.com',
      amount: '119.00',
    });
  });
  afterAll(() => server.close());

  async function eventOf(type: string): Promise<{ id: string; inbound_request_id: string }> {
    return server.runtime.dbHandle.db
      .selectFrom('events')
      .select(['id', 'inbound_request_id'])
      .where('type', '=', type)
      .executeTakeFirstOrThrow();
  }

  const render = (path: string, language: LanguageCode = 'en') =>
    renderUi(null, {
      server: { baseUrl: server.baseUrl, fetch: server.fetch },
      routes,
      path,
      language,
    });

  it('shows a payment: order, products, buyer, its effect on the order and access, its deliveries and its notification', async () => {
    const payment = await eventOf('payment');
    await render(`/events/${payment.id}`);
    await screen.findByRole('heading', { level: 1, name: 'Payment' });
    const summary = screen.getByRole('region', { name: 'Summary' });
    expect(summary.textContent).toContain('ORDER-E1');
    expect(summary.textContent).toContain('€119.00');
    expect(summary.textContent).toContain('Anna Beispiel · anna@example.com');
    expect(
      within(summary)
        .getByRole('link', { name: 'Show the notification it came from' })
        .getAttribute('href'),
    ).toBe(`/notifications/${payment.inbound_request_id}`);
    // The source is named once the sources are read.
    expect(
      (await within(summary).findByRole('link', { name: 'Shop DE' })).getAttribute('href'),
    ).toBe(`/sources/${sourceId}`);

    const order = screen.getByRole('region', { name: 'Order' });
    expect(order.textContent).toContain('Single payment');
    const items = within(order).getByRole('table', { name: 'Products of the order' });
    expect(within(items).getAllByRole('row')[1]?.textContent).toBe(
      '543210Online Course BasicMain product1€119.00',
    );
    expect(
      within(order).getByRole('link', { name: 'Open the invoice' }).getAttribute('href'),
    ).toMatch(/^https:\/\/www\.digistore24\.com\/invoice\/ORDER-E1\//);
    expect(screen.getByRole('region', { name: 'Buyer' }).textContent).toContain('Berlin');

    // The refund since then: the order is refunded now, and its access revoked.
    const ledger = screen.getByRole('region', { name: 'Effect on orders and access' });
    expect(ledger.textContent).toContain('ORDER-E1 · refunded');
    const ledgerOrder = await server.runtime.dbHandle.db
      .selectFrom('orders')
      .select('id')
      .where('external_id', '=', 'ORDER-E1')
      .executeTakeFirstOrThrow();
    expect(within(ledger).getByRole('link', { name: 'ORDER-E1' }).getAttribute('href')).toBe(
      `/customers/orders/${ledgerOrder.id}`,
    );
    expect(ledger.textContent).toContain('Payment · €119.00');
    const access = await within(ledger).findByRole('table', {
      name: 'Access from this order, as it is now',
    });
    expect(within(access).getAllByRole('row')[1]?.textContent).toContain('Revoked');

    const deliveries = screen.getByRole('table', { name: 'Where this event was sent' });
    expect(within(deliveries).getByRole('link', { name: 'CRM' }).getAttribute('href')).toBe(
      `/connections/${connectionId}`,
    );
    expect(within(deliveries).getAllByRole('row')[1]?.textContent).toContain('Pending');
    await expectAccessible();
  });

  it('shows a refund in full, in Hebrew', async () => {
    const refund = await eventOf('refund');
    await render(`/events/${refund.id}`, 'he');
    await screen.findByRole('heading', { level: 1, name: 'החזר כספי' });
    const section = screen.getByRole('region', { name: 'החזר' });
    expect(section.textContent).toContain('התשלום הוחזר במלואו.');
    expect(
      screen.getByRole('region', { name: 'השפעה על הזמנות והרשאות גישה' }).textContent,
    ).toContain('הוחזרה');
    await expectAccessible();
  });

  it('says when there is no such event', async () => {
    await render('/events/evt_missing');
    expect((await screen.findByRole('alert')).textContent).toContain('NOT_FOUND');
  });
});
