/**
 * The Klick-Tipp API client of one delivery (docs/protocols/klicktipp.md#authentication, docs/protocols/klicktipp.md#errors, docs/protocols/README.md#across-the-targets): the
 * shared target client with Klick-Tipp's authentication and answer classes.
 *
 * - Session method: `POST /account/login` with username and password; later calls send
 *   `Cookie: <session_name>=<sessid>`. Sessions are cached per credentials across deliveries;
 *   Klick-Tipp answers an expired session with 403 `["API access denied."]`, and the target
 *   client then logs in once more and repeats the call (as both official clients do).
 * - Partner method: `X-Un` and `X-Ci` headers on every call, no session; a 403 fails at once.
 * - A 401 outside the login means a missing argument (`["Missing required argument email"]`),
 *   so it is a validation failure, not an auth failure. Business errors are 406 with a code.
 */
import type { Clock } from '../../lib/clock.js';
import type { HttpClient } from '../../lib/http-client.js';
import { sharedRateLimiter } from '../rate-limiter.js';
import { createSessionCache, credentialKey } from '../session-cache.js';
import type { LoginResult } from '../session-cache.js';
import { createTargetClient, loginFailure } from '../target-client.js';
import type { AnswerClass, TargetClient } from '../target-client.js';
import type { KlickTippConfig } from './config.js';
import { klickTippErrorMessage } from './error-message.js';
import { partnerHeaders } from './partner-auth.js';
import { isRecord } from '../../lib/is-record.js';
import { cacheSlot } from '../../lib/cache-scope.js';
import type { CacheScope } from '../../lib/cache-scope.js';

/** The target's name in outcome reasons. */
export const TARGET_NAME = 'Klick-Tipp';

/** A Klick-Tipp session: the cookie name and value from the login answer. */
export interface KlickTippSession {
  name: string;
  id: string;
}

/** Logins of one runtime: deliveries of the same account share a session. */
const SESSIONS = cacheSlot('Klick-Tipp sessions', () => createSessionCache<KlickTippSession>());

/** What a client needs from the delivery or connection-test context. */
export interface ClientDeps {
  http: HttpClient;
  clock: Clock;
  signal: AbortSignal;
  /** The runtime's caches (sessions, rate limiters). */
  caches: CacheScope;
}

function baseUrlOf(config: KlickTippConfig): string {
  return config.baseUrl.replace(/\/+$/, '');
}

/** The session from a login answer: `sessid`/`session_name` in the body, else the Set-Cookie header. */
function sessionFrom(body: unknown, setCookie: string | undefined): KlickTippSession | null {
  if (
    isRecord(body) &&
    typeof body.sessid === 'string' &&
    typeof body.session_name === 'string' &&
    body.sessid &&
    body.session_name
  ) {
    return { name: body.session_name, id: body.sessid };
  }
  const cookie = /^\s*([^=;\s]+)=([^;]+)/.exec(setCookie ?? '');
  return cookie?.[1] && cookie[2] ? { name: cookie[1], id: cookie[2] } : null;
}

function loginFunction(
  config: KlickTippConfig,
  deps: ClientDeps,
  limiterKey: string,
): () => Promise<LoginResult<KlickTippSession>> {
  const base = baseUrlOf(config);
  return async () => {
    // Its own target client: rate limited like every call, and answers classified the same way.
    const loginClient = createTargetClient<never>({
      name: TARGET_NAME,
      http: deps.http,
      clock: deps.clock,
      signal: deps.signal,
      limiter: sharedRateLimiter(deps.caches, limiterKey, config.requestsPerSecond),
      prepare: (req) => ({ ...req, url: `${base}${req.url}` }),
      classify: (status) =>
        status === 400 || status === 401 || status === 406 ? 'auth' : undefined,
      errorMessage: klickTippErrorMessage,
    });
    const result = await loginClient.call({
      method: 'POST',
      path: '/account/login',
      json: { username: config.auth.username, password: config.auth.password ?? '' },
    });
    if (!result.ok) return loginFailure(result, klickTippErrorMessage(result.body));
    const session = sessionFrom(result.body, result.response.headers['set-cookie']);
    if (!session)
      return {
        ok: false,
        auth: false,
        message: 'the login answer carried no session (sessid/session_name)',
      };
    return { ok: true, session };
  };
}

function classify(status: number): AnswerClass | undefined {
  if (status === 401) return 'failed';
  return undefined;
}

/** The client every call of one delivery or connection test goes through. */
export function klickTippClient(config: KlickTippConfig, deps: ClientDeps): TargetClient {
  const base = baseUrlOf(config);
  const { auth } = config;
  const limiterKey = `klicktipp:${base}:${auth.username}`;
  const common = {
    name: TARGET_NAME,
    http: deps.http,
    clock: deps.clock,
    signal: deps.signal,
    limiter: sharedRateLimiter(deps.caches, limiterKey, config.requestsPerSecond),
    classify,
    errorMessage: klickTippErrorMessage,
  };
  if (auth.method === 'partner') {
    const headers = partnerHeaders(auth.username, auth.developerKey ?? '', auth.customerKey ?? '');
    return createTargetClient<never>({
      ...common,
      prepare: (req) => ({
        ...req,
        url: `${base}${req.url}`,
        headers: { ...req.headers, ...headers },
      }),
    });
  }
  return createTargetClient<KlickTippSession>({
    ...common,
    session: {
      cache: deps.caches.get(SESSIONS),
      key: credentialKey('klicktipp', base, auth.username, auth.password),
      login: loginFunction(config, deps, limiterKey),
    },
    prepare: (req, session) => ({
      ...req,
      url: `${base}${req.url}`,
      headers: { ...req.headers, ...(session ? { cookie: `${session.name}=${session.id}` } : {}) },
    }),
  });
}
