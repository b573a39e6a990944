/**
 * Assembles ipnhub from its configuration: database (migrated), secrets, services, ingest
 * pipeline, mailer, guarded HTTP client, worker and metrics. `serve`, `worker`, the CLI
 * commands, the end-to-end tests and the benchmark all start from here, so they run the same
 * wiring. Nothing here listens on a port or starts the worker loop; callers decide.
 */
import { join, resolve } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.js';
import type { Config } from './config/config.js';
import { prepareDataDir } from './config/data-dir.js';
import { IpnhubError } from './core/errors.js';
import { DEFAULT_RETRY_POLICY } from './core/retry-policy.js';
import { createAdminSessions } from './secrets/admin-sessions.js';
import { ensureAdminToken, rotateStoredToken } from './secrets/admin-token.js';
import type { AdminTokenVerifier } from './secrets/admin-token.js';
import { createConnectionsService } from './connections/connections-service.js';
import { inboundUrl, listenOrigin } from './connections/inbound-url.js';
import type { ConnectionsService } from './connections/connections-service.js';
import { resolveMasterKey } from './secrets/master-key.js';
import { createSecretBox } from './secrets/secret-box.js';
import { createSourcesService } from './connections/sources-service.js';
import type { SourcesService } from './connections/sources-service.js';
import { getConnector, isConnectorId } from './connectors/registry.js';
import { runConnectionTest } from './connectors/run-connector.js';
import type { Db, DbTarget } from './db/connect.js';
import { openMigrated } from './db/open-migrated.js';
import type { AdminDeps } from './http/admin/admin-deps.js';
import { createBatchIngestStore } from './ingest/batch-ingest-store.js';
import { createPgIngestStore } from './ingest/pg-ingest-store.js';
import type { ActiveTargets, IngestStore } from './ingest/ingest-store.js';
import { sqliteGroupWriter } from './ingest/sqlite-batch-commit.js';
import { createThreadedIngestStore } from './ingest/threaded-ingest-store.js';
import { createIngest } from './ingest/ingest.js';
import type { DocumentRenderer } from './invoicing/document-jobs.js';
import { createDocumentRunners } from './invoicing/document-runners.js';
import { createDocumentsService } from './invoicing/documents-service.js';
import { createProfilesService } from './invoicing/profiles.js';
import type { ProfilesService } from './invoicing/profiles.js';
import { createRenderThread } from './invoicing/render-thread.js';
import { createHeldAlerter } from './ingest/held-alert.js';
import type { HeldRequest } from './ingest/held-alert.js';
import { createVerificationJobs } from './ingest/verifier.js';
import { createJobRunner } from './jobs/job-runner.js';
import type { Ingest } from './ingest/ingest.js';
import { sendTestNotification } from './ingest/test-notification.js';
import { systemClock } from './lib/clock.js';
import type { Clock } from './lib/clock.js';
import { createCacheScope } from './lib/cache-scope.js';
import type { CacheScope } from './lib/cache-scope.js';
import { triggerOfSignal } from './lib/abort-trigger.js';
import { abortingWith, createHttpClient } from './lib/http-client.js';
import type { HttpClient } from './lib/http-client.js';
import { PACKAGE_ROOT } from './lib/package-root.js';
import { createLogger } from './lib/logger.js';
import type { Logger } from './lib/logger.js';
import { createMailer } from './lib/mailer.js';
import type { Mailer } from './lib/mailer.js';
import { createMetrics } from './lib/metrics.js';
import type { Metrics } from './lib/metrics.js';
import { createAlerter } from './outbox/alerts.js';
import { createAutoDisable } from './outbox/auto-disable.js';
import { SOURCE_ALERT_CODES } from './outbox/health-alerts.js';
import type { RejectedRequest } from './ingest/ingest.js';
import { backfillConnection } from './outbox/backfill.js';
import { redeliver, redeliverConnection } from './outbox/redeliver.js';
import { sendTestEmail } from './lib/test-email.js';
import { systemInfo } from './system-info.js';
import { DELIVERIES_CHANNEL } from './outbox/delivery-job.js';
import { eraseCustomer } from './retention/erase-customer.js';
import { createPruner } from './retention/prune.js';
import { createWorker } from './worker.js';
import type { Worker } from './worker.js';

