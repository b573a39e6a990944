/**
 * What the admin API needs from the rest of ipnhub. The API is a thin layer: validation,
 * paging and JSON shapes; the services and queries behind it are shared with the CLI.
 */
import type { Kysely } from 'kysely';
import type { AdminTokenVerifier } from '../../connections/admin-token.js';
import type { ConnectionsService } from '../../connections/connections-service.js';
import type { SourcesService } from '../../connections/sources-service.js';
import type { DbAdapter } from '../../db/dialect-adapter.js';
import type { Database } from '../../db/schema.js';
import type { Clock } from '../../lib/clock.js';

export interface AdminDeps {
  db: Kysely<Database>;
  adapter: DbAdapter;
  clock: Clock;
  auth: AdminTokenVerifier;
  sources: SourcesService;
  connections: ConnectionsService;
  /** Sends a `connection_test` event through the connection's connector, right now. */
  /** Runs the connection's connector test (see `Connector.testConnection`). */
  testConnection(connectionId: string): Promise<{ ok: boolean; message: string }>;
  /** Queues a delivery for one more (manual) attempt. */
  redeliver(deliveryId: string): Promise<void>;
}
