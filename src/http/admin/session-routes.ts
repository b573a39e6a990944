/**
 * `/session`: sign-in for the web UI. The admin token is exchanged for a session cookie
 * (HttpOnly, SameSite=Strict, Secure over https), so the browser never keeps the token; see
 * ../admin-guard.ts for the rules and secrets/admin-sessions.ts for how sessions end.
 * `POST /token/rotate` (system-routes.ts) ends every session.
 */
import * as z from 'zod';
import { IpnhubError } from '../../core/errors.js';
import { defineRoute } from './define-route.js';
import type { AdminRoute } from './define-route.js';
import { sessionStatus } from './responses/session.js';

const TAG = 'session';

export const signInBody = z
  .object({
    token: z.string().min(1).max(500).meta({
      description: 'The admin token (IPNHUB_ADMIN_TOKEN, or the one printed on first start).',
      writeOnly: true,
    }),
  })
  .strict();

export const sessionRoutes: readonly AdminRoute[] = [
  defineRoute({
    method: 'POST',
    path: '/session',
    operationId: 'signIn',
    tag: TAG,
    summary: 'Sign in',
    description:
      'Exchanges the admin token for the session cookie `ipnhub_session` (HttpOnly, SameSite=Strict, Path=/, Max-Age: the longest a session lasts; Secure when the request came over https, also through a trusted proxy). A wrong token counts against the same per-address limit as a wrong Bearer token: beyond it, 429 with Retry-After, even for the right token. Changes made with the cookie must send `X-Ipnhub-Csrf: 1`.',
    public: true,
    body: signInBody,
    errors: ['UNAUTHORIZED', 'RATE_LIMITED'],
    response: { status: 204, description: 'Signed in; the answer sets the cookie.' },
    handler: async ({ body, http }) => {
      await http.signIn(body.token);
      return undefined;
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/session',
    operationId: 'getSession',
    tag: TAG,
    summary: 'The current session',
    description:
      'Whether the request is signed in (session cookie or Bearer token) and, for a session, when it ends unless used again (12 h after the last use by default, at most 7 days after sign-in). 401 when not signed in or the session ended (also after the admin token was rotated).',
    response: {
      status: 200,
      description: '`{ authenticated: true, expiresAt }`',
      schema: sessionStatus,
    },
    handler: async ({ http }) => {
      if (http.auth === null)
        throw new IpnhubError('INTERNAL', 'GET /session ran without authentication');
      return {
        authenticated: true as const,
        expiresAt: http.auth.kind === 'session' ? http.auth.expiresAt : null,
      };
    },
  }),
  defineRoute({
    method: 'DELETE',
    path: '/session',
    operationId: 'signOut',
    tag: TAG,
    summary: 'Sign out',
    description:
      'Ends the session of the cookie sent (if any) and clears the cookie. With a cookie, send `X-Ipnhub-Csrf: 1` like every change.',
    public: true,
    errors: ['CSRF_REJECTED'],
    response: { status: 204, description: 'Signed out; the answer clears the cookie.' },
    handler: async ({ http }) => {
      await http.signOut();
      return undefined;
    },
  }),
];
