/**
 * The OpenAPI 3.1 document of the admin API, generated from the route table: every route's
 * method, path, summary, tag, input schemas (via `z.toJSONSchema`, JSON Schema 2020-12 as
 * OpenAPI 3.1 uses) and responses — the answer's schema, named under `components/schemas`
 * (responses/registry.ts), and the error codes it can answer with. Served at
 * `GET /api/v1/openapi.json` without authentication. The web UI's API types are generated from
 * this document.
 */
import * as z from 'zod';
import { ERROR_CATALOGUE } from '../../core/errors.js';
import type { ErrorCode } from '../../core/errors.js';
import { defineRoute } from './define-route.js';
import type { AdminRoute } from './define-route.js';
import { named, responseSchemas } from './responses/registry.js';
import { isRecord } from '../../lib/is-record.js';

type JsonObject = Record<string, unknown>;

export interface OpenApiOptions {
  /** The prefix the API is mounted under, e.g. `/api/v1`. */
  basePath: string;
}

const TAGS: ReadonlyArray<{ name: string; description: string }> = [
  {
    name: 'session',
    description: 'Sign-in of the web UI: the admin token exchanged for a session cookie.',
  },
  { name: 'overview', description: 'What came in, what went out, what needs attention.' },
  { name: 'sources', description: 'Inbound accounts: where providers send their notifications.' },
  { name: 'connections', description: 'Outbound targets with filters, config and credentials.' },
  {
    name: 'catalogue',
    description: 'Installed providers and connectors with their config schemas.',
  },
  { name: 'events', description: 'Canonical events.' },
  { name: 'inbound requests', description: 'Every notification as received, with its verdict.' },
  { name: 'deliveries', description: 'The delivery log, attempts and manual redelivery.' },
  { name: 'ledger', description: 'Customers, orders, subscriptions and access.' },
  {
    name: 'invoicing',
    description:
      'Seller profiles, issued invoice-receipts and credit notes, their PDFs and mails, exports.',
  },
  { name: 'system', description: 'This installation: version, database, mail, the admin token.' },
  { name: 'meta', description: 'This document.' },
];

const COMPONENT_PREFIX = '#/components/schemas/';

/** JSON Schema keys that belong to a standalone document, not to a component of this one. */
function asComponent(json: JsonObject): JsonObject {
  const { $schema: _schema, $id: _id, ...rest } = json;
  return rest;
}

/** The named response schemas, output side, referring to each other by `#/components/schemas/<name>`. */
function responseComponents(): Record<string, JsonObject> {
  const converted = z.toJSONSchema(responseSchemas, {
    io: 'output',
    unrepresentable: 'any',
    uri: (id) => `${COMPONENT_PREFIX}${id}`,
  });
  return Object.fromEntries(
    Object.entries(converted.schemas).map(([name, schema]) => [
      name,
      asComponent(schema as JsonObject),
    ]),
  );
}

/** A reference to a response schema's component, or the schema inline when it has no name. */
function responseSchemaOf(schema: z.ZodType): JsonObject {
  const id = responseSchemas.get(schema)?.id;
  if (id !== undefined) return { $ref: `${COMPONENT_PREFIX}${id}` };
  return asComponent(
    z.toJSONSchema(schema, { io: 'output', unrepresentable: 'any' }) as JsonObject,
  );
}

/** Methods that change something: with the session cookie they need the CSRF header (http/admin-guard.ts). */
const CHANGING_METHODS: ReadonlySet<string> = new Set(['POST', 'PATCH', 'DELETE']);

const ERROR_SCHEMA: JsonObject = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: {
          type: 'string',
          enum: Object.keys(ERROR_CATALOGUE),
          description: 'Stable code from the error catalogue (docs/errors.md).',
        },
        message: { type: 'string' },
        fields: {
          type: 'array',
          description:
            'The input fields the error is about, one entry per problem, when it knows them (VALIDATION_FAILED: paths in the request body or query, e.g. `name`, `filters.eventTypes.0`; INVALID_CONFIG, UNKNOWN_TEMPLATE_PATH, CONFIG_TOO_LARGE: paths in the config, e.g. `url`, `mapping.email`; `(root)`: the whole part).',
          items: {
            type: 'object',
            required: ['path', 'problem'],
            properties: {
              path: { type: 'string', description: 'Dot path of the field.' },
              problem: { type: 'string', description: 'What is wrong with it.' },
            },
          },
        },
      },
    },
  },
};

