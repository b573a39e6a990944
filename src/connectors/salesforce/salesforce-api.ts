/**
 * The Salesforce REST API as one delivery sees it (docs/protocols/salesforce.md#expired-sessions, docs/protocols/salesforce.md#rest-paths-and-versions, docs/protocols/salesforce.md#errors-and-limits):
 * every call goes to the session's `instance_url` under `/services/data/vNN.N/` with the
 * Bearer token, through the shared target client (rate limit, one re-login when a 401
 * `INVALID_SESSION_ID` says the session expired). Salesforce-specific classification:
 * 403 `REQUEST_LIMIT_EXCEEDED` is the org's API limit, so it is retried after a long back-off
 * instead of being treated as a credential failure; error bodies are arrays (or, for some
 * 404s, one object) of `{ message, errorCode }`; 300 lists the records an upsert matched.
 */
import * as z from 'zod';
import type { Clock } from '../../lib/clock.js';
import type { HttpClient } from '../../lib/http-client.js';
import { sharedRateLimiter } from '../rate-limiter.js';
import { createSessionCache, credentialKey } from '../session-cache.js';
import type { CallResult, RetryOrFailed, TargetRequest } from '../target-client.js';
import { createTargetClient } from '../target-client.js';
import type { SalesforceConfig } from './config.js';
import { requestToken } from './salesforce-login.js';
import type { SalesforceSession } from './salesforce-login.js';
import { cacheSlot } from '../../lib/cache-scope.js';
import type { CacheScope } from '../../lib/cache-scope.js';

/** Logins of one runtime: deliveries of the same credentials share a login (docs/protocols/salesforce.md#login sessions last hours). */
const SESSIONS = cacheSlot('Salesforce sessions', () => createSessionCache<SalesforceSession>());

export interface ApiDeps {
  http: HttpClient;
  clock: Clock;
  signal?: AbortSignal;
  /** The runtime's caches (sessions, rate limiters). */
  caches: CacheScope;
}

export type QueryResult =
  | { ok: true; records: Array<Record<string, unknown>> }
  | { ok: false; result: RetryOrFailed };

export interface SalesforceApi {
  /** Sends `req`; `path` is below the instance URL (use {@link SalesforceApi.data} for REST paths). */
  call(req: TargetRequest): Promise<CallResult>;
  /** `/services/data/v<version>` + `rest`. */
  data(rest: string): string;
  /** Runs one SOQL query and returns its records (the first page: the connector asks for at most a few). */
  query(soql: string): Promise<QueryResult>;
  /** Headers for writes: the duplicate-rule header when the connection allows saving duplicates. */
  writeHeaders: Record<string, string>;
}

const apiError = z.object({ errorCode: z.string(), message: z.string() });

function errors(body: unknown): Array<z.infer<typeof apiError>> {
  const items = Array.isArray(body) ? body : [body];
  return items.flatMap((item) => {
    const parsed = apiError.safeParse(item);
    return parsed.success ? [parsed.data] : [];
  });
}

/** The target's message in an error body: `CODE: message` per error, or the records a 300 lists. */
export function salesforceErrorMessage(body: unknown): string | undefined {
  const found = errors(body);
  if (found.length > 0) return found.map((e) => `${e.errorCode}: ${e.message}`).join('; ');
  if (Array.isArray(body) && body.length > 0 && body.every((item) => typeof item === 'string')) {
    return `several records match (${body.join(', ')}); make the External ID field unique`;
  }
  return undefined;
}

function isRequestLimit(status: number, body: unknown): boolean {
  return status === 403 && errors(body).some((e) => e.errorCode === 'REQUEST_LIMIT_EXCEEDED');
}

const queryAnswer = z.object({ records: z.array(z.record(z.string(), z.unknown())) });

export function salesforceApi(config: SalesforceConfig, deps: ApiDeps): SalesforceApi {
  const { credentials } = config;
  const account = credentialKey(
    'salesforce',
    new URL(credentials.loginUrl).origin,
    credentials.username ?? credentials.clientId,
  );
  const limiter = sharedRateLimiter(deps.caches, account, config.maxRequestsPerSecond);
  const loginDeps = {
    http: deps.http,
    clock: deps.clock,
    limiter,
    ...(deps.signal ? { signal: deps.signal } : {}),
  };
  const client = createTargetClient<SalesforceSession>({
    name: 'Salesforce',
    http: deps.http,
    clock: deps.clock,
    limiter,
    ...(deps.signal ? { signal: deps.signal } : {}),
    session: {
      cache: deps.caches.get(SESSIONS),
      key: credentialKey(
        'salesforce',
        credentials.flow,
        credentials.loginUrl,
        credentials.clientId,
        credentials.clientSecret,
        credentials.username,
        credentials.password,
        credentials.securityToken,
      ),
      login: () => requestToken(credentials, loginDeps),
    },
    prepare: (req, session) => ({
      ...req,
      url: `${session?.instanceUrl ?? ''}${req.url}`,
      headers: {
        ...req.headers,
        ...(session ? { authorization: `Bearer ${session.accessToken}` } : {}),
      },
    }),
    classify: (status, body) => (isRequestLimit(status, body) ? 'retry' : undefined),
    errorMessage: salesforceErrorMessage,
  });

  async function call(req: TargetRequest): Promise<CallResult> {
    const result = await client.call(req);
    if (!result.ok && result.status === 403 && result.result.outcome === 'retry') {
      // The org's rolling 24-hour API limit (docs/protocols/README.md#across-the-targets): retrying soon only burns what is left.
      return {
        ...result,
        result: {
          ...result.result,
          retryAfterSeconds: config.requestLimitBackoffSeconds,
          overloaded: true,
        },
      };
    }
    return result;
  }

  const data = (rest: string) => `/services/data/v${config.apiVersion}${rest}`;

  return {
    call,
    data,
    writeHeaders: config.allowDuplicateSave
      ? { 'sforce-duplicate-rule-header': 'allowSave=true' }
      : {},
    async query(soql) {
      const result = await call({
        method: 'GET',
        path: data(`/query?q=${encodeURIComponent(soql)}`),
      });
      if (!result.ok) return { ok: false, result: result.result };
      const answer = queryAnswer.safeParse(result.body);
      if (!answer.success)
        return {
          ok: false,
          result: {
            outcome: 'retry',
            reason: 'Salesforce answered a query without a records list',
          },
        };
      return { ok: true, records: answer.data.records };
    },
  };
}
