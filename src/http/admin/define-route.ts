/**
 * One admin API route as data: method, path, documentation, the Zod schemas of its input and
 * its handler. The route table (route-table.ts) lists them all; the plugin (admin-api.ts)
 * registers exactly those and the OpenAPI document (openapi.ts) is generated from the same
 * list, so the two cannot drift apart.
 *
 * Input is parsed with the route's schemas before the handler runs; a failure is
 * `IpnhubError('VALIDATION_FAILED', '<field>: <message>')`. Handlers return the response
 * body; the status is the route's declared `response.status`.
 */
import * as z from 'zod';
import { fieldProblems, joinFieldProblems } from '../../connections/issue-message.js';
import { IpnhubError } from '../../core/errors.js';
import type { ErrorCode } from '../../core/errors.js';
import type { AdminAuth } from '../admin-guard.js';
import type { AdminDeps } from './admin-deps.js';

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE';

/** The HTTP side of one request, for the few routes that need more than their parsed input (sign-in). */
export interface RouteHttp {
  /** How the request was authenticated; null on public routes. */
  auth: AdminAuth | null;
  /** The client's address (the forwarded one behind a trusted proxy). */
  clientAddress: string;
  /**
   * The origin of the inbound URLs in answers: the public base URL when configured, else the
   * origin this request reached the server at (connections/inbound-url.ts).
   */
  inboundOrigin: string;
  /** Exchanges the admin token for a session cookie on this answer (see http/admin-guard.ts). */
  signIn(token: string): Promise<void>;
  /** Ends the cookie's session, if any, and clears the cookie on this answer. */
  signOut(): Promise<void>;
}

/** What a handler may use besides its parsed input. */
export interface RouteContext {
  deps: AdminDeps;
  /** The generated OpenAPI document (served by `GET /openapi.json`). */
  openApiDocument(): Record<string, unknown>;
  http: RouteHttp;
}

type Parsed<S> = S extends z.ZodType ? z.output<S> : undefined;

/** `T` with every array and object read-only: a handler may return read-only data it does not own. */
type ReadonlyJson<T> = T extends readonly (infer U)[]
  ? readonly ReadonlyJson<U>[]
  : T extends object
    ? { readonly [K in keyof T]: ReadonlyJson<T[K]> }
    : T;

/** What a handler returns: what its response schema describes, or nothing (204). */
type Returned<R> = R extends z.ZodType ? ReadonlyJson<z.input<R>> : undefined;

export interface RouteResponse<R extends z.ZodType | undefined> {
  status: number;
  description: string;
  /** The answer's shape; the OpenAPI document and the UI's generated types come from it. Absent only for 204. */
  schema?: R;
  /** A file answer (a PDF, a CSV, a ZIP) of this media type instead of JSON; the schema is then {@link fileAnswer}. */
  file?: string;
}

/** What a route with a file answer returns: the bytes, sent as a download named `fileName`. */
export interface FileAnswer {
  contentType: string;
  fileName: string;
  bytes: Uint8Array;
}

export function isFileAnswer(value: unknown): value is FileAnswer {
  if (typeof value !== 'object' || value === null) return false;
  const answer = value as Partial<FileAnswer>;
  // By its tag, not `instanceof`: bytes made in another realm (a test environment's globals, a
  // worker) are a Uint8Array all the same.
  return (
    typeof answer.contentType === 'string' &&
    typeof answer.fileName === 'string' &&
    Object.prototype.toString.call(answer.bytes) === '[object Uint8Array]'
  );
}

/** The response schema of routes that answer a file. */
export const fileAnswer = z.custom<FileAnswer>(isFileAnswer, 'a file answer');

export interface RouteSpec<
  P extends z.ZodType | undefined,
  Q extends z.ZodType | undefined,
  B extends z.ZodType | undefined,
  R extends z.ZodType | undefined,
> {
  method: HttpMethod;
  /** Fastify path below the API prefix, e.g. `/sources/:id`. */
  path: string;
  operationId: string;
  tag: string;
  summary: string;
  description?: string;
  /** Reachable without the Bearer token (only the OpenAPI document). */
  public?: boolean;
  params?: P;
  query?: Q;
  body?: B;
  response: RouteResponse<R>;
  /** Error codes this route answers with besides the ones every route of its shape has. */
  errors?: readonly ErrorCode[];
  /**
   * A body limit of its own instead of the app's (1 MiB), and the code a larger body is refused
   * with instead of `BODY_TOO_LARGE` (a logo upload says that the logo is too large).
   */
  bodyLimit?: RouteBodyLimit;
  handler(
    input: { params: Parsed<P>; query: Parsed<Q>; body: Parsed<B> } & RouteContext,
  ): Promise<Returned<R>>;
}

export interface RouteBodyLimit {
  bytes: number;
  code: ErrorCode;
}

/** A route with its input types erased, as the table, the plugin and the document see it. */
export interface AdminRoute {
  method: HttpMethod;
  path: string;
  operationId: string;
  tag: string;
  summary: string;
  description: string | undefined;
  public: boolean;
  schemas: { params?: z.ZodType; query?: z.ZodType; body?: z.ZodType };
  response: RouteResponse<z.ZodType | undefined>;
  errors: readonly ErrorCode[];
  bodyLimit: RouteBodyLimit | undefined;
  /** Parses the raw request parts and runs the handler; resolves to the response body. */
  run(
    raw: { params: unknown; query: unknown; body: unknown },
    context: RouteContext,
  ): Promise<unknown>;
}

/** Parses `value` with `schema`, or throws `IpnhubError('VALIDATION_FAILED')` naming every bad field (the whole part by its location). */
export function parseInput<S extends z.ZodType>(
  schema: S,
  value: unknown,
  location: 'params' | 'query' | 'body',
): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const fields = fieldProblems(result.error, { input: value }).map((f) =>
    f.path === '(root)' ? { ...f, path: location } : f,
  );
  throw new IpnhubError('VALIDATION_FAILED', joinFieldProblems(fields), { fields });
}

function parsePart<S extends z.ZodType | undefined>(
  schema: S,
  value: unknown,
  location: 'params' | 'query' | 'body',
): Parsed<S> {
  // Parsed<S> is undefined exactly when no schema is given.
  return (schema === undefined ? undefined : parseInput(schema, value, location)) as Parsed<S>;
}

export function defineRoute<
  P extends z.ZodType | undefined = undefined,
  Q extends z.ZodType | undefined = undefined,
  B extends z.ZodType | undefined = undefined,
  R extends z.ZodType | undefined = undefined,
>(spec: RouteSpec<P, Q, B, R>): AdminRoute {
  const schemas: AdminRoute['schemas'] = {};
  if (spec.params) schemas.params = spec.params;
  if (spec.query) schemas.query = spec.query;
  if (spec.body) schemas.body = spec.body;
  return {
    method: spec.method,
    path: spec.path,
    operationId: spec.operationId,
    tag: spec.tag,
    summary: spec.summary,
    description: spec.description,
    public: spec.public ?? false,
    schemas,
    response: spec.response,
    errors: spec.errors ?? [],
    bodyLimit: spec.bodyLimit,
    async run(raw, context) {
      // An optional property reads as `P | undefined`; P itself is undefined when it is absent.
      const params = parsePart(spec.params as P, raw.params, 'params');
      const query = parsePart(spec.query as Q, raw.query, 'query');
      const body = parsePart(spec.body as B, raw.body, 'body');
      return spec.handler({ params, query, body, ...context });
    },
  };
}
