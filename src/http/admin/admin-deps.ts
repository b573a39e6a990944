/**
 * What the admin API needs from the rest of ipnhub. The API is a thin layer: validation,
 * paging and JSON shapes; the services and queries behind it are shared with the CLI.
 */
import type { Kysely } from 'kysely';
import type { AdminSessions } from '../../secrets/admin-sessions.js';
import type { AdminTokenVerifier } from '../../secrets/admin-token.js';
import type { ConnectionsService } from '../../connections/connections-service.js';
import type { SourcesService } from '../../connections/sources-service.js';
import type { DbAdapter } from '../../db/dialect-adapter.js';
import type { DocumentsService } from '../../invoicing/documents-service.js';
import type { ProfilesService } from '../../invoicing/profiles.js';
import type { Database } from '../../db/schema.js';
import type { TestNotificationResult } from '../../ingest/test-notification.js';
import type { Clock } from '../../lib/clock.js';
import type { Erasure } from '../../retention/erase-customer.js';
import type { BackfillRequest, BackfillResult } from '../../outbox/backfill.js';
import type { BulkRedeliverFilter, BulkRedeliverResult } from '../../outbox/redeliver.js';
import type { SystemInfo } from '../../system-info.js';

export interface AdminDeps {
  db: Kysely<Database>;
  adapter: DbAdapter;
  clock: Clock;
  auth: AdminTokenVerifier;
  /** Sign-in sessions of the web UI. */
  sessions: AdminSessions;
  sources: SourcesService;
  connections: ConnectionsService;
  /** Seller profiles (invoicing). */
  profiles: ProfilesService;
  /** Resending the mails of issued documents, credit notes by hand. */
  documents: DocumentsService;
  /** Runs the connection's connector test (see `Connector.testConnection`). */
  testConnection(connectionId: string): Promise<{ ok: boolean; message: string }>;
  /** Queues a delivery for one more (manual) attempt. */
  redeliver(deliveryId: string): Promise<void>;
  /** Queues every finished delivery of a connection that matches `filter` for one more attempt (outbox/redeliver.ts); a dry run only counts. */
  redeliverConnection(
    connectionId: string,
    filter: BulkRedeliverFilter,
    options: { dryRun?: boolean | undefined },
  ): Promise<BulkRedeliverResult>;
  /** Counts (dry run) or creates a connection's deliveries of past events (outbox/backfill.ts). */
  backfill(request: BackfillRequest): Promise<BackfillResult>;
  /** Puts the source's provider's own test notification through the inbound pipeline (see ingest/test-notification.ts). */
  testNotification(sourceId: string, remoteAddress: string): Promise<TestNotificationResult>;
  /** A new admin token, shown once; every session ends. `ADMIN_TOKEN_CONFIGURED` when the token comes from the configuration. */
  rotateToken(): Promise<string>;
  system(): Promise<SystemInfo>;
  /** Erases a customer's personal data (retention/erase-customer.ts); null when there is no such customer. */
  eraseCustomer(customerId: string, actor: string): Promise<Erasure | null>;
  /** Sends a test e-mail with the configured mailer; a failure is `ok: false`. */
  sendTestEmail(to: string): Promise<{ ok: boolean; message: string }>;
}
