/**
 * `POST /ipn/:sourceId`: the only route payment providers talk to. The body parser is scoped
 * to this plugin and keeps the raw bytes (signatures are computed over them); the rest of
 * the app parses JSON as usual. Every answer, including errors of the body parser (too large,
 * bad length) and the rate limit, goes through the ingest pipeline, so a rejected request
 * from a known source is recorded and answered in the format its provider understands.
 *
 * The rate limit counts requests per client address in fixed one-minute windows. A refused
 * request is answered `429 RATE_LIMITED` in the provider's format with `Retry-After`; only the
 * first refusal per client and window is stored (the rest are counted in `/metrics`), so that a
 * flood does not turn into a flood of database writes.
 */
import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import type { ErrorCode } from '../core/errors.js';
import type { Ingest, IngestResult, Precheck } from '../ingest/ingest.js';
import type { Clock } from '../lib/clock.js';
import { clientAddress } from './client-address.js';
import { EMPTY_BODY, toInbound } from './inbound-request.js';
import type { InboundFastifyRequest, InflightRequests } from './inflight-requests.js';
import type { RateWindow } from './rate-window.js';

export interface InboundRouteOptions {
  ingest: Ingest;
  /** Stamps `receivedAt`; schedules (deferred verification) start from it. */
  clock: Clock;
  bodyLimitBytes: number;
  /** Requests per window and client address; null: no limit. */
  rateLimit: RateWindow | null;
  /** Where the client-error handler finds the request whose body broke (see client-errors.ts). */
  inflight: InflightRequests;
  /** Counts a request refused by the HTTP layer. */
  refused(code: ErrorCode): void;
}

const PARSER_ERRORS: Record<string, Precheck> = {
  FST_ERR_CTP_BODY_TOO_LARGE: {
    code: 'BODY_TOO_LARGE',
    reason: 'The body is larger than the configured limit (IPNHUB_BODY_LIMIT_BYTES).',
  },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: {
    code: 'MALFORMED_BODY',
    reason: 'Content-Length does not match the body.',
  },
  FST_ERR_CTP_EMPTY_JSON_BODY: { code: 'MALFORMED_BODY', reason: 'The body is empty.' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    code: 'UNSUPPORTED_CONTENT_TYPE',
    reason: 'The content type is not supported.',
  },
};

function send(reply: FastifyReply, result: IngestResult): FastifyReply {
  return reply.code(result.ack.status).type(result.ack.contentType).send(result.ack.body);
}

export async function inboundRoutes(
  app: FastifyInstance,
  options: InboundRouteOptions,
): Promise<void> {
  const { ingest, clock, rateLimit, inflight } = options;
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(
    '*',
    { parseAs: 'buffer', bodyLimit: options.bodyLimitBytes },
    (_req, body, done) => done(null, body),
  );

  app.setErrorHandler<FastifyError>(async (err, req, reply) => {
    const params = req.params as { sourceId?: string } | undefined;
    const known = typeof err.code === 'string' ? PARSER_ERRORS[err.code] : undefined;
    if (!params?.sourceId || !known) throw err;
    return send(
      reply,
      await ingest.receive(params.sourceId, toInbound(req, EMPTY_BODY, clock), known),
    );
  });

  // Without a rate limit the hooks only track the request: plain callbacks, no promise each.
  const onRequest = rateLimit
    ? async (req: InboundFastifyRequest, reply: FastifyReply) => {
        inflight.track(req);
        const count = rateLimit.hit(clientAddress(req));
        if (!count.limited) return;
        options.refused('RATE_LIMITED');
        const precheck: Precheck = {
          code: 'RATE_LIMITED',
          reason: `Too many requests from this address; retry in ${count.retryAfterSeconds} s.`,
          record: count.firstOver,
        };
        reply.header('retry-after', String(count.retryAfterSeconds));
        return send(
          reply,
          await ingest.receive(req.params.sourceId, toInbound(req, EMPTY_BODY, clock), precheck),
        );
      }
    : (req: InboundFastifyRequest, _reply: FastifyReply, done: () => void) => {
        inflight.track(req);
        done();
      };

  app.post<{ Params: { sourceId: string }; Body: Buffer | undefined }>('/ipn/:sourceId', {
    onRequest,
    onResponse(req: InboundFastifyRequest, _reply, done) {
      inflight.forget(req);
      done();
    },
    handler: async (req, reply) => {
      const body = Buffer.isBuffer(req.body) ? req.body : EMPTY_BODY;
      return send(reply, await ingest.receive(req.params.sourceId, toInbound(req, body, clock)));
    },
  });
}
