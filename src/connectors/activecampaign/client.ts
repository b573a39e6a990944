/**
 * The ActiveCampaign API v3 client of one delivery (docs/protocols/activecampaign.md#authentication, docs/protocols/activecampaign.md#errors-and-rate-limit): the
 * `Api-Token` header on every call, the account's 5 requests/s budget shared by every
 * connection of the account, and ActiveCampaign's error bodies turned into messages. 403 (bad
 * token) fails at once with `TARGET_AUTH_FAILED`; 429 and 503 are retried after `Retry-After`.
 */
import type { Clock } from '../../lib/clock.js';
import type { HttpClient } from '../../lib/http-client.js';
import type { RetryOrFailed, TargetClient } from '../target-client.js';
import {
  createTargetClient,
  unexpectedAnswer as targetUnexpectedAnswer,
} from '../target-client.js';
import { sharedRateLimiter } from '../rate-limiter.js';
import { apiBase } from './config.js';
import { isRecord } from '../../lib/is-record.js';
import type { CacheScope } from '../../lib/cache-scope.js';

export const TARGET_NAME = 'ActiveCampaign';

/** ActiveCampaign's budget per account (docs/protocols/activecampaign.md#errors-and-rate-limit). */
export const ACCOUNT_REQUESTS_PER_SECOND = 5;

/** A step's outcome: its value, or the delivery result that ends the delivery. */
export type Step<T> = { ok: true; value: T } | { ok: false; result: RetryOrFailed };

export interface ActiveCampaignClientOptions {
  accountUrl: string;
  apiToken: string;
  http: HttpClient;
  clock: Clock;
  signal?: AbortSignal;
  requestsPerSecond?: number;
  /** The runtime's caches (the account's rate limiter, the per-contact queue). */
  caches: CacheScope;
}

/** The message in ActiveCampaign's error bodies: `{message}`, `{errors:[{title,detail}]}` (422) or `{error}`. */
export function activeCampaignErrorMessage(body: unknown): string | undefined {
  if (!isRecord(body)) return undefined;
  if (Array.isArray(body.errors)) {
    const titles = body.errors
      .filter(isRecord)
      .map((e) =>
        [e.title, e.detail]
          .filter((part): part is string => typeof part === 'string' && part.length > 0)
          .join(': '),
      )
      .filter((text) => text.length > 0);
    if (titles.length > 0) return titles.join('; ');
  }
  const parts = [body.message, body.error].filter(
    (part): part is string => typeof part === 'string' && part.length > 0,
  );
  return parts.length > 0 ? parts.join(': ') : undefined;
}

/** The client of one delivery, and the account it talks to. */
export interface ActiveCampaignClient extends TargetClient {
  /** The account's API root, lower-cased: the key of what is shared per account. */
  account: string;
  /** The runtime's caches, for what is shared per account beyond one delivery. */
  caches: CacheScope;
}

export function createActiveCampaignClient(
  options: ActiveCampaignClientOptions,
): ActiveCampaignClient {
  const base = apiBase(options.accountUrl);
  const client = createTargetClient<undefined>({
    name: TARGET_NAME,
    http: options.http,
    clock: options.clock,
    ...(options.signal ? { signal: options.signal } : {}),
    limiter: sharedRateLimiter(
      options.caches,
      base.toLowerCase(),
      options.requestsPerSecond ?? ACCOUNT_REQUESTS_PER_SECOND,
    ),
    prepare: (req) => ({
      ...req,
      url: `${base}${req.url}`,
      headers: { ...req.headers, 'api-token': options.apiToken },
    }),
    errorMessage: activeCampaignErrorMessage,
  });
  return { call: (req) => client.call(req), account: base.toLowerCase(), caches: options.caches };
}

/** The object under `key` in a 2xx body (`{"contact":{…}}`), or null. */
export function unwrap(body: unknown, key: string): Record<string, unknown> | null {
  if (!isRecord(body)) return null;
  const value = body[key];
  return isRecord(value) ? value : null;
}

/** The id of the object under `key`; ActiveCampaign sends ids as strings (numbers accepted too). */
export function idOf(body: unknown, key: string): string | null {
  const id = unwrap(body, key)?.id;
  if (typeof id === 'string' && id.length > 0) return id;
  if (typeof id === 'number') return String(id);
  return null;
}

/** A text field of a record (ids and values come back as strings). */
export function text(record: Record<string, unknown>, key: string): string | null {
  const value = record[key];
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  return null;
}

/**
 * Whether a refused create may mean "it exists already": ActiveCampaign refuses duplicate tags,
 * connections, customers and orders with a client error whose exact status is UNCONFIRMED
 * (docs/protocols/activecampaign.md#endpoints), so the caller looks the object up again before treating the refusal as a failure.
 */
export function mayBeDuplicate(status: number | undefined): boolean {
  return status === 400 || status === 409 || status === 422;
}

export function unexpectedAnswer(what: string, body: unknown): RetryOrFailed {
  return targetUnexpectedAnswer(TARGET_NAME, what, body);
}

const PAGE = 100;
/** Enough for 10 000 entries; beyond that something else is wrong. */
const MAX_PAGES = 100;

/**
 * Every entry of a list endpoint (`{"<key>":[…],"meta":{"total":"…"}}`), page by page: the
 * default page size is 20 (docs/protocols/activecampaign.md#endpoints, a plugin broke on the 21st tag), so `limit` is always given.
 */
export async function listAll(
  client: TargetClient,
  path: string,
  key: string,
): Promise<Step<Array<Record<string, unknown>>>> {
  const all: Array<Record<string, unknown>> = [];
  const separator = path.includes('?') ? '&' : '?';
  for (let page = 0; page < MAX_PAGES; page++) {
    const answer = await client.call({
      method: 'GET',
      path: `${path}${separator}limit=${PAGE}&offset=${page * PAGE}`,
    });
    if (!answer.ok) return { ok: false, result: answer.result };
    const items = isRecord(answer.body) ? answer.body[key] : undefined;
    if (!Array.isArray(items))
      return { ok: false, result: unexpectedAnswer(`GET ${path}`, answer.body) };
    all.push(...items.filter(isRecord));
    const meta = isRecord(answer.body) ? answer.body.meta : undefined;
    const total = isRecord(meta) ? Number(meta.total) : Number.NaN;
    if (items.length < PAGE || (Number.isFinite(total) && all.length >= total)) break;
  }
  return { ok: true, value: all };
}
