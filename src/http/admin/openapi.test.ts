import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enabledDialects } from '../../../test/helpers/test-db.js';
import { adminApi } from './admin-api.js';
import { buildOpenApiDocument, toOpenApiPath } from './openapi.js';
import { adminRoutes } from './route-table.js';
import { startAdminHarness } from './test-support/admin-harness.js';
import type { AdminHarness } from './test-support/admin-harness.js';

interface Operation {
  operationId: string;
  tags: string[];
  summary: string;
  security?: unknown[];
  parameters?: Array<{
    name: string;
    in: string;
    required: boolean;
    schema: Record<string, unknown>;
  }>;
  requestBody?: { content: { 'application/json': { schema: Record<string, unknown> } } };
  responses: Record<string, { description: string }>;
}
interface Document {
  openapi: string;
  servers: Array<{ url: string }>;
  security: unknown[];
  paths: Record<string, Record<string, Operation>>;
  components: { securitySchemes: Record<string, unknown>; schemas: Record<string, unknown> };
}

/** `METHOD /api/v1/path/:param` for every operation of the document. */
function documentedRoutes(doc: Document): string[] {
  const base = doc.servers[0]?.url ?? '';
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.keys(item).map(
      (method) => `${method.toUpperCase()} ${base}${path.replace(/\{([^}]+)\}/g, ':$1')}`,
    ),
  );
}

/**
 * Routes from `printRoutes({ commonPrefix: false })`: a tree whose lines are
 * `<indent>├── <segment> (METHODS)`, four characters of indent per level.
 */
function printedRoutes(tree: string): string[] {
  const stack: string[] = [];
  const out: string[] = [];
  for (const line of tree.split('\n')) {
    const match = /^([│ ]*)[├└]── (\S+)(?: \(([^)]*)\))?$/.exec(line);
    if (!match) continue;
    const depth = (match[1] ?? '').length / 4;
    stack.length = depth;
    stack.push(match[2] ?? '');
    const path = stack.join('');
    for (const method of (match[3] ?? '')
      .split(',')
      .map((m) => m.trim())
      .filter((m) => m && m !== 'HEAD'))
      out.push(`${method} ${path}`);
  }
  return out;
}

