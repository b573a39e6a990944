/**
 * What the Connections page tests share: the pages at their routes, rendered against a real
 * ipnhub, and a clean slate (no source, connection or delivery) before each test.
 */
import { configure } from '@testing-library/react';
import type { LanguageCode } from '../i18n/languages.js';
import type { TestServer } from './ipnhub-server.js';
import { renderUi } from './render.js';
import { AddConnectionPage } from '../pages/connections/add-connection-page.js';
import { ConnectionPage } from '../pages/connections/connection-page.js';
import { ConnectionsPage } from '../pages/connections/connections-page.js';
import { ConnectorCataloguePage } from '../pages/connections/connector-catalogue-page.js';
import { EditConnectionPage } from '../pages/connections/edit-connection-page.js';

// Waits are for what the page shows, bounded by the test's timeout, not by a second of their own.
configure({ asyncUtilTimeout: 25_000 });

export const CONNECTION_ROUTES = [
  { path: '/connections', element: <ConnectionsPage /> },
  { path: '/connections/new', element: <ConnectorCataloguePage /> },
  { path: '/connections/new/:connector', element: <AddConnectionPage /> },
  { path: '/connections/:id', element: <ConnectionPage /> },
  { path: '/connections/:id/edit', element: <EditConnectionPage /> },
];

export const PASSPHRASE = 'connections-pages-passphrase';

/** The Connections pages at `path`, talking to `server`. */
export function renderConnections(server: TestServer, path: string, language: LanguageCode = 'en') {
  return renderUi(null, {
    server: { baseUrl: server.baseUrl, fetch: server.fetch },
    routes: CONNECTION_ROUTES,
    path,
    language,
  });
}

/** No delivery, connection or source left from an earlier test. */
export async function clearConnections(server: TestServer): Promise<void> {
  await server.runtime.dbHandle.db.deleteFrom('deliveries').execute();
  for (const connection of await server.runtime.connections.list())
    await server.runtime.connections.remove(connection.id);
  for (const source of await server.runtime.sources.list())
    await server.runtime.sources.remove(source.id);
}
