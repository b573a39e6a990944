// @vitest-environment jsdom
/**
 * Customers & access against a real ipnhub over HTTP, with a buyer who holds a paid course, a
 * subscription whose second payment was missed and a course refunded in part: the access
 * check, the search, the customer's access per product and an order's timeline.
 */
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ds24Request } from '../../../../test/helpers/ds24.js';
import { expectAccessible } from '../../test-support/axe.js';
import { startTestServer } from '../../test-support/ipnhub-server.js';
import type { TestServer } from '../../test-support/ipnhub-server.js';
import { renderUi } from '../../test-support/render.js';
import { CustomerPage } from './customer-page.js';
import { CustomersPage } from './customers-page.js';
import { OrderPage } from './order-page.js';

const PASSPHRASE = 'customers-page-passphrase';
const EMAIL = 'anna.beispiel@example.com';

const routes = [
  { path: '/customers', element: <CustomersPage /> },
  { path: '/customers/:id', element: <CustomerPage /> },
  { path: '/customers/orders/:id', element: <OrderPage /> },
  { path: '/sources/:id', element: <p>source page</p> },
];

describe('Customers & access pages', () => {
  let server: TestServer;
  let customerId: string;
  const orderIds = new Map<string, string>();

  beforeAll(async () => {
    server = await startTestServer();
    const runtime = server.runtime;
    const sourceId = (
      await runtime.sources.create({
        provider: 'digistore24',
        name: 'Shop',
        config: { passphrase: PASSPHRASE },
      })
    ).id;
    const receive = async (event: string, overrides: Parameters<typeof ds24Request>[3]) => {
      const result = await runtime.ingest.receive(
        sourceId,
        ds24Request(sourceId, PASSPHRASE, event, overrides),
      );
      if (result.outcome.kind !== 'accepted')
        throw new Error(`${event}: ${JSON.stringify(result.outcome)}`);
    };
    // A course paid once (access without an end date).
    await receive('on_payment', { orderId: 'COURSE1', productId: '100', transactionId: '5001' });
    // A subscription: first payment, then the second one missed (access suspended).
    await receive('on_payment', {
      orderId: 'SUBSCR1',
      productId: '200',
      billingType: 'subscription',
      paySequenceNo: 1,
      transactionId: '6001',
    });
    await receive('on_payment_missed', {
      orderId: 'SUBSCR1',
      productId: '200',
      billingType: 'subscription',
      paySequenceNo: 2,
    });
    // Another course: 97.00 paid, 20.00 of it refunded (access stays).
    await receive('on_payment', { orderId: 'PARTIAL1', productId: '400', transactionId: '8001' });
    await receive('on_refund', {
      orderId: 'PARTIAL1',
      productId: '400',
      transactionId: '8002',
      amount: '20.00',
    });
    const db = runtime.dbHandle.db;
    customerId = (await db.selectFrom('customers').select('id').executeTakeFirstOrThrow()).id;
    for (const order of await db.selectFrom('orders').select(['id', 'external_id']).execute())
      orderIds.set(order.external_id, order.id);
  });
  afterAll(() => server.close());

  const render = (path: string, language: 'en' | 'de' | 'he' = 'en') =>
    renderUi(null, {
      server: { baseUrl: server.baseUrl, fetch: server.fetch },
      routes,
      path,
      language,
    });

  it('answers "does this buyer have access to this product?" in one sentence, with the orders behind it', async () => {
    const user = userEvent.setup();
    const { router } = await render('/customers');
    const check = await screen.findByRole('region', { name: 'Check access' });
    await user.click(within(check).getByRole('button', { name: 'Check access' }));
    // Nothing is asked while a field is empty; focus goes to the first.
    expect(document.activeElement).toBe(within(check).getByLabelText(/^Buyer's e-mail address/));
    expect(within(check).getAllByText('Please fill in this field.')).toHaveLength(2);
    await expectAccessible();

    await user.type(
      within(check).getByLabelText(/^Buyer's e-mail address/),
      ' Anna.Beispiel@EXAMPLE.com ',
    );
    await user.type(within(check).getByLabelText(/^Product ID/), '100');
    await user.click(within(check).getByRole('button', { name: 'Check access' }));
    expect((await within(check).findByText(/has access to/)).closest('p')?.textContent).toBe(
      `Yes. ${EMAIL} has access to Online Course Basic (100).`,
    );
    expect(check.textContent).toContain('One-time payment, no end date.');
    const grants = within(check).getByRole('table', { name: 'Orders behind the answer' });
    expect(within(grants).getAllByRole('row')[1]?.textContent).toContain('Paid');
    await expectAccessible();

    await user.clear(within(check).getByLabelText(/^Product ID/));
    await user.type(within(check).getByLabelText(/^Product ID/), '200');
    await user.click(within(check).getByRole('button', { name: 'Check access' }));
    expect((await within(check).findByText(/is suspended/)).closest('p')?.textContent).toBe(
      `No. Access of ${EMAIL} to Premium Membership (monthly) (200) is suspended: a payment was missed.`,
    );

    await user.clear(within(check).getByLabelText(/^Product ID/));
    await user.type(within(check).getByLabelText(/^Product ID/), '999');
    await user.click(within(check).getByRole('button', { name: 'Check access' }));
    expect((await within(check).findByText(/No purchase/)).closest('p')?.textContent).toBe(
      `No. No purchase of 999 by ${EMAIL} is recorded.`,
    );
    expect(within(check).queryByRole('table')).toBeNull();

    await user.clear(within(check).getByLabelText(/^Product ID/));
    await user.type(within(check).getByLabelText(/^Product ID/), '100');
    await user.click(within(check).getByRole('button', { name: 'Check access' }));
    await user.click(await within(check).findByRole('link', { name: 'COURSE1' }));
    expect(router.state.location.pathname).toBe(`/customers/orders/${orderIds.get('COURSE1')}`);
    await screen.findByRole('heading', { level: 1, name: 'Order COURSE1' });
  });

  it('refuses an e-mail address that is none before asking the server', async () => {
    const user = userEvent.setup();
    await render('/customers');
    const check = await screen.findByRole('region', { name: 'Check access' });
    await user.type(within(check).getByLabelText(/^Buyer's e-mail address/), 'anna');
    await user.type(within(check).getByLabelText(/^Product ID/), '100');
    await user.click(within(check).getByRole('button', { name: 'Check access' }));
    expect(within(check).getByText('Enter an e-mail address, like name@example.com.')).toBeTruthy();
    expect(within(check).queryByText(/^Yes\.|^No\./)).toBeNull();
  });

  it('lists the newest customers and finds a buyer and the order by an order id', async () => {
    const user = userEvent.setup();
    const { router } = await render('/customers');
    const newest = await screen.findByRole('table', { name: 'Newest customers' });
    expect(within(newest).getByRole('link', { name: EMAIL }).getAttribute('href')).toBe(
      `/customers/${customerId}`,
    );
    const search = screen.getByRole('search', { name: 'Find a customer or order' });
    await user.type(
      within(search).getByLabelText(/^E-mail address, order ID or transaction ID/),
      'PARTIAL1{Enter}',
    );
    const customers = await screen.findByRole('table', { name: 'Customers found' });
    expect(within(customers).getByRole('link', { name: EMAIL })).toBeTruthy();
    const orders = await screen.findByRole('table', { name: 'Orders found' });
    expect(
      within(orders)
        .getAllByRole('row')
        .slice(1)
        .map((row) => row.textContent),
    ).toEqual([expect.stringContaining('Partially refunded')]);
    // The search stays out of the address.
    expect(router.state.location.search).toBe('');
    await expectAccessible();

    await user.clear(within(search).getByLabelText(/^E-mail address/));
    await user.type(within(search).getByLabelText(/^E-mail address/), 'NOPE{Enter}');
    expect(await screen.findByText('No customer matches this search.')).toBeTruthy();
    expect(await screen.findByText('No order matches this search.')).toBeTruthy();
    await user.click(within(search).getByRole('button', { name: 'Reset' }));
    expect(await screen.findByRole('table', { name: 'Newest customers' })).toBeTruthy();
  });

  it('shows a buyer’s access per product at a glance, with the orders that grant it', async () => {
    await render(`/customers/${customerId}`);
    await screen.findByRole('heading', { level: 1, name: EMAIL });
    expect(screen.getByText('Access to 2 of 3 products.')).toBeTruthy();
    const table = screen.getByRole('table', { name: 'Access per product' });
    const rows = within(table)
      .getAllByRole('row')
      .slice(1)
      .map((row) => [...row.querySelectorAll('td')].map((cell) => cell.textContent));
    expect(rows).toEqual([
      ['Online Course Basic (100)', 'Active', 'One-time payment, no end date.', 'COURSE1'],
      ['Online Course Basic (400)', 'Active', 'One-time payment, no end date.', 'PARTIAL1'],
      ['Premium Membership (monthly) (200)', 'Suspended', 'A payment was missed.', 'SUBSCR1'],
    ]);
    expect(within(table).getByRole('link', { name: 'SUBSCR1' }).getAttribute('href')).toBe(
      `/customers/orders/${orderIds.get('SUBSCR1')}`,
    );
    expect(screen.getByRole('table', { name: 'Orders' }).textContent).toContain('Subscription');
    expect(screen.getByRole('region', { name: 'Contact details' }).textContent).toContain(
      'Musterstraße 5',
    );
    await expectAccessible();
  });

  it('shows a partially refunded order with its amounts and a timeline that says what each refund did', async () => {
    await render(`/customers/orders/${orderIds.get('PARTIAL1')}`);
    await screen.findByRole('heading', { level: 1, name: 'Order PARTIAL1' });
    const facts = screen.getByRole('region', { name: 'Order' });
    expect(facts.textContent).toContain('Partially refunded');
    expect(facts.textContent).toContain('€97.00');
    expect(facts.textContent).toContain('€20.00');
    const timeline = within(screen.getByRole('region', { name: 'Timeline' }))
      .getAllByRole('listitem')
      .map((item) => item.textContent);
    expect(timeline).toEqual([
      expect.stringMatching(/Payment.*€97\.00 paid\. €20\.00 of it refunded later\.$/),
      expect.stringMatching(
        /Refund.*€20\.00 of €97\.00 refunded \(€20\.00 so far\): a partial refund, access stays\.$/,
      ),
    ]);
    expect(screen.getByRole('table', { name: 'Access per product' }).textContent).toContain(
      'Active',
    );
    expect(screen.getByRole('link', { name: `All of ${EMAIL}` }).getAttribute('href')).toBe(
      `/customers/${customerId}`,
    );
    expect((await within(facts).findByRole('link', { name: 'Shop' })).getAttribute('href')).toMatch(
      /^\/sources\/src_/,
    );
    await expectAccessible();
  });

  it('shows a subscription with its missed payment in German', async () => {
    await render(`/customers/orders/${orderIds.get('SUBSCR1')}`, 'de');
    await screen.findByRole('heading', { level: 1, name: 'Bestellung SUBSCR1' });
    expect(screen.getByRole('region', { name: 'Abo' }).textContent).toContain('Pausiert');
    const timeline = within(screen.getByRole('region', { name: 'Verlauf' }))
      .getAllByRole('listitem')
      .map((item) => item.textContent);
    expect(timeline).toEqual([
      expect.stringMatching(/Zahlung.*29,00\s€ bezahlt\.$/),
      expect.stringContaining('Zahlung ausgeblieben'),
    ]);
    await expectAccessible();
  });

  it('explains an order that does not exist', async () => {
    await render('/customers/orders/ord_missing', 'he');
    expect((await screen.findByRole('alert')).textContent).toContain('NOT_FOUND');
  });

  it('deletes a buyer’s personal data after a confirmation in Hebrew, and the page shows the anonymised record', async () => {
    const user = userEvent.setup();
    const runtime = server.runtime;
    const source = await runtime.sources.create({
      provider: 'digistore24',
      name: 'Other shop',
      config: { passphrase: PASSPHRASE },
    });
    const other = 'ruth.erased@example.com';
    const result = await runtime.ingest.receive(
      source.id,
      ds24Request(source.id, PASSPHRASE, 'on_payment', { email: other, orderId: 'ERASE1' }),
    );
    expect(result.outcome.kind).toBe('accepted');
    const id = (
      await runtime.dbHandle.db
        .selectFrom('customers')
        .select('id')
        .where('email', '=', other)
        .executeTakeFirstOrThrow()
    ).id;
    await render(`/customers/${id}`, 'he');
    await screen.findByRole('heading', { level: 1, name: other });
    await user.click(screen.getByRole('button', { name: 'מחיקת מידע אישי' }));
    const dialog = within(
      screen.getByRole('alertdialog', { name: `למחוק את המידע האישי של ${other}?` }),
    );
    await expectAccessible();
    await user.click(dialog.getByRole('button', { name: 'מחיקת מידע אישי' }));
    await screen.findByRole('heading', { level: 1, name: `erased:${id}` });
    const erasures = await runtime.dbHandle.db.selectFrom('erasures').selectAll().execute();
    expect(erasures.map((e) => [e.customer_id, e.actor])).toEqual([[id, 'api:token']]);
  });
});
