/**
 * The admin REST API, a Fastify plugin the app mounts at `/api/v1`. It registers the routes of
 * the route table and nothing else; every route needs `Authorization: Bearer <token>` except
 * the OpenAPI document. The check (`authenticate`, see bearer-guard.ts) runs as an `onRequest`
 * hook for the whole plugin, so a route is protected unless the table marks it public. Errors
 * are thrown as `IpnhubError`s and rendered by the app's error handler.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AdminDeps } from './admin-deps.js';
import type { RouteContext } from './define-route.js';
import { buildOpenApiDocument } from './openapi.js';
import { adminRoutes } from './route-table.js';

export interface AdminApiOptions {
  deps: AdminDeps;
  /** Lets an authenticated request through; throws otherwise. */
  authenticate(req: FastifyRequest, reply: FastifyReply): Promise<void>;
}

export async function adminApi(app: FastifyInstance, options: AdminApiOptions): Promise<void> {
  const { deps, authenticate } = options;
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
    await authenticate(req, reply);
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