export interface RuntimeOptions {
  clock?: Clock;
  logger?: Logger;
  /** Where a generated admin token is shown, once. Defaults to a warn log line. */
  announceToken?: (token: string) => void;
  /** Randomness for retry jitter (tests pass a constant). */
  random?: () => number;
  /** Skip the admin token setup (CLI commands that do not serve the API). */
  skipAdminToken?: boolean;
  /** The built web UI served at `/` (default: this package's `dist/web`). */
  webRoot?: string;
  /** Check every admin API answer against its response schema (tests; see http/admin/response-check.ts). */
  checkResponses?: boolean;
  /** Renders a document's PDF (tests pass a fake or a failing one). */
  renderDocument?: DocumentRenderer;
}

export interface Runtime {
  config: Config;
  dbHandle: Db;
  logger: Logger;
  clock: Clock;
  sources: SourcesService;
  connections: ConnectionsService;
  profiles: ProfilesService;
  ingestStore: IngestStore;
  ingest: Ingest;
  http: HttpClient;
  mailer: Mailer;
  metrics: Metrics;
  worker: Worker;
  admin: AdminDeps;
  /** This runtime's caches of providers and connectors (lib/cache-scope.ts), passed in their contexts. */
  caches: CacheScope;
  /** A source's inbound URL as the CLI shows it: on the public base URL, else on the listen address (connections/inbound-url.ts). */
  inboundUrl(sourceId: string): string;
  buildApp(): Promise<FastifyInstance>;
  close(): Promise<void>;
}

/** `dist/web` of this package, from `src/` (tsx, tests) and from the bundle alike. */
export const DEFAULT_WEB_ROOT = join(PACKAGE_ROOT, 'dist', 'web');

export function dbTarget(config: Config): DbTarget {
  return config.databaseUrl
    ? { kind: 'postgres', url: config.databaseUrl, poolSize: config.pgPoolSize }
    : { kind: 'sqlite', file: join(resolve(config.dataDir), 'ipnhub.db') };
}

