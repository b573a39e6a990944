/**
 * The admin REST API, a Fastify plugin the app mounts at `/api/v1`. It registers the routes of
 * the route table and nothing else; every route needs the Bearer token or a sign-in session
 * (see ../admin-guard.ts) unless the table marks it public (the OpenAPI document, sign-in and
 * sign-out). The check runs as an `onRequest` hook for the whole plugin, so a route is
 * protected unless the table says otherwise. Errors are thrown as `IpnhubError`s and rendered
 * by the app's error handler.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { IpnhubError } from '../../core/errors.js';
import type { AdminAuth, AdminGuard } from '../admin-guard.js';
import { clientAddress } from '../client-address.js';
import type { AdminDeps } from './admin-deps.js';
import { isFileAnswer } from './define-route.js';
import type { RouteBodyLimit, RouteContext } from './define-route.js';
import { buildOpenApiDocument } from './openapi.js';
import { checkedResponse } from './response-check.js';
import { adminRoutes } from './route-table.js';
import { listenOrigin } from '../../connections/inbound-url.js';
import { requestOrigin } from '../request-origin.js';

export interface AdminApiOptions {
  deps: AdminDeps;
  guard: AdminGuard;
  /**
   * Parse every answer with its route's response schema and fail the request when it does not
   * match (tests: the schemas, and so the UI's generated types, must say what the API sends).
   */
  checkResponses?: boolean;
  /** The configured public base URL: the origin of every inbound URL in answers when set. */
  publicBaseUrl?: string;
}

/** Where inbound URLs point for this request (see RouteHttp.inboundOrigin). */
function inboundOriginFor(req: FastifyRequest, publicBaseUrl: string | undefined): string {
  // A request without a usable Host header (HTTP/1.0) still arrived at an address of ours.
  return (
    publicBaseUrl ??
    requestOrigin(req) ??
    listenOrigin(req.socket.localAddress ?? '127.0.0.1', req.socket.localPort ?? 80)
  );
}

/**
 * A route's own body limit, and an error handler that answers a larger body with the route's
 * code; every other error goes on to the app's handler (an error thrown here reaches it).
 */
function ownBodyLimit(limit: RouteBodyLimit | undefined) {
  if (limit === undefined) return {};
  return {
    bodyLimit: limit.bytes,
    errorHandler(err: FastifyError): never {
      throw err.code === 'FST_ERR_CTP_BODY_TOO_LARGE'
        ? new IpnhubError(limit.code, `The request has more than ${limit.bytes} bytes.`)
        : err;
    },
  };
}

export async function adminApi(app: FastifyInstance, options: AdminApiOptions): Promise<void> {
  const { deps, guard } = options;
  let document: Record<string, unknown> | undefined;
  const openApiDocument = (): Record<string, unknown> =>
    (document ??= buildOpenApiDocument(adminRoutes, { basePath: app.prefix }));
  const publicUrls = new Set(
    adminRoutes
      .filter((route) => route.public)
      .map((route) => `${route.method} ${app.prefix}${route.path}`),
  );
  const auths = new WeakMap<FastifyRequest, AdminAuth>();
  // The API takes JSON only: without this, Fastify's default text/plain parser hands a string
  // to the routes and a client that forgot its content type gets a puzzling validation error.
  app.removeContentTypeParser('text/plain');
  // A POST without a body (test, redeliver) may still be labelled JSON by a client library:
  // an empty JSON body reads as no body, and a route that needs one says which field is missing.
  const json = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body: string, done) => {
    if (body.length === 0) done(null, undefined);
    else json(req, body, done);
  });

  app.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
    if (
      publicUrls.has(`${req.method === 'HEAD' ? 'GET' : req.method} ${req.routeOptions.url ?? ''}`)
    )
      return;
    auths.set(req, await guard.authenticate(req, reply));
  });

  for (const route of adminRoutes) {
    app.route({
      method: route.method,
      url: route.path,
      ...ownBodyLimit(route.bodyLimit),
      handler: async (req, reply) => {
        const context: RouteContext = {
          deps,
          openApiDocument,
          http: {
            auth: auths.get(req) ?? null,
            clientAddress: clientAddress(req),
            inboundOrigin: inboundOriginFor(req, options.publicBaseUrl),
            signIn: (token) => guard.signIn(req, reply, token),
            signOut: () => guard.signOut(req, reply),
          },
        };
        const body = await route.run(
          { params: req.params, query: req.query, body: req.body },
          context,
        );
        reply.code(route.response.status);
        if (route.response.status === 204) return reply.send();
        if (route.response.file !== undefined && isFileAnswer(body)) {
          // The name is ours (a document number), but quoted and stripped all the same.
          const name = body.fileName.replace(/[^A-Za-z0-9._-]/g, '_');
          return reply
            .type(body.contentType)
            .header('content-disposition', `attachment; filename="${name}"`)
            .send(Buffer.from(body.bytes));
        }
        return reply.send(options.checkResponses === true ? checkedResponse(route, body) : body);
      },
    });
  }
}
