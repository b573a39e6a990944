/**
 * The requests the fakes' own tests send: JSON with a bearer token, as the connector under test
 * would (a string body is sent as it is, to test malformed JSON).
 */
import { request } from 'undici';
import type { IncomingHttpHeaders } from 'node:http';

export interface JsonAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  json: unknown;
}

export type JsonCall = (
  method: string,
  path: string,
  body?: unknown,
  headers?: Record<string, string>,
) => Promise<JsonAnswer>;

/** A caller of `<url()><path>` with `authorization: Bearer <token>`. */
export function bearerJsonCall(url: () => string, token: string): JsonCall {
  return async (method, path, body, headers = {}) => {
    const res = await request(`${url()}${path}`, {
      method: method as 'GET',
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      ...(body === undefined
        ? {}
        : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    return {
      status: res.statusCode,
      headers: res.headers,
      json: (await res.body.json()) as unknown,
    };
  };
}
