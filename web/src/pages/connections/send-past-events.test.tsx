// @vitest-environment jsdom
/**
 * "Send past events" on a connection's page against a real ipnhub: the days, sources and
 * types chosen, the dry-run count, then the deliveries created once and marked in the list;
 * a switched-off connection cannot start one.
 */
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startWebhookSink } from '../../../../test/fakes/webhook-sink.js';
import type { WebhookSink } from '../../../../test/fakes/webhook-sink.js';
import { ds24Request } from '../../../../test/helpers/ds24.js';
import { expectAccessible } from '../../test-support/axe.js';
import { startTestServer } from '../../test-support/ipnhub-server.js';
import type { TestServer } from '../../test-support/ipnhub-server.js';
import { fill } from '../../test-support/fill.js';
import {
  clearConnections,
  PASSPHRASE,
  renderConnections,
} from '../../test-support/connection-pages.js';

/** Today in the browser's time zone, as a date field holds it. */
function today(): string {
  const now = new Date();
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

describe('Send past events', () => {
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

  it('counts the past events the filters take, then sends each once, marked as a past event', async () => {
    const user = userEvent.setup({ delay: null });
    const source = await server.runtime.sources.create({
      provider: 'digistore24',
      name: 'Shop',
      config: { passphrase: PASSPHRASE },
    });
    // Received before the connection existed.
    for (const [event, transactionId] of [
      ['on_payment', '1'],
      ['on_refund', '2'],
    ] as const)
      await server.runtime.ingest.receive(
        source.id,
        ds24Request(source.id, PASSPHRASE, event, { orderId: 'PAST-1', transactionId }),
      );
    const { connection } = await server.runtime.connections.create({
      connector: 'webhook',
      name: 'Late',
      config: { url: `${sink.url}/in` },
    });

    await renderConnections(server, `/connections/${connection.id}`);
    const section = await screen.findByRole('region', { name: 'Send past events' });
    const count = within(section).getByRole('button', { name: 'Count matching events' });
    expect((count as HTMLButtonElement).disabled).toBe(true);
    await fill(user, within(section).getByLabelText(/^From/), today());
    await fill(user, within(section).getByLabelText(/^To/), today());
    const types = within(section).getByRole('group', { name: 'Event types' });
    await user.click(within(types).getByRole('checkbox', { name: 'Payment' }));
    await user.click(count);
    expect(
      await within(section).findByText(
        "1 past event matches the connection's filters (0 of them already sent to it): 1 to send.",
      ),
    ).toBeTruthy();
    // Every type: the refund too.
    await user.click(within(types).getByRole('checkbox', { name: 'Payment' }));
    await user.click(count);
    expect(
      await within(section).findByText(
        "2 past events match the connection's filters (0 of them already sent to it): 2 to send.",
      ),
    ).toBeTruthy();
    await expectAccessible();
    expect(
      await server.runtime.dbHandle.db.selectFrom('deliveries').select('id').execute(),
    ).toEqual([]);
    await user.click(within(section).getByRole('button', { name: 'Send 2 past events' }));
    expect(
      await within(section).findByText(/^2 past events are queued for this connection\./),
    ).toBeTruthy();
    const rows = await server.runtime.dbHandle.db
      .selectFrom('deliveries')
      .select(['origin', 'connection_id'])
      .execute();
    expect(rows).toEqual([
      { origin: 'backfill', connection_id: connection.id },
      { origin: 'backfill', connection_id: connection.id },
    ]);
    // The recent deliveries mark them.
    const recent = screen.getByRole('region', { name: 'Recent deliveries' });
    expect(await within(recent).findAllByText('Past event')).toHaveLength(2);

    // Counted again: both already sent, nothing to start.
    await user.click(count);
    expect(
      await within(section).findByText(
        "2 past events match the connection's filters (2 of them already sent to it): 0 to send.",
      ),
    ).toBeTruthy();
    expect(within(section).queryByRole('button', { name: /^Send / })).toBeNull();
  });

  it('says a switched-off connection must be switched on first', async () => {
    const { connection } = await server.runtime.connections.create({
      connector: 'webhook',
      name: 'Paused',
      active: false,
      config: { url: `${sink.url}/in` },
    });
    const user = userEvent.setup({ delay: null });
    await renderConnections(server, `/connections/${connection.id}`, 'de');
    const section = await screen.findByRole('region', { name: 'Vergangene Ereignisse senden' });
    expect(section.textContent).toContain('Die Verbindung ist ausgeschaltet.');
    await fill(user, within(section).getByLabelText(/^Von/), today());
    expect(
      (
        within(section).getByRole('button', {
          name: 'Passende Ereignisse zählen',
        }) as HTMLButtonElement
      ).disabled,
    ).toBe(true);
  });
});