/** `/sources/:id` → `/sources/{id}` */
export function toOpenApiPath(path: string): string {
  return path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

/** A schema's input side (what a client sends) or output side (what it gets back), without `$schema`: OpenAPI 3.1 implies draft 2020-12. */
function jsonSchemaOf(schema: z.ZodType, io: 'input' | 'output' = 'input'): JsonObject {
  const json: JsonObject = z.toJSONSchema(schema, { io, unrepresentable: 'any' });
  delete json.$schema;
  return json;
}

/** One OpenAPI parameter per property of an object schema (path params are always required). */
function parametersOf(schema: z.ZodType | undefined, location: 'path' | 'query'): JsonObject[] {
  if (!schema) return [];
  const json = jsonSchemaOf(schema);
  const properties = isRecord(json.properties) ? json.properties : {};
  const required = new Set(Array.isArray(json.required) ? json.required : []);
  return Object.entries(properties).map(([name, property]) => {
    const parameter: JsonObject = {
      name,
      in: location,
      required: location === 'path' || required.has(name),
      schema: property,
    };
    if (isRecord(property) && typeof property.description === 'string')
      parameter.description = property.description;
    return parameter;
  });
}

/** The error codes a route can answer with: those implied by its shape plus its own. */
export function errorCodesOf(route: AdminRoute): ErrorCode[] {
  const codes = new Set<ErrorCode>();
  if (!route.public) {
    codes.add('UNAUTHORIZED');
    // After too many failed authentications from one address (see http/bearer-guard.ts).
    codes.add('RATE_LIMITED');
    if (CHANGING_METHODS.has(route.method)) codes.add('CSRF_REJECTED');
  }
  if (route.schemas.params || route.schemas.query || route.schemas.body)
    codes.add('VALIDATION_FAILED');
  if (route.schemas.body) {
    codes.add('MALFORMED_BODY');
    codes.add('UNSUPPORTED_CONTENT_TYPE');
    // A route with a body limit of its own answers its own code instead.
    codes.add(route.bodyLimit?.code ?? 'BODY_TOO_LARGE');
  }
  if (route.schemas.query instanceof z.ZodObject && 'cursor' in route.schemas.query.shape)
    codes.add('INVALID_CURSOR');
  if (route.schemas.params) codes.add('NOT_FOUND');
  for (const code of route.errors) codes.add(code);
  return [...codes];
}

function responsesOf(route: AdminRoute): JsonObject {
  const responses: JsonObject = {};
  const schema = route.response.schema;
  const file = route.response.file;
  responses[String(route.response.status)] =
    file !== undefined
      ? {
          description: route.response.description,
          content: { [file]: { schema: { type: 'string', format: 'binary' } } },
        }
      : schema === undefined
        ? { description: route.response.description }
        : {
            description: route.response.description,
            content: { 'application/json': { schema: responseSchemaOf(schema) } },
          };
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of errorCodesOf(route)) {
    const status = ERROR_CATALOGUE[code].status;
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  for (const [status, codes] of [...byStatus].sort(([a], [b]) => a - b)) {
    responses[String(status)] = {
      description: codes.map((code) => `${code}: ${ERROR_CATALOGUE[code].message}`).join(' '),
      content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
    };
  }
  return responses;
}

function operationOf(route: AdminRoute): JsonObject {
  const operation: JsonObject = {
    operationId: route.operationId,
    tags: [route.tag],
    summary: route.summary,
  };
  if (route.description) operation.description = route.description;
  const parameters = [
    ...parametersOf(route.schemas.params, 'path'),
    ...parametersOf(route.schemas.query, 'query'),
  ];
  if (parameters.length > 0) operation.parameters = parameters;
  if (route.schemas.body)
    operation.requestBody = {
      required: true,
      content: { 'application/json': { schema: jsonSchemaOf(route.schemas.body) } },
    };
  operation.responses = responsesOf(route);
  if (route.public) operation.security = [];
  return operation;
}

export function buildOpenApiDocument(
  routes: readonly AdminRoute[],
  options: OpenApiOptions,
): JsonObject {
  const paths: Record<string, JsonObject> = {};
  for (const route of routes) {
    const path = toOpenApiPath(route.path);
    paths[path] = { ...paths[path], [route.method.toLowerCase()]: operationOf(route) };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'ipnhub admin API',
      version: '1',
      description:
        "Manage sources and connections, read the event and delivery logs and the ledger. Every route except this document, sign-in and sign-out needs `Authorization: Bearer <IPNHUB_ADMIN_TOKEN>` or the session cookie `ipnhub_session` of the web UI (POST /session). Changes (POST, PATCH, DELETE) made with the cookie must send the header `X-Ipnhub-Csrf: 1` and, when the browser sends `Origin`, come from this server's own origin: otherwise 403 CSRF_REJECTED. Lists are newest first with cursor pagination: `{ data, nextCursor }`; pass `nextCursor` as `cursor` for the next page. Errors are `{ error: { code, message } }`. After too many failed authentications from one address (IPNHUB_ADMIN_AUTH_FAILURES_PER_MINUTE), that address gets 429 RATE_LIMITED with Retry-After for the rest of the minute. Secret config values are write-only and never returned.",
    },
    servers: [{ url: options.basePath || '/' }],
    tags: TAGS,
    security: [{ bearerAuth: [] }, { sessionCookie: [] }],
    paths,
    components: {
      securitySchemes: {
        bearerAuth: {
          type: 'http',
          scheme: 'bearer',
          description: 'IPNHUB_ADMIN_TOKEN, or the token printed once on first start.',
        },
        sessionCookie: {
          type: 'apiKey',
          in: 'cookie',
          name: 'ipnhub_session',
          description:
            'The session of the web UI (POST /session). Changes also need the header X-Ipnhub-Csrf: 1.',
        },
      },
      schemas: { ...responseComponents(), Error: ERROR_SCHEMA },
    },
  };
}

export const openApiRoutes: readonly AdminRoute[] = [
  defineRoute({
    method: 'GET',
    path: '/openapi.json',
    operationId: 'getOpenApiDocument',
    tag: 'meta',
    summary: 'This OpenAPI document',
    public: true,
    response: {
      status: 200,
      description: 'The OpenAPI 3.1 document.',
      schema: named('OpenApiDocument', z.record(z.string(), z.unknown())),
    },
    handler: async ({ openApiDocument }) => openApiDocument(),
  }),
];