export async function createRuntime(
  config: Config,
  options: RuntimeOptions = {},
): Promise<Runtime> {
  const logger = options.logger ?? createLogger(config.logLevel, undefined, config.logFormat);
  const clock = options.clock ?? systemClock;
  const target = dbTarget(config);
  // The embedded database, its master key and mail files without SMTP live in the data directory.
  const dataDir =
    target.kind === 'sqlite' || config.smtpUrl === undefined
      ? prepareDataDir(config.dataDir)
      : resolve(config.dataDir);
  const { handle: dbHandle, applied } = await openMigrated(target);
  const { db, adapter } = dbHandle;
  try {
    for (const migration of applied) logger.info({ migration }, 'migration applied');

    const masterKey = resolveMasterKey({
      configured: config.masterKey,
      dataDir,
      embedded: target.kind === 'sqlite',
      logger,
    });
    const secretBox = createSecretBox(masterKey);
    const sources = createSourcesService({ db, adapter, secretBox, clock });
    const connections = createConnectionsService({ db, adapter, secretBox, clock, logger });
    const profiles = createProfilesService({ db, adapter, clock });
    // Logins, tokens, certificates and rate limiters of providers and connectors: this runtime's own.
    const caches = createCacheScope();
    const http = createHttpClient({
      timeoutMs: config.outboundTimeoutMs,
      allowList: config.outboundAllowList,
      userAgent: 'ipnhub/0.1',
    });
    const mailer = createMailer({
      smtpUrl: config.smtpUrl,
      from: config.mailFrom,
      dataDir,
      logger,
      maxConnections: config.smtpMaxConnections,
    });
    const metrics = createMetrics(async () => {
      const rows = await db
        .selectFrom('deliveries')
        .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
        .where('status', 'in', ['pending', 'delivering', 'dead'])
        .groupBy('status')
        .execute();
      return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
    });
    const alerter = createAlerter({
      db,
      adapter,
      mailer,
      clock,
      throttleMs: config.errorMailThrottleMinutes * 60_000,
      logger,
      operatorEmail: config.operatorEmail,
      onSent: (kind) => metrics.alertSent(kind),
    });
    const alertHeld = createHeldAlerter({ note: (note) => alerter.note(note), logger });
    const onHeld = (held: HeldRequest): void => void alertHeld(held);
    const onRejected = (rejected: RejectedRequest): void => {
      if (SOURCE_ALERT_CODES.has(rejected.code))
        void alerter.note({
          subjectId: rejected.sourceId,
          kind: rejected.code,
          ref: rejected.inboundId,
          reason: rejected.reason,
        });
    };
    const autoDisable = createAutoDisable({
      db,
      adapter,
      clock,
      logger,
      alerter,
      afterMs: config.autoDisableAfterDays * 24 * 60 * 60_000,
      onDisabled: () => metrics.connectionDisabled(),
    });
    const policy = {
      ...DEFAULT_RETRY_POLICY,
      schedule: config.retrySchedule,
      jitter: config.retryJitter,
    };
    const notifyDeliveries = (): void => {
      worker.wake();
      adapter
        .notify(db, DELIVERIES_CHANNEL)
        .catch((err: unknown) => logger.warn({ err }, 'notify failed'));
    };
    const verifier = createJobRunner(
      createVerificationJobs({
        db,
        adapter,
        sources,
        activeTargets: (trx) => connections.activeFilters(trx),
        http,
        caches,
        clock,
        logger,
        policy,
        concurrency: 4,
        observer: metrics,
        onDeliveriesCreated: notifyDeliveries,
        onDocumentJobs: () => worker.wakeDocuments(),
        onHeld,
        onRejected,
        random: options.random,
      }),
      { clock, logger, leaseMs: config.leaseSeconds * 1000, pollMs: config.workerPollMs },
    );
    // Documents are rendered in a thread of their own, started on demand (invoicing/render-thread.ts).
    const renderThread = createRenderThread({ logger });
    const documents = createDocumentRunners(
      {
        db,
        adapter,
        clock,
        logger,
        mailer,
        render: options.renderDocument ?? renderThread.render,
        embedEInvoice: renderThread.embedEInvoice,
        policy,
        mailConcurrency: config.smtpMaxConnections,
        random: options.random,
      },
      { clock, logger, leaseMs: config.leaseSeconds * 1000, pollMs: config.workerPollMs },
    );
    const worker: Worker = createWorker({
      db,
      adapter,
      connections,
      http,
      caches,
      mailer,
      alerter,
      clock,
      logger,
      policy,
      concurrency: config.workerConcurrency,
      leaseMs: config.leaseSeconds * 1000,
      pollMs: config.workerPollMs,
      // Connections may set their own timeout (up to 60 s); the deadline covers the longest.
      deliveryTimeoutMs: Math.max(config.outboundTimeoutMs, 60_000) + 5000,
      failingAfterAttempts: config.failingAlertAfterAttempts,
      autoDisable,
      observer: metrics,
      random: options.random,
      verifier,
      documents,
      pruner: createPruner({
        db,
        adapter,
        clock,
        logger,
        observer: metrics,
        retention: {
          rawBodyDays: config.rawBodyRetentionDays,
          attemptBodyDays: config.attemptBodyRetentionDays,
          rejectedRequestDays: config.rejectedRequestRetentionDays,
        },
      }),
    });
    const activeFilters: ActiveTargets = (trx) => connections.activeFilters(trx);
    const ingestStore: IngestStore =
      adapter.writesBestFromOwnThread && config.ingestWriterThread
        ? createThreadedIngestStore({ target, logger })
        : adapter.supportsJsonRecordsets
          ? createPgIngestStore(db, adapter, activeFilters)
          : createBatchIngestStore({
              db,
              adapter,
              activeFilters,
              writer: sqliteGroupWriter,
            });
    const ingest = createIngest({
      store: ingestStore,
      sources,
      clock,
      http,
      caches,
      logger,
      observer: metrics,
      onDeliveriesCreated: notifyDeliveries,
      onPending: () => worker.wakeVerifier(),
      onDocumentJobs: () => worker.wakeDocuments(),
      onHeld,
      onRejected,
    });

    const auth: AdminTokenVerifier = options.skipAdminToken
      ? { verify: async () => false, digest: async () => undefined, configured: false }
      : await ensureAdminToken({
          db,
          adapter,
          configured: config.adminToken,
          announce:
            options.announceToken ??
            ((token) =>
              logger.warn(
                { adminToken: token },
                'generated an admin API token; it is shown once — store it now (or set IPNHUB_ADMIN_TOKEN)',
              )),
        });

    async function testConnection(connectionId: string): Promise<{ ok: boolean; message: string }> {
      const connection = await connections.loadForDelivery(connectionId);
      if (!connection) throw new IpnhubError('NOT_FOUND', `No connection ${connectionId}.`);
      if (!isConnectorId(connection.connector))
        throw new IpnhubError('UNKNOWN_CONNECTOR', connection.connector);
      const signal = AbortSignal.timeout(config.outboundTimeoutMs + 5000);
      return runConnectionTest(getConnector(connection.connector), connection.config, {
        http: abortingWith(http, triggerOfSignal(signal)),
        mailer,
        logger: logger.child({ connectionId }),
        clock,
        caches,
        signal,
        saveConfig: async (patch) => {
          await connections.update(connectionId, { config: patch });
        },
      });
    }

    const minute = 60_000;
    const admin: AdminDeps = {
      db,
      adapter,
      clock,
      auth,
      sessions: createAdminSessions({
        db,
        clock,
        token: auth,
        idleMs: config.sessionIdleMinutes * minute,
        maxMs: config.sessionMaxDays * 24 * 60 * minute,
      }),
      sources,
      connections,
      profiles,
      documents: createDocumentsService({
        db,
        adapter,
        clock,
        onQueued: () => worker.wakeDocuments(),
      }),
      testConnection,
      // The in-process worker is woken at once (other processes by NOTIFY, or their next poll).
      redeliver: async (deliveryId) => {
        await redeliver({ db, adapter, clock }, deliveryId);
        worker.wake();
      },
      redeliverConnection: async (connectionId, filter, options) => {
        const result = await redeliverConnection(
          { db, adapter, clock },
          connectionId,
          filter,
          options,
        );
        if (result.redelivered > 0) worker.wake();
        return result;
      },
      backfill: async (request) => {
        const result = await backfillConnection(
          { db, adapter, clock, perSecond: config.backfillPerSecond },
          request,
        );
        if (result.created > 0 && !result.dryRun) worker.wake();
        return result;
      },
      testNotification: (sourceId, remoteAddress) =>
        sendTestNotification({ sources, ingest, clock }, sourceId, remoteAddress),
      rotateToken: () => rotateStoredToken({ db, adapter, verifier: auth }),
      system: () => systemInfo({ db, adapter, config }),
      sendTestEmail: (to) => sendTestEmail(mailer, to, clock.now()),
      async eraseCustomer(customerId, actor) {
        const erasure = await eraseCustomer({ db, adapter, clock }, customerId, actor);
        // Documents whose e-mail was removed are rendered again.
        if (erasure !== null && erasure.removed.documents > 0) worker.wakeDocuments();
        return erasure;
      },
    };

    const runtime: Runtime = {
      config,
      dbHandle,
      logger,
      clock,
      sources,
      connections,
      profiles,
      ingestStore,
      ingest,
      http,
      mailer,
      metrics,
      worker,
      admin,
      caches,
      inboundUrl: (sourceId) =>
        inboundUrl(config.publicBaseUrl ?? listenOrigin(config.host, config.port), sourceId),
      buildApp: () =>
        buildApp({
          logger,
          clock,
          ingest,
          metrics,
          admin,
          bodyLimitBytes: config.bodyLimitBytes,
          inboundRateLimitPerMinute: config.inboundRateLimitPerMinute,
          trustProxy: config.trustProxy,
          requestTimeoutMs: config.requestTimeoutMs,
          headersTimeoutMs: config.headersTimeoutMs,
          keepAliveTimeoutMs: config.keepAliveTimeoutMs,
          adminAuthFailuresPerMinute: config.adminAuthFailuresPerMinute,
          metricsToken: config.metricsToken,
          webRoot: options.webRoot ?? DEFAULT_WEB_ROOT,
          publicBaseUrl: config.publicBaseUrl,
          checkResponses: options.checkResponses,
          async ready() {
            await db.selectFrom('settings').select('key').limit(1).execute();
            return { ok: true, checks: { database: 'ok' } };
          },
        }),
      async close() {
        await worker.stop();
        await ingestStore.close();
        await renderThread.close();
        await mailer.close();
        await http.close?.();
        await dbHandle.close();
      },
    };
    return runtime;
  } catch (err) {
    await dbHandle.close().catch(() => undefined);
    throw err;
  }
}
