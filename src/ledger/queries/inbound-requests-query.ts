/**
 * Read queries over the inbound request log (the audit trail: every POST as received, with
 * its verdict), shared by the admin API and the CLI. Newest first, cursor-paged. Lists leave
 * the body out; the detail has it byte-exact as base64, as UTF-8 text, and as the fields its
 * provider decodes from it (in the message's own charset).
 */
import { sql } from 'kysely';
import type { ExpressionBuilder, Kysely } from 'kysely';
import type { Database, InboundVerdict } from '../../db/schema.js';
import type { BodyCharset, DecodedField, DecodedFields } from '../../providers/provider.js';
import { installedProvider } from '../../providers/registry.js';
import type { ProviderLookup } from '../../providers/registry.js';
import { normalizeEmail } from './normalize-email.js';
import { decodeCursor, pageLimit, toPage } from '../../db/page.js';
import { ACCEPTED_VERDICT, notAccepted } from '../../db/write-indexes.js';
import type { Page, PageRequest } from '../../db/page.js';

export interface InboundRequestFilters extends PageRequest {
  verdict?: InboundVerdict | undefined;
  sourceId?: string | undefined;
  /** ISO 8601 UTC; requests received at or after this instant. */
  from?: string | undefined;
  /** ISO 8601 UTC; requests received before this instant. */
  to?: string | undefined;
  /**
   * Exact search: the request's id, or an order id, transaction id or buyer e-mail
   * (case-insensitive) of an event it produced. A request that produced no event (rejected,
   * pending, held) is not found by the latter: filter those by source, verdict and time.
   */
  q?: string | undefined;
}

export interface InboundRequestListItem {
  id: string;
  sourceId: string | null;
  provider: string | null;
  receivedAt: string;
  method: string;
  url: string;
  remoteAddress: string;
  verdict: InboundVerdict;
  /** The error code of a rejection (e.g. `SIGNATURE_INVALID`). */
  verdictCode: string | null;
  verdictReason: string | null;
  /** How the signature was verified (e.g. `sha512 variant A`). */
  verification: string | null;
  eventIds: string[];
  bodyBytes: number;
}

/** Where a `pending` request's deferred verification stands (PayPal IPN postback). */
export interface PendingVerification {
  attempts: number;
  nextAttemptAt: string;
  /** Why the last attempt was inconclusive (e.g. `HTTP 503`), or null before the first. */
  lastError: string | null;
}

export interface InboundRequestDetail extends InboundRequestListItem {
  headers: Record<string, string>;
  /** Present while the request waits for verification. */
  pendingVerification: PendingVerification | null;
  /** The body's fields as the source's provider decodes them (`Provider.decodeFields`); null when it cannot, see `fieldsError`. */
  fields: DecodedField[] | null;
  /** Why `fields` is null (an undecodable body, an unknown provider). */
  fieldsError: string | null;
  /** The character set `fields` were decoded with, and whether the message named it; null with `fields`. */
  charset: BodyCharset | null;
  /** The raw body decoded as UTF-8 (invalid sequences replaced); `bodyBase64` is exact. */
  body: string;
  bodyBase64: string;
}

function columns(db: Kysely<Database>) {
  return db
    .selectFrom('inbound_requests')
    .select([
      'id',
      'source_id',
      'provider',
      'received_at',
      'method',
      'url',
      'remote_address',
      'verdict',
      'verdict_code',
      'verdict_reason',
      'verification',
      'event_ids',
      sql<number>`length(raw_body)`.as('body_bytes'),
    ]);
}

type ListRow = Awaited<ReturnType<ReturnType<typeof columns>['executeTakeFirstOrThrow']>>;

