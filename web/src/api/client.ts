/**
 * The one API client of the UI: openapi-fetch over the generated types (openapi-types.ts), so
 * every path, parameter and answer is checked by the compiler against the route table. Requests
 * are same-origin and authenticated by the session cookie; every request that changes
 * something carries `X-Ipnhub-Csrf: 1`, which the server requires of cookie-authenticated
 * mutations (a cross-site form cannot send it). A `401` anywhere but the session routes means
 * the session ended: `onUnauthorized` sends the user to the sign-in page.
 */
import createClient from 'openapi-fetch';
import type { Client } from 'openapi-fetch';
import { apiErrorOf, networkError } from './api-error.js';
import type { paths } from './openapi-types.js';

export const API_BASE = '/api/v1';
export const CSRF_HEADER = 'X-Ipnhub-Csrf';
const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export type ApiClient = Client<paths>;

export interface ApiClientOptions {
  /** Default `/api/v1` of this origin; tests pass an absolute URL. */
  baseUrl?: string;
  fetch?: typeof globalThis.fetch;
  onUnauthorized?: () => void;
}

/** Adds the CSRF header to a mutation (also used by the hand-written session calls). */
export function withCsrf(method: string, headers: Headers): Headers {
  if (MUTATING.has(method.toUpperCase())) headers.set(CSRF_HEADER, '1');
  return headers;
}

export function createApiClient(options: ApiClientOptions = {}): ApiClient {
  const client = createClient<paths>({
    baseUrl: options.baseUrl ?? API_BASE,
    credentials: 'same-origin',
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  client.use({
    onRequest({ request }) {
      withCsrf(request.method, request.headers);
      return request;
    },
    onResponse({ response }) {
      if (response.status === 401) options.onUnauthorized?.();
      return response;
    },
  });
  return client;
}

interface Answer<D> {
  data?: D;
  error?: unknown;
  response: Response;
}

/**
 * The data of a call, or an `ApiError` thrown: `await unwrap(api.GET('/sources'))`. A call
 * that never got an answer throws `NETWORK_ERROR`.
 */
export async function unwrap<D>(pending: Promise<Answer<D>>): Promise<D> {
  let answer: Answer<D>;
  try {
    answer = await pending;
  } catch (err) {
    throw networkError(err);
  }
  if (answer.error !== undefined || !answer.response.ok)
    throw apiErrorOf(answer.response, answer.error);
  return answer.data as D;
}
