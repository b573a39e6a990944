/**
 * The admin REST API (DESIGN.md §7), a Fastify plugin the app mounts at `/api/v1`. It
 * registers the routes of the route table and nothing else; every route needs
 * `Authorization: Bearer <token>` except the OpenAPI document. The check runs as an
 * `onRequest` hook for the whole plugin, so a route is protected unless the table marks it
 * public. Errors are thrown as `IpnhubError`s and rendered by the app's error handler.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { IpnhubError } from '../../core/errors.js';
import type { AdminDeps } from './admin-deps.js';
import type { RouteContext } from './define-route.js';
import { buildOpenApiDocument } from './openapi.js';
import { adminRoutes } from './route-table.js';

export interface AdminApiOptions {
  deps: AdminDeps;
}

/** The token of an `Authorization: Bearer <token>` header (scheme case-insensitive), or undefined. */
export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header ?? '');
  return match?.[1];
}

export async function adminApi(app: FastifyInstance, options: AdminApiOptions): Promise<void> {
  const { deps } = options;
  let document: Record<string, unknown> | undefined;
  const context: RouteContext = {
    deps,
    openApiDocument: () => (document ??= buildOpenApiDocument(adminRoutes, { basePath: app.prefix })),
  };
  const publicUrls = new Set(adminRoutes.filter((route) => route.public).map((route) => `${route.method} ${app.prefix}${route.path}`));
  // The API takes JSON only: without this, Fastify's default text/plain parser hands a string
  // to the routes and a client that forgot its content type gets a puzzling validation error.
  app.removeContentTypeParser('text/plain');

  app.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
    if (publicUrls.has(`${req.method === 'HEAD' ? 'GET' : req.method} ${req.routeOptions.url ?? ''}`)) return;
    const token = bearerToken(req.headers.authorization);
    if (token !== undefined && (await deps.auth.verify(token))) return;
    reply.header('www-authenticate', 'Bearer realm="ipnhub"');
    throw new IpnhubError('UNAUTHORIZED', token === undefined ? 'Send the header Authorization: Bearer <token>.' : 'The token is not valid.');
  });

  for (const route of adminRoutes) {
    app.route({
      method: route.method,
      url: route.path,
      handler: async (req, reply) => {
        const body = await route.run({ params: req.params, query: req.query, body: req.body }, context);
        reply.code(route.response.status);
        return route.response.status === 204 ? reply.send() : reply.send(body);
      },
    });
  }
}
