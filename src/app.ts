/**
 * The app factory: builds the Fastify instance with every route, and never listens (the
 * `serve` command does; tests use `inject` or listen on port 0). All dependencies come in
 * through {@link AppDeps}, so tests assemble apps against any database.
 */
import Fastify, { LogController } from 'fastify';
import { lazyChildLoggerFactory } from './http/lazy-child-logger.js';
import type { FastifyBaseLogger, FastifyError, FastifyInstance } from 'fastify';
import { verifierForToken } from './secrets/admin-token.js';
import { ERROR_CATALOGUE, isIpnhubError } from './core/errors.js';
import type { ErrorCode, FieldProblem } from './core/errors.js';
import { adminApi } from './http/admin/admin-api.js';
import type { AdminDeps } from './http/admin/admin-deps.js';
import { createAdminGuard } from './http/admin-guard.js';
import { bearerGuard } from './http/bearer-guard.js';
import { capturePeerAddresses } from './http/client-address.js';
import { createClientErrorHandler } from './http/client-errors.js';
import { inboundRoutes } from './http/inbound-routes.js';
import { createInflightRequests } from './http/inflight-requests.js';
import { perMinute } from './http/rate-window.js';
import { SAFE_HEADERS } from './http/safe-headers.js';
import { webUi } from './http/web-ui.js';
import type { Ingest } from './ingest/ingest.js';
import type { Clock } from './lib/clock.js';
import type { Logger } from './lib/logger.js';
import type { Metrics } from './lib/metrics.js';

export interface AppDeps {
  logger: Logger;
  clock: Clock;
  ingest: Ingest;
  metrics: Metrics;
  admin: AdminDeps;
  bodyLimitBytes: number;
  inboundRateLimitPerMinute: number;
  trustProxy: boolean;
  /** Longest time to receive a whole request (headers and body), in ms. */
  requestTimeoutMs: number;
  /** Longest time to receive a request's headers, in ms (at most `requestTimeoutMs`). */
  headersTimeoutMs: number;
  /** How long an idle keep-alive connection stays open, in ms. */
  keepAliveTimeoutMs: number;
  /** Failed authentications per minute and client address on the admin API and `/metrics`; 0: no limit. */
  adminAuthFailuresPerMinute: number;
  /** A token that may read `/metrics` (besides the admin token). */
  metricsToken?: string;
  /** The built web UI (`dist/web`) served at `/`; without it `/` answers like any unknown route. */
  webRoot?: string;
  /** The public address (`publicBaseUrl`): the web UI served there may make changes too (see http/admin-guard.ts). */
  publicBaseUrl?: string;
  /** Check every admin API answer against its response schema (tests; see http/admin/response-check.ts). */
  checkResponses?: boolean;
  /** Readiness: the database answers (and whatever else the runtime adds). */
  ready(): Promise<{ ok: boolean; checks: Record<string, string> }>;
}

interface ErrorBody {
  error: { code: ErrorCode; message: string; fields?: readonly FieldProblem[] };
}

