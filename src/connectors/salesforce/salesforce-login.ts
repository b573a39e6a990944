/**
 * Logging in to Salesforce (docs/protocols/salesforce.md#login): `POST <login host>/services/oauth2/token`,
 * form-encoded, with the username-password grant (password + security token appended) or the
 * client-credentials grant. The answer's `access_token` and `instance_url` are the session
 * every later call uses. OAuth errors (400 `invalid_grant`, `invalid_client_id`, …) are
 * credential problems; 429, 5xx and network failures are transient.
 */
import * as z from 'zod';
import type { Clock } from '../../lib/clock.js';
import type { HttpClient } from '../../lib/http-client.js';
import type { RateLimiter } from '../rate-limiter.js';
import type { LoginResult } from '../session-cache.js';
import { createTargetClient, loginFailure } from '../target-client.js';
import type { SalesforceCredentials } from './config.js';

export interface SalesforceSession {
  accessToken: string;
  /** The org's API host, without a trailing slash, e.g. `https://yourcompany.my.salesforce.com`. */
  instanceUrl: string;
}

export interface LoginDeps {
  http: HttpClient;
  clock: Clock;
  signal?: AbortSignal;
  limiter?: RateLimiter;
}

const tokenAnswer = z.object({
  access_token: z.string().min(1),
  instance_url: z.url({ protocol: /^https?$/ }),
});

const oauthError = z.object({ error: z.string(), error_description: z.string().optional() });

/** The token endpoint for the configured login URL (scheme and host only). */
export function tokenUrl(loginUrl: string): string {
  return `${new URL(loginUrl).origin}/services/oauth2/token`;
}

function tokenForm(credentials: SalesforceCredentials): Record<string, string> {
  const client = { client_id: credentials.clientId, client_secret: credentials.clientSecret };
  if (credentials.flow === 'client_credentials')
    return { grant_type: 'client_credentials', ...client };
  return {
    grant_type: 'password',
    ...client,
    username: credentials.username ?? '',
    // docs/protocols/salesforce.md#login: the security token goes directly after the password, without a separator.
    password: `${credentials.password ?? ''}${credentials.securityToken ?? ''}`,
  };
}

function hint(credentials: SalesforceCredentials, error: string): string {
  if (error === 'invalid_client_id' || error === 'invalid_client')
    return 'check the consumer key and consumer secret';
  if (error === 'invalid_grant' && credentials.flow === 'password') {
    return 'check the username, the password and the security token, and that the org allows the OAuth username-password flow';
  }
  if (credentials.flow === 'client_credentials')
    return 'check that the connected app enables the client credentials flow with a "Run As" user, and that the login URL is your My Domain URL';
  return 'check the credentials and the login URL';
}

/** One token request; never throws. */
export async function requestToken(
  credentials: SalesforceCredentials,
  deps: LoginDeps,
): Promise<LoginResult<SalesforceSession>> {
  const url = tokenUrl(credentials.loginUrl);
  const client = createTargetClient<never>({
    name: 'Salesforce',
    http: deps.http,
    clock: deps.clock,
    ...(deps.signal ? { signal: deps.signal } : {}),
    ...(deps.limiter ? { limiter: deps.limiter } : {}),
    prepare: (req) => ({ ...req, url }),
  });
  const result = await client.call({
    method: 'POST',
    path: '/services/oauth2/token',
    form: tokenForm(credentials),
  });
  if (result.ok) {
    const answer = tokenAnswer.safeParse(result.body);
    if (!answer.success)
      return {
        ok: false,
        auth: false,
        message: `the token endpoint ${url} answered without an access_token and instance_url`,
      };
    return {
      ok: true,
      session: {
        accessToken: answer.data.access_token,
        instanceUrl: answer.data.instance_url.replace(/\/+$/, ''),
      },
    };
  }
  // Transient problems retry; a request that could not be sent for good (guard, bad URL) is permanent.
  if (result.result.outcome === 'retry' || result.status === undefined) return loginFailure(result);
  const parsed = oauthError.safeParse(result.body);
  const status = result.status !== undefined ? ` (HTTP ${result.status})` : '';
  if (parsed.success) {
    const { error, error_description: description } = parsed.data;
    return {
      ok: false,
      auth: true,
      message: `${error}${description ? `: ${description}` : ''}${status} — ${hint(credentials, error)}`,
    };
  }
  return {
    ok: false,
    auth: true,
    message: `the token endpoint ${url} answered HTTP ${result.status} — check the login URL`,
  };
}
