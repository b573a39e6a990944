// @vitest-environment jsdom
/**
 * The Capsule connection form in German against a real ipnhub: its fields carry the
 * catalogue's labels, the API token is a write-only password field, and saving stores the
 * token encrypted without ever showing it again.
 */
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fill } from '../../test-support/fill.js';
import { startTestServer } from '../../test-support/ipnhub-server.js';
import type { TestServer } from '../../test-support/ipnhub-server.js';
import { clearConnections, renderConnections } from '../../test-support/connection-pages.js';

describe('Capsule connection form', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
    await clearConnections(server);
  });
  afterAll(() => server.close());

  it('adds a Capsule connection in German with the token as a write-only field', async () => {
    const user = userEvent.setup();
    await renderConnections(server, '/connections/new/capsule', 'de');
    await screen.findByRole('heading', { level: 1, name: 'Capsule CRM-Anbindung hinzufügen' });
    const general = within(screen.getByRole('region', { name: 'Name und Status' }));
    const settings = within(screen.getByRole('region', { name: 'Einstellungen für Capsule CRM' }));
    await fill(user, general.getByRole('textbox', { name: /^Name/ }), 'Capsule Käufer');
    const token = settings.getByLabelText(/^API-Token/) as HTMLInputElement;
    expect(token.type).toBe('password');
    await fill(user, token, 'capsule-secret-token');
    expect(settings.getByRole('group', { name: /^Verkaufschancen/ })).toBeDefined();

    await user.click(screen.getByRole('button', { name: 'Anbindung hinzufügen' }));
    await screen.findByRole('heading', { level: 1, name: 'Capsule Käufer' });
    const [created] = await server.runtime.connections.list();
    expect(created?.secretFields).toEqual({ apiToken: 'set' });
    expect(JSON.stringify(created?.config)).not.toContain('capsule-secret-token');
    const stored = await server.runtime.connections.loadForDelivery(created?.id ?? '');
    expect((stored?.config as { apiToken?: string } | undefined)?.apiToken).toBe(
      'capsule-secret-token',
    );
  });
});