describe('OpenAPI document', () => {
  const doc = buildOpenApiDocument(adminRoutes, { basePath: '/api/v1' }) as unknown as Document;

  it('lists every route the plugin registers, and nothing else', async () => {
    const registered: string[] = [];
    const app = Fastify();
    app.addHook('onRoute', (route) => {
      const methods = Array.isArray(route.method) ? route.method : [route.method];
      for (const method of methods)
        if (method !== 'HEAD') registered.push(`${method} ${route.url}`);
    });
    // The routes only read deps when called; registering needs none of them.
    await app.register(adminApi, { prefix: '/api/v1', deps: {} as never, guard: {} as never });
    await app.ready();
    await app.close();
    expect(registered.length).toBe(adminRoutes.length);
    expect(new Set(registered)).toEqual(new Set(documentedRoutes(doc)));
  });

  it('has unique operation ids and method/path pairs', () => {
    const ids = adminRoutes.map((route) => route.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    const pairs = adminRoutes.map((route) => `${route.method} ${route.path}`);
    expect(new Set(pairs).size).toBe(pairs.length);
  });

  it('covers every resource of the brief', () => {
    expect(documentedRoutes(doc).sort()).toEqual(
      [
        'POST /api/v1/session',
        'GET /api/v1/session',
        'DELETE /api/v1/session',
        'GET /api/v1/overview',
        'POST /api/v1/sources/:id/test-notification',
        'POST /api/v1/connections/:id/preview',
        'POST /api/v1/connections/:id/redeliver',
        'POST /api/v1/connections/:id/backfill',
        'POST /api/v1/connectors/:connector/preview',
        'GET /api/v1/system',
        'POST /api/v1/system/test-email',
        'POST /api/v1/token/rotate',
        'GET /api/v1/sources',
        'POST /api/v1/sources',
        'GET /api/v1/sources/:id',
        'PATCH /api/v1/sources/:id',
        'DELETE /api/v1/sources/:id',
        'GET /api/v1/connections',
        'POST /api/v1/connections',
        'GET /api/v1/connections/:id',
        'PATCH /api/v1/connections/:id',
        'DELETE /api/v1/connections/:id',
        'POST /api/v1/connections/:id/test',
        'GET /api/v1/connectors',
        'GET /api/v1/providers',
        'GET /api/v1/events',
        'GET /api/v1/events/:id',
        'GET /api/v1/inbound-requests',
        'GET /api/v1/inbound-requests/:id',
        'GET /api/v1/deliveries',
        'GET /api/v1/deliveries/:id',
        'POST /api/v1/deliveries/:id/redeliver',
        'GET /api/v1/customers',
        'GET /api/v1/customers/:id',
        'DELETE /api/v1/customers/:id',
        'GET /api/v1/orders',
        'GET /api/v1/orders/:id',
        'GET /api/v1/subscriptions',
        'GET /api/v1/access',
        'GET /api/v1/profiles',
        'POST /api/v1/profiles',
        'GET /api/v1/profiles/:id',
        'PATCH /api/v1/profiles/:id',
        'DELETE /api/v1/profiles/:id',
        'POST /api/v1/profiles/:id/logo',
        'DELETE /api/v1/profiles/:id/logo',
        'POST /api/v1/profiles/:id/sources',
        'DELETE /api/v1/profiles/:id/sources/:sourceId',
        'GET /api/v1/profiles/:id/logo',
        'POST /api/v1/profiles/number-preview',
        'GET /api/v1/documents',
        'GET /api/v1/documents/:id',
        'GET /api/v1/documents/:id/pdf',
        'POST /api/v1/documents/:id/resend',
        'POST /api/v1/documents/:id/credit-note',
        'GET /api/v1/exports/documents.csv',
        'GET /api/v1/exports/documents.zip',
        'GET /api/v1/manual-refunds',
        'GET /api/v1/sale-mails',
        'GET /api/v1/openapi.json',
      ].sort(),
    );
  });

  it('declares bearer or session cookie auth for everything but itself, sign-in and sign-out', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.components.securitySchemes).toEqual({
      bearerAuth: expect.objectContaining({ type: 'http', scheme: 'bearer' }),
      sessionCookie: expect.objectContaining({
        type: 'apiKey',
        in: 'cookie',
        name: 'ipnhub_session',
      }),
    });
    expect(doc.security).toEqual([{ bearerAuth: [] }, { sessionCookie: [] }]);
    expect(doc.paths['/openapi.json']?.get?.security).toEqual([]);
    expect(doc.paths['/session']?.post?.security).toEqual([]);
    expect(doc.paths['/session']?.delete?.security).toEqual([]);
    expect(doc.paths['/session']?.get?.security).toBeUndefined();
    // Changes made with the cookie need the CSRF header; reads do not.
    expect(doc.paths['/sources']?.post?.responses['403']?.description).toContain('CSRF_REJECTED');
    expect(doc.paths['/sources']?.get?.responses['403']).toBeUndefined();
    expect(doc.paths['/sources']?.get?.security).toBeUndefined();
    expect(doc.paths['/sources']?.get?.responses['401']?.description).toContain('UNAUTHORIZED');
    expect(doc.paths['/openapi.json']?.get?.responses['401']).toBeUndefined();
    // Too many failed authentications from one address.
    expect(doc.paths['/sources']?.get?.responses['429']?.description).toContain('RATE_LIMITED');
    expect(doc.paths['/openapi.json']?.get?.responses['429']).toBeUndefined();
  });

  it('describes parameters, bodies and error codes from the Zod schemas', () => {
    const listEvents = doc.paths['/events']?.get;
    const type = listEvents?.parameters?.find((p) => p.name === 'type');
    expect(type).toMatchObject({
      in: 'query',
      required: false,
      schema: {
        type: 'string',
        enum: expect.arrayContaining(['payment', 'refund', 'last_paid_day']),
      },
    });
    expect(listEvents?.parameters?.find((p) => p.name === 'limit')).toMatchObject({
      required: false,
      schema: { type: 'integer', minimum: 1, maximum: 500, default: 50 },
    });
    expect(listEvents?.responses['400']?.description).toContain('INVALID_CURSOR');

    const access = doc.paths['/access']?.get;
    expect(access?.parameters?.map((p) => [p.name, p.in, p.required])).toEqual([
      ['email', 'query', true],
      ['productId', 'query', true],
    ]);

    const getSource = doc.paths['/sources/{id}']?.get;
    expect(getSource?.parameters).toEqual([
      expect.objectContaining({ name: 'id', in: 'path', required: true }),
    ]);
    expect(getSource?.responses['404']?.description).toContain('NOT_FOUND');

    const createConnection = doc.paths['/connections']?.post;
    const body = createConnection?.requestBody?.content['application/json'].schema;
    expect(body).toMatchObject({
      type: 'object',
      required: ['connector', 'name'],
      additionalProperties: false,
    });
    expect(Object.keys((body?.properties ?? {}) as object)).toEqual([
      'connector',
      'name',
      'active',
      'filters',
      'config',
      'errorEmails',
    ]);
    expect(createConnection?.responses['201']).toBeDefined();

    expect(doc.paths['/deliveries/{id}/redeliver']?.post?.responses['409']?.description).toContain(
      'DELIVERY_IN_PROGRESS',
    );
    expect(doc.paths['/sources/{id}']?.delete?.responses['204']).toEqual({
      description: 'Deleted.',
    });
  });

  it('describes every answer with a named schema, and every reference resolves', () => {
    for (const route of adminRoutes) {
      const label = `${route.method} ${route.path}`;
      if (route.response.status === 204) {
        expect(route.response.schema, label).toBeUndefined();
        continue;
      }
      expect(route.response.schema, label).toBeDefined();
      const operation = doc.paths[toOpenApiPath(route.path)]?.[route.method.toLowerCase()];
      const content = (
        operation?.responses[String(route.response.status)] as
          | { content?: Record<string, { schema: { $ref?: string; format?: string } }> }
          | undefined
      )?.content;
      // A file answer (PDF, CSV, ZIP) is described by its media type as binary.
      if (route.response.file !== undefined)
        expect(content?.[route.response.file]?.schema.format, label).toBe('binary');
      else
        expect(content?.['application/json']?.schema.$ref, label).toMatch(
          /^#\/components\/schemas\/[A-Z]\w+$/,
        );
    }
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"#\/components\/schemas\/(\w+)"/g)].map(
      (m) => m[1] ?? '',
    );
    expect(refs.length).toBeGreaterThan(50);
    for (const name of new Set(refs)) expect(doc.components.schemas, name).toHaveProperty(name);
    // Components are parts of this document, not documents of their own.
    expect(JSON.stringify(doc.components.schemas)).not.toMatch(/"\$(schema|id)"/);
    expect(doc.components.schemas.Source).toMatchObject({
      type: 'object',
      additionalProperties: false,
      required: expect.arrayContaining(['inboundUrl', 'lastNotificationAt', 'counts']),
    });
    expect(doc.components.schemas.SourcePage).toMatchObject({
      properties: { data: { type: 'array', items: { $ref: '#/components/schemas/Source' } } },
    });
  });

  it('maps Fastify paths to OpenAPI paths', () => {
    expect(toOpenApiPath('/deliveries/:id/redeliver')).toBe('/deliveries/{id}/redeliver');
  });
});

for (const dialect of enabledDialects()) {
  describe(`OpenAPI document served by the app on ${dialect}`, () => {
    let h: AdminHarness;
    beforeAll(async () => {
      h = await startAdminHarness(dialect);
    });
    afterAll(async () => h.close());

    it('is served at /api/v1/openapi.json and matches every /api/v1 route of the whole app', async () => {
      const res = await h.call('GET', '/openapi.json', undefined, null);
      expect(res.status).toBe(200);
      const doc = res.json<Document>();
      expect(doc.servers).toEqual([{ url: '/api/v1' }]);
      const printed = printedRoutes(h.app.printRoutes({ commonPrefix: false }));
      // The parser must understand the tree: routes outside the API are there too.
      expect(printed).toContain('POST /ipn/:sourceId');
      expect(printed).toContain('GET /healthz');
      const apiRoutes = printed.filter((route) => route.split(' ')[1]?.startsWith('/api/v1/'));
      expect(new Set(apiRoutes)).toEqual(new Set(documentedRoutes(doc)));
    });
  });
}
