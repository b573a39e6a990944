/**
 * `POST /ipn/:sourceId`: the only route payment providers talk to. The body parser is scoped
 * to this plugin and keeps the raw bytes (signatures are computed over them); the rest of
 * the app parses JSON as usual. Every answer, including errors of the body parser (too large,
 * bad length), goes through the ingest pipeline, so a rejected request from a known source is
 * recorded and answered in the format its provider understands.
 */
import type { FastifyError, FastifyInstance, FastifyRequest } from 'fastify';
import { fastifyRateLimit } from '@fastify/rate-limit';
import type { ErrorCode } from '../core/errors.js';
import type { Ingest, Precheck } from '../ledger/ingest.js';
import type { Clock } from '../lib/clock.js';
import type { InboundRequest } from '../providers/provider.js';

export interface InboundRouteOptions {
  ingest: Ingest;
  /** Stamps `receivedAt`; schedules (deferred verification) start from it. */
  clock: Clock;
  bodyLimitBytes: number;
  /** Requests per minute and client address; 0 turns the limit off. */
  rateLimitPerMinute: number;
}

function headersOf(req: FastifyRequest): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

function toInbound(req: FastifyRequest, body: Buffer, clock: Clock): InboundRequest {
  return { receivedAt: clock.now(), method: req.method, url: req.url, headers: headersOf(req), rawBody: body, remoteAddress: req.ip };
}

const PARSER_ERRORS: Record<string, { code: ErrorCode; reason: string }> = {
  FST_ERR_CTP_BODY_TOO_LARGE: { code: 'BODY_TOO_LARGE', reason: 'The body is larger than the configured limit (IPNHUB_BODY_LIMIT_BYTES).' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { code: 'MALFORMED_BODY', reason: 'Content-Length does not match the body.' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { code: 'MALFORMED_BODY', reason: 'The body is empty.' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { code: 'UNSUPPORTED_CONTENT_TYPE', reason: 'The content type is not supported.' },
};

export async function inboundRoutes(app: FastifyInstance, options: InboundRouteOptions): Promise<void> {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: options.bodyLimitBytes }, (_req, body, done) => done(null, body));

  if (options.rateLimitPerMinute > 0) {
    await app.register(fastifyRateLimit, {
      max: options.rateLimitPerMinute,
      timeWindow: 60_000,
      errorResponseBuilder: (_req, context) => ({
        statusCode: 429,
        error: { code: 'RATE_LIMITED', message: `Too many requests; retry in ${Math.ceil(context.ttl / 1000)} s.` },
      }),
    });
  }

  app.setErrorHandler<FastifyError>(async (err, req, reply) => {
    const params = req.params as { sourceId?: string } | undefined;
    const known = typeof err.code === 'string' ? PARSER_ERRORS[err.code] : undefined;
    if (!params?.sourceId || !known) throw err;
    const precheck: Precheck = known;
    const result = await options.ingest.receive(params.sourceId, toInbound(req, Buffer.alloc(0), options.clock), precheck);
    return reply.code(result.ack.status).type(result.ack.contentType).send(result.ack.body);
  });

  app.post<{ Params: { sourceId: string }; Body: Buffer | undefined }>('/ipn/:sourceId', async (req, reply) => {
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const result = await options.ingest.receive(req.params.sourceId, toInbound(req, body, options.clock));
    return reply.code(result.ack.status).type(result.ack.contentType).send(result.ack.body);
  });
}