/** The JSON of an error answer; `fields` names the input fields it is about, when the error knows them. */
function errorBody(code: ErrorCode, message: string, fields?: readonly FieldProblem[]): ErrorBody {
  return { error: { code, message, ...(fields && fields.length > 0 ? { fields } : {}) } };
}

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const { logger, clock, ingest } = deps;
  const refused = (code: ErrorCode): void => deps.metrics.refused(code);
  const inflight = createInflightRequests();
  const inboundLimit = perMinute(deps.inboundRateLimitPerMinute, clock);
  const authFailures = perMinute(deps.adminAuthFailuresPerMinute, clock);
  // Node refuses a headers timeout longer than the request timeout.
  const headersTimeout = Math.min(deps.headersTimeoutMs, deps.requestTimeoutMs);
  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    // The pipeline logs what matters (verdicts, attempts); per-request lines would double it.
    logController: new LogController({ disableRequestLogging: true }),
    // Each request's logger is made when it first writes (http/lazy-child-logger.ts).
    childLoggerFactory: lazyChildLoggerFactory,
    trustProxy: deps.trustProxy,
    bodyLimit: 1024 * 1024,
    // Slow clients: Fastify turns Node's request timeout off unless given one.
    requestTimeout: deps.requestTimeoutMs,
    keepAliveTimeout: deps.keepAliveTimeoutMs,
    http: {
      requestTimeout: deps.requestTimeoutMs,
      headersTimeout,
      // How often Node looks for connections past those timeouts (its default is every 30 s).
      connectionsCheckingInterval: Math.min(1000, Math.max(10, Math.floor(headersTimeout / 4))),
    },
    clientErrorHandler: createClientErrorHandler({
      ingest,
      clock,
      logger,
      inflight,
      rateLimit: inboundLimit,
      refused,
    }),
  });
  capturePeerAddresses(app.server);
  app.addHook('onRequest', async (_req, reply) => {
    reply.headers(SAFE_HEADERS);
  });

  app.setErrorHandler((err: FastifyError, req, reply) => {
    if (isIpnhubError(err))
      return reply.code(err.status).send(errorBody(err.code, err.message, err.fields));
    if (err.validation) return reply.code(400).send(errorBody('VALIDATION_FAILED', err.message));
    if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE')
      return reply
        .code(413)
        .send(errorBody('BODY_TOO_LARGE', ERROR_CATALOGUE.BODY_TOO_LARGE.message));
    if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
      const code: ErrorCode =
        err.statusCode === 415 ? 'UNSUPPORTED_CONTENT_TYPE' : 'MALFORMED_BODY';
      return reply.code(err.statusCode).send(errorBody(code, err.message));
    }
    req.log.error({ err }, 'unhandled error');
    return reply.code(500).send(errorBody('INTERNAL', ERROR_CATALOGUE.INTERNAL.message));
  });
  app.setNotFoundHandler((req, reply) =>
    reply
      .code(404)
      .send(errorBody('ROUTE_NOT_FOUND', `No route ${req.method} ${req.url.split('?')[0]}.`)),
  );

  await app.register(inboundRoutes, {
    ingest,
    clock,
    bodyLimitBytes: deps.bodyLimitBytes,
    rateLimit: inboundLimit,
    inflight,
    refused,
  });
  const adminToken = deps.admin.auth;
  const guard = createAdminGuard({
    token: adminToken,
    sessions: deps.admin.sessions,
    failures: authFailures,
    logger,
    refused,
    trustedOrigins: deps.publicBaseUrl === undefined ? [] : [deps.publicBaseUrl],
  });
  await app.register(adminApi, {
    prefix: '/api/v1',
    deps: deps.admin,
    guard,
    checkResponses: deps.checkResponses,
    publicBaseUrl: deps.publicBaseUrl,
  });

  app.get('/healthz', async () => ({ status: 'ok' }));
  // Public, so a failure says only "unavailable": the driver's message can name hosts and users.
  app.get('/readyz', async (req, reply) => {
    const result = await deps.ready().catch((err: unknown) => {
      req.log.error({ err }, 'readiness check failed');
      return { ok: false, checks: { database: 'unavailable' } };
    });
    return reply
      .code(result.ok ? 200 : 503)
      .send({ status: result.ok ? 'ready' : 'not ready', checks: result.checks });
  });
  // Business figures (payments by type, queue depth): for the scraper, not for the public.
  const metricsReaders = deps.metricsToken
    ? [verifierForToken(deps.metricsToken), adminToken]
    : [adminToken];
  app.get(
    '/metrics',
    {
      onRequest: bearerGuard({ accepts: metricsReaders, failures: authFailures, logger, refused }),
    },
    async (_req, reply) => {
      const text = await deps.metrics.registry.metrics();
      return reply.type(deps.metrics.registry.contentType).send(text);
    },
  );
  if (deps.webRoot !== undefined) await app.register(webUi, { root: deps.webRoot });
  return app;
}
