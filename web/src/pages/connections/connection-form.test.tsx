// @vitest-environment jsdom
/**
 * The connection form against a real ipnhub: editing a saved connection (its stored secret
 * only "set", replaceable; filters; the live preview of unsaved changes), refusals of the
 * server shown at the fields they name, and a CRM connection's per-event actions (partial
 * refunds included) with the preview of a sample and of a recorded event.
 */
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
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

/** The field (label, control, help and problem) whose control is `control`. */
function fieldOf(control: HTMLElement): HTMLElement {
  const field = control.closest<HTMLElement>('.field');
  if (!field) throw new Error('no field around the control');
  return field;
}

describe('Connection form', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());
  beforeEach(() => clearConnections(server));

  it('edits a webhook connection: the stored secret stays unless replaced, the preview follows unsaved changes, refusals are shown at their fields', async () => {
    const user = userEvent.setup();
    const { connection } = await server.runtime.connections.create({
      connector: 'webhook',
      name: 'Billing',
      config: { url: 'https://hooks.example.com/in', mapping: { id: 'order.id' } },
      filters: { eventTypes: ['payment'] },
    });
    const storedSecret =
      (
        (await server.runtime.connections.loadForDelivery(connection.id))?.config as
          | { secret?: string }
          | undefined
      )?.secret ?? '';
    expect(storedSecret).toMatch(/^whsec_/);
    const { router } = await renderConnections(server, `/connections/${connection.id}/edit`);
    await screen.findByRole('heading', { level: 1, name: 'Edit Billing' });

    // The secret is never shown: only that one is stored, with Replace.
    const secret = screen.getByRole('group', { name: 'Signing secret' });
    expect(secret.textContent).toContain('A value is stored (not shown).');
    expect(document.body.textContent).not.toContain(storedSecret);
    expect(within(secret).getByRole('button', { name: 'Replace Signing secret' })).toBeTruthy();

    // The preview renders the saved mapping for a sample payment …
    const preview = screen.getByRole('region', { name: 'Preview' });
    const idRow = await within(preview).findByRole('row', {
      name: /^Field mapping › id order\.id/,
    });
    expect(idRow.textContent).not.toContain('(empty)');
    // The body as it would be sent: a named region that scrolls, so it takes keyboard focus.
    const output = within(preview).getByRole('region', { name: 'What would be sent' });
    expect(output.getAttribute('tabindex')).toBe('0');
    expect(output.textContent).toContain('"id":');
    // … and a mapping entry typed now, before anything is saved, with its mistake.
    await user.click(screen.getByRole('button', { name: 'Add an entry to Field mapping' }));
    await user.type(screen.getByRole('textbox', { name: /^Name of entry 2/ }), 'mail');
    await fill(user, screen.getByRole('textbox', { name: /^Value of mail/ }), '{buyer.emial}');
    const problems = await within(preview).findByText(
      'These settings would not be saved as they are:',
    );
    await waitFor(() =>
      expect(problems.closest('.notice')?.textContent).toContain('Field mapping › mail'),
    );
    expect(problems.closest('.notice')?.textContent).toContain('did you mean "buyer.email"');

    // Saved anyway: the server refuses it, and says so at the entry.
    await user.click(screen.getByRole('button', { name: 'Save' }));
    const mailValue = screen.getByRole('textbox', { name: /^Value of mail/ });
    await waitFor(() =>
      expect(fieldOf(mailValue).textContent).toContain(
        'Not accepted: "{buyer.emial}": the event has no "buyer.emial"',
      ),
    );
    expect(
      screen.getByRole('list', { name: 'Fields the server did not accept' }).textContent,
    ).toContain('Field mapping › mail');
    expect(mailValue.getAttribute('aria-invalid')).toBe('true');
    expect(document.activeElement).toBe(mailValue);
    await expectAccessible();
    expect((await server.runtime.connections.get(connection.id))?.config).toEqual({
      url: 'https://hooks.example.com/in',
      mapping: { id: 'order.id' },
      preset: 'standard',
    });

    // A secret that is no signing secret: refused at the secret's field.
    await user.clear(mailValue);
    await fill(user, mailValue, 'buyer.email');
    await user.click(within(secret).getByRole('button', { name: 'Replace Signing secret' }));
    const newSecret = screen.getByLabelText(/^Signing secret/);
    await fill(user, newSecret, 'whsec_short');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() =>
      expect(fieldOf(newSecret).textContent).toContain(
        'Not accepted: must be "whsec_" followed by the base64',
      ),
    );
    expect(
      screen.queryByRole('textbox', { name: /^Value of mail/ })?.getAttribute('aria-invalid'),
    ).not.toBe('true');

    // An error address the browser lets through but the server does not: at that field.
    await user.clear(newSecret);
    const events = screen.getByRole('group', { name: 'Events' });
    await user.click(within(events).getByRole('checkbox', { name: 'Payment' }));
    await user.click(within(events).getByRole('checkbox', { name: 'Refund' }));
    const emails = screen.getByLabelText('Error e-mail addresses');
    await fill(user, emails, 'ops..desk@example.com');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(fieldOf(emails).textContent).toContain('Not accepted:'));
    expect(
      screen.getByRole('list', { name: 'Fields the server did not accept' }).textContent,
    ).toContain('Error e-mail addresses › 1');

    await user.clear(emails);
    await fill(user, emails, 'ops@example.com');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    await screen.findByRole('heading', { level: 1, name: 'Billing' });
    expect(router.state.location.pathname).toBe(`/connections/${connection.id}`);
    const saved = await server.runtime.connections.get(connection.id);
    expect(saved).toMatchObject({
      filters: { eventTypes: ['refund'] },
      errorEmails: ['ops@example.com'],
      config: { mapping: { id: 'order.id', mail: 'buyer.email' } },
    });
    // The secret was not replaced: the field was left empty.
    expect(
      (
        (await server.runtime.connections.loadForDelivery(connection.id))?.config as
          | { secret: string }
          | undefined
      )?.secret,
    ).toBe(storedSecret);
  });

  it('adds a CRM connection with per-event actions, partial refunds included, previewed for a sample and a recorded event', async () => {
    const user = userEvent.setup();
    const source = await server.runtime.sources.create({
      provider: 'digistore24',
      name: 'Shop',
      config: { passphrase: PASSPHRASE },
    });
    const received = await server.runtime.ingest.receive(
      source.id,
      ds24Request(source.id, PASSPHRASE, 'on_payment', {
        orderId: 'ORDER-77',
        email: 'anna.recorded@example.com',
      }),
    );
    expect(received.outcome).toMatchObject({ kind: 'accepted' });
    await renderConnections(server, '/connections/new/activecampaign');
    await screen.findByRole('heading', { level: 1, name: 'Add ActiveCampaign connection' });
    // A CRM's form is large: its fields are looked up in their section (cheaper in jsdom than
    // computing the name of every text box on the page).
    const general = within(screen.getByRole('region', { name: 'Name and status' }));
    const settings = within(screen.getByRole('region', { name: 'ActiveCampaign settings' }));
    await fill(
      user,
      general.getByRole('textbox', { name: /^Name\s*\(required\)$/ }),
      'Buyers list',
    );
    await fill(
      user,
      settings.getByRole('textbox', { name: /^API URL\s*\(required\)$/ }),
      'https://shop.api-us1.com',
    );
    await fill(user, settings.getByLabelText(/^API key\s*\(required\)$/), 'ac-token-123');

    const actions = screen.getByRole('region', { name: 'Actions per event' });
    const partial = within(actions).getByRole('group', { name: 'Partial refund' });
    expect(
      within(partial).getByRole('checkbox', { name: 'Act on “Partial refund”' }),
    ).toHaveProperty('checked', true);
    await user.click(within(actions).getByRole('checkbox', { name: 'Act on “Chargeback”' }));
    expect(within(actions).getByRole('group', { name: 'Chargeback' }).textContent).toContain(
      'Nothing happens on this event.',
    );
    const tags = within(partial).getByRole('group', { name: /^Add tags/ });
    await user.click(within(tags).getByRole('button', { name: /^Add an entry to/ }));
    const newTag = within(tags).getAllByRole('textbox').at(-1) as HTMLElement;
    await fill(user, newTag, 'partial-{order.id}');

    // The preview: a sample payment first, then the recorded one.
    const preview = screen.getByRole('region', { name: 'Preview' });
    await within(preview).findByText('Rendered for a sample event: Payment.');
    await user.selectOptions(
      within(preview).getByRole('combobox', { name: 'Show it for' }),
      'recorded',
    );
    const recorded = await within(preview).findByRole('combobox', { name: 'Recorded event' });
    expect(within(recorded).getAllByRole('option')[0]?.textContent).toContain('ORDER-77');
    await within(preview).findByText(/^Rendered for the recorded event evt_/);
    await waitFor(() =>
      expect(within(preview).getByRole('table').textContent).toContain('anna.recorded@example.com'),
    );
    await expectAccessible();

    await user.click(screen.getByRole('button', { name: 'Add connection' }));
    await screen.findByRole('heading', { level: 1, name: 'Buyers list' });
    const [created] = await server.runtime.connections.list();
    expect(created?.secretFields).toEqual({ apiToken: 'set' });
    expect(
      (
        (await server.runtime.connections.loadForDelivery(created?.id ?? ''))?.config as
          | { apiToken: string }
          | undefined
      )?.apiToken,
    ).toBe('ac-token-123');
    const config = created?.config as { actions: Record<string, { addTags?: string[] }> };
    expect(Object.keys(config.actions)).not.toContain('chargeback');
    expect(config.actions.refund_partial?.addTags).toEqual([
      '{product.name}-partial_refund',
      'partial-{order.id}',
    ]);
    expect(config.actions.payment?.addTags).toEqual(['{product.name}']);
  });
});
