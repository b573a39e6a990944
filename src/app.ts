/**
 * The app factory: builds the Fastify instance with every route, and never listens (the
 * `serve` command does; tests use `inject` or listen on port 0). All dependencies come in
 * through {@link AppDeps}, so tests assemble apps against any database.
 */
import Fastify, { LogController } from 'fastify';
import type { FastifyBaseLogger, FastifyError, FastifyInstance } from 'fastify';
import { ERROR_CATALOGUE, isIpnhubError } from './core/errors.js';
import type { ErrorCode } from './core/errors.js';
import { adminApi } from './http/admin/admin-api.js';
import type { AdminDeps } from './http/admin/admin-deps.js';
import { inboundRoutes } from './http/inbound-routes.js';
import type { Ingest } from './ledger/ingest.js';
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
  /** Readiness: the database answers (and whatever else the runtime adds). */
  ready(): Promise<{ ok: boolean; checks: Record<string, string> }>;
}

function errorBody(code: ErrorCode, message: string): { error: { code: ErrorCode; message: string } } {
  return { error: { code, message } };
}

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: deps.logger as FastifyBaseLogger,
    // The pipeline logs what matters (verdicts, attempts); per-request lines would double it.
    logController: new LogController({ disableRequestLogging: true }),
    trustProxy: deps.trustProxy,
    bodyLimit: 1024 * 1024,
  });

  app.setErrorHandler((err: FastifyError, req, reply) => {
    if (isIpnhubError(err)) return reply.code(err.status).send(errorBody(err.code, err.message));
    if (err.validation) return reply.code(400).send(errorBody('VALIDATION_FAILED', err.message));
    if (err.statusCode === 429) return reply.code(429).send(errorBody('RATE_LIMITED', err.message));
    if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return reply.code(413).send(errorBody('BODY_TOO_LARGE', ERROR_CATALOGUE.BODY_TOO_LARGE.message));
    if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
      const code: ErrorCode = err.statusCode === 415 ? 'UNSUPPORTED_CONTENT_TYPE' : 'MALFORMED_BODY';
      return reply.code(err.statusCode).send(errorBody(code, err.message));
    }
    req.log.error({ err }, 'unhandled error');
    return reply.code(500).send(errorBody('INTERNAL', ERROR_CATALOGUE.INTERNAL.message));
  });
  app.setNotFoundHandler((req, reply) => reply.code(404).send(errorBody('ROUTE_NOT_FOUND', `No route ${req.method} ${req.url.split('?')[0]}.`)));

  await app.register(inboundRoutes, { ingest: deps.ingest, clock: deps.clock, bodyLimitBytes: deps.bodyLimitBytes, rateLimitPerMinute: deps.inboundRateLimitPerMinute });
  await app.register(adminApi, { prefix: '/api/v1', deps: deps.admin });

  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_req, reply) => {
    const result = await deps.ready().catch((err: unknown) => ({ ok: false, checks: { database: err instanceof Error ? err.message : String(err) } }));
    return reply.code(result.ok ? 200 : 503).send({ status: result.ok ? 'ready' : 'not ready', checks: result.checks });
  });
  app.get('/metrics', async (_req, reply) => {
    const text = await deps.metrics.registry.metrics();
    return reply.type(deps.metrics.registry.contentType).send(text);
  });
  return app;
}