function stringArray(json: string): string[] {
  const value: unknown = JSON.parse(json);
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

function stringRecord(json: string): Record<string, string> {
  const value: unknown = JSON.parse(json);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return {};
  return Object.fromEntries(
    Object.entries(value).filter(
      (entry): entry is [string, string] => typeof entry[1] === 'string',
    ),
  );
}

function toListItem(row: ListRow): InboundRequestListItem {
  return {
    id: row.id,
    sourceId: row.source_id,
    provider: row.provider,
    receivedAt: row.received_at,
    method: row.method,
    url: row.url,
    remoteAddress: row.remote_address,
    verdict: row.verdict,
    verdictCode: row.verdict_code,
    verdictReason: row.verdict_reason,
    verification: row.verification,
    eventIds: stringArray(row.event_ids),
    bodyBytes: Number(row.body_bytes),
  };
}

/** Inbound requests newest first; a bad cursor → `IpnhubError('INVALID_CURSOR')`. */
export async function listInboundRequests(
  db: Kysely<Database>,
  filters: InboundRequestFilters = {},
): Promise<Page<InboundRequestListItem>> {
  const limit = pageLimit(filters.limit);
  let query = columns(db)
    .orderBy('id', 'desc')
    .limit(limit + 1);
  if (filters.cursor !== undefined)
    query = query.where('id', '<', decodeCursor(filters.cursor, 'inbound'));
  if (filters.verdict !== undefined) {
    query = query.where('verdict', '=', filters.verdict);
    // Other verdicts are read from their partial index; accepted ones walk the newest rows.
    if (filters.verdict !== ACCEPTED_VERDICT) query = query.where(notAccepted);
  }
  if (filters.sourceId !== undefined) query = query.where('source_id', '=', filters.sourceId);
  if (filters.from !== undefined) query = query.where('received_at', '>=', filters.from);
  if (filters.to !== undefined) query = query.where('received_at', '<', filters.to);
  if (filters.q !== undefined) {
    const q = filters.q.trim();
    // One set of matching ids, each part an indexed lookup (events by order and by e-mail,
    // transactions by id), so the search costs the same with a hundred or a million requests.
    // No OR around it: PostgreSQL would answer that by reading every request.
    const matches = (eb: ExpressionBuilder<Database, 'inbound_requests'>) =>
      eb
        .selectFrom('events')
        .select('events.inbound_request_id')
        .where('events.order_ref', '=', q)
        .union(
          eb
            .selectFrom('events')
            .select('events.inbound_request_id')
            .where('events.customer_email', '=', normalizeEmail(q)),
        )
        .union(
          eb
            .selectFrom('transactions')
            .innerJoin('events', 'events.id', 'transactions.event_id')
            .select('events.inbound_request_id')
            .where('transactions.external_id', '=', q),
        )
        .union(db.selectNoFrom(sql<string>`${q}`.as('inbound_request_id')));
    query = query.where('id', 'in', matches);
  }
  return toPage(await query.execute(), limit, toListItem);
}

function decodeBody(provider: string | null, body: Buffer, lookup: ProviderLookup): DecodedFields {
  if (provider === null) return { ok: false, reason: 'no provider is recorded for this request' };
  const decoder = lookup(provider);
  return decoder
    ? decoder.decodeFields(body)
    : { ok: false, reason: `provider ${provider} is not installed in this version` };
}

/**
 * One inbound request with headers, body and the body's decoded fields, or null when there is
 * none with this id. `lookup` finds the provider that decodes the body (tests bring their own).
 */
export async function getInboundRequest(
  db: Kysely<Database>,
  id: string,
  lookup: ProviderLookup = installedProvider,
): Promise<InboundRequestDetail | null> {
  const row = await columns(db)
    .select(['headers', 'raw_body'])
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) return null;
  const body = Buffer.from(row.raw_body);
  const job = await db
    .selectFrom('verifications')
    .select(['attempts', 'next_attempt_at', 'last_error'])
    .where('inbound_request_id', '=', id)
    .executeTakeFirst();
  const pendingVerification = job
    ? { attempts: job.attempts, nextAttemptAt: job.next_attempt_at, lastError: job.last_error }
    : null;
  const decoded = decodeBody(row.provider, body, lookup);
  return {
    ...toListItem(row),
    headers: stringRecord(row.headers),
    pendingVerification,
    fields: decoded.ok ? decoded.fields : null,
    fieldsError: decoded.ok ? null : decoded.reason,
    charset: decoded.ok ? decoded.charset : null,
    body: body.toString('utf8'),
    bodyBase64: body.toString('base64'),
  };
}
