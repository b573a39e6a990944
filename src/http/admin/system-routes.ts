/**
 * `/system` and `/token`: what the web UI's settings page shows and does — the installation's
 * facts (no secrets), a test e-mail through the configured mailer, and rotating the admin
 * token (which ends every sign-in session; the CLI's `ipnhub token rotate` does the same).
 */
import * as z from 'zod';
import { defineRoute } from './define-route.js';
import type { AdminRoute } from './define-route.js';
import { rotatedToken } from './responses/session.js';
import { systemInfo, testResult } from './responses/system.js';

const TAG = 'system';

export const testEmailBody = z
  .object({
    to: z.email().max(320).meta({ description: 'Where the test e-mail goes.' }),
  })
  .strict();

export const systemRoutes: readonly AdminRoute[] = [
  defineRoute({
    method: 'GET',
    path: '/system',
    operationId: 'getSystem',
    tag: TAG,
    summary: 'About this installation',
    description:
      'Version, database kind and applied migrations, the public base URL, how mail goes out, and (SQLite) the data directory. Never a secret.',
    response: {
      status: 200,
      description: '`{ version, database, migrations, publicBaseUrl, mail, dataDir? }`',
      schema: systemInfo,
    },
    handler: async ({ deps }) => deps.system(),
  }),
  defineRoute({
    method: 'POST',
    path: '/system/test-email',
    operationId: 'sendTestEmail',
    tag: TAG,
    summary: 'Send a test e-mail',
    description:
      'Sends a short mail to `to` with the configured mailer (SMTP, or an .eml file in the data directory without SMTP). A failure is `ok: false` with the reason (e.g. the SMTP server refused the login), not an error.',
    body: testEmailBody,
    response: { status: 200, description: '`{ ok, message }`', schema: testResult },
    handler: async ({ body, deps }) => deps.sendTestEmail(body.to),
  }),
  defineRoute({
    method: 'POST',
    path: '/token/rotate',
    operationId: 'rotateAdminToken',
    tag: TAG,
    summary: 'Rotate the admin token',
    description:
      "Makes a new admin token and answers it once; the old one stops working in every process on this database, and every sign-in session ends (the answer clears the caller's cookie: sign in again with the new token). 409 `ADMIN_TOKEN_CONFIGURED` when the token is set with IPNHUB_ADMIN_TOKEN.",
    errors: ['ADMIN_TOKEN_CONFIGURED'],
    response: { status: 200, description: '`{ token }`', schema: rotatedToken },
    handler: async ({ deps, http }) => {
      const token = await deps.rotateToken();
      await http.signOut();
      return { token };
    },
  }),
];
