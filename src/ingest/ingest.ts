/**
 * The ingest pipeline (docs/architecture.md, "Data flow"): one raw request in, one durable
 * commit, one answer out.
 *
 * 1. Find the source and its provider (unknown source: 404, nothing stored — random URLs
 *    must not fill the disk). A request the HTTP layer already refused (a `Precheck`) is
 *    stored as rejected with that code and answered in its provider's format.
 * 2. Content type, signature (`provider.verify`) and shape (`provider.normalize`) checks. A
 *    rejected request is still stored, with its verdict and code, before the answer.
 * 3. One transaction (shared with concurrent requests through the group committer): the
 *    raw request, each event under its unique dedup key (a conflict = a provider resend:
 *    nothing else happens for it), the ledger update, and one delivery row per matching
 *    connection.
 * 4. Only after the commit: the provider's acknowledgement (`OK` for Digistore24).
 * Providers that confirm authenticity with the sender afterwards (PayPal IPN) stop after 2's
 * local checks: the request is stored as `pending` and acknowledged; `verifier.ts` finishes it.
 * If anything in 3 fails, the raw request is stored on its own with verdict `error` and the
 * sender gets a 5xx, so it retries; nothing acknowledged is lost.
 */
import type { CanonicalEvent, EventDraft } from '../core/events.js';
import { ERROR_CATALOGUE } from '../core/errors.js';
import type { ErrorCode } from '../core/errors.js';
import { newId } from '../core/ids.js';
import type { InboundVerdict } from '../db/schema.js';
import type { Clock } from '../lib/clock.js';
import type { HttpClient } from '../lib/http-client.js';
import type { Logger } from '../lib/logger.js';
import type {
  Acknowledgement,
  InboundRequest,
  IngestOutcome,
  Provider,
} from '../providers/provider.js';
import { installedProvider } from '../providers/registry.js';
import type { ProviderLookup } from '../providers/registry.js';
import { acceptedLogFields, summarizeEvent } from './accepted-log.js';
import type { EventSummary } from './accepted-log.js';
import type { HeldRequest } from './held-alert.js';
import type { CommitResult, IngestStore, InboundRow } from './ingest-store.js';
import type { KeyedEvent } from './event-payload.js';
import { mediaTypeOf } from '../lib/media-type.js';
import type { CacheScope } from '../lib/cache-scope.js';

export interface IngestSources {
  loadForIngest(
    id: string,
  ): Promise<{ id: string; provider: string; name: string; config: unknown } | null>;
}

export interface IngestObserver {
  request(verdict: InboundVerdict): void;
  events(events: readonly Pick<CanonicalEvent, 'type'>[], deliveries: number): void;
}

export interface IngestDeps {
  /** Providers by id; defaults to the installed ones. */
  providers?: ProviderLookup;
  store: IngestStore;
  sources: IngestSources;
  clock: Clock;
  /** For providers that call out while verifying (certificate downloads). */
  http: HttpClient;
  /** The runtime's caches, for providers (certificates, tokens). */
  caches: CacheScope;
  logger: Logger;
  observer?: IngestObserver;
  /** Called after a commit that created deliveries (wakes the worker). */
  onDeliveriesCreated?: () => void;
  /** Called after a commit that queued document jobs (wakes the invoicing job runners, invoicing/document-runners.ts). */
  onDocumentJobs?: () => void;
  /** Called after a request was stored for deferred verification (wakes the verifier). */
  onPending?: () => void;
  /** Called after a request was stored as held for review (sends the alert). */
  onHeld?: (held: HeldRequest) => void;
  /** Called after a request of a known source was rejected (counts the operator's alert). */
  onRejected?: (rejected: RejectedRequest) => void;
}

/** A rejected request of a known source, for the operator's alert (outbox/health-alerts.ts). */
export interface RejectedRequest {
  /** Null when the request was not stored (a refusal the rate limit counts only). */
  inboundId: string | null;
  sourceId: string;
  code: ErrorCode;
  reason: string;
}

export interface IngestResult {
  /** The stored inbound request, or null when nothing was stored (unknown source, or a precheck with `record: false`). */
  inboundId: string | null;
  outcome: IngestOutcome;
  ack: Acknowledgement;
}

/**
 * A rejection decided before the provider could look at the request: by the HTTP layer (body
 * too large, rate limit, an unparseable request) rather than by the provider.
 */
export interface Precheck {
  code: ErrorCode;
  reason: string;
  /**
   * Store the rejected request (default). `false` answers it in the provider's format and
   * counts it without a write, so that a flood of refused requests does not become a flood of
   * database writes (the rate limit stores the first refusal per client and window).
   */
  record?: boolean;
}

export interface Ingest {
  receive(sourceId: string, req: InboundRequest, precheck?: Precheck): Promise<IngestResult>;
}

/** The JSON error answer of every route that does not answer in a provider's format. */
export function jsonError(code: ErrorCode, reason: string): Acknowledgement {
  const entry = ERROR_CATALOGUE[code];
  return {
    status: entry.status,
    contentType: 'application/json; charset=utf-8',
    body: JSON.stringify({ error: { code, message: reason } }),
  };
}

export function toCanonical(
  draft: EventDraft,
  source: { id: string; provider: string },
  receivedAt: string,
): CanonicalEvent {
  return {
    id: newId('event'),
    type: draft.type,
    occurredAt: draft.occurredAt ?? receivedAt,
    receivedAt,
    source: { id: source.id, provider: source.provider, test: draft.test },
    order: draft.order,
    buyer: draft.buyer,
    affiliate: draft.affiliate,
    subscription: draft.subscription,
    // Decided by the ledger when the event is stored (ledger/complete-event.ts).
    refund: null,
    raw: draft.raw,
  };
}

/** The stored `verification`: how the request was verified, then what the provider assumed to read it. */
export function verificationRecord(result: {
  method: string;
  notes?: readonly string[] | undefined;
}): string {
  return [result.method, ...(result.notes ?? [])].join('; ');
}

/** The events to commit for a request: every draft but connection tests, under source-scoped dedup keys. */
export function keyEvents(
  drafts: readonly EventDraft[],
  source: { id: string; provider: string },
  receivedAt: string,
): KeyedEvent[] {
  const keyed: KeyedEvent[] = [];
  for (const draft of drafts) {
    if (draft.type === 'connection_test') continue;
    const event = toCanonical(draft, source, receivedAt);
    // Serialized once here for the event row of either store (event-payload.ts).
    keyed.push({
      event,
      dedupKey: `${source.id}:${draft.dedupKey}`,
      payload: JSON.stringify(event),
    });
  }
  return keyed;
}

/** The events of `events` whose ids are in `ids` (the new ones of a commit), in `ids`' order. */
function insertedEvents(events: readonly EventSummary[], ids: readonly string[]): EventSummary[] {
  const inserted: EventSummary[] = [];
  for (const id of ids) {
    const event = events.find((e) => e.id === id);
    if (event !== undefined) inserted.push(event);
  }
  return inserted;
}

export function createIngest(deps: IngestDeps): Ingest {
  const { store, logger } = deps;
  const lookup = deps.providers ?? installedProvider;

  function inboundRow(
    id: string,
    sourceId: string | null,
    provider: string | null,
    req: InboundRequest,
  ) {
    return {
      id,
      source_id: sourceId,
      provider,
      received_at: req.receivedAt.toISOString(),
      method: req.method,
      url: req.url,
      headers: JSON.stringify(req.headers),
      raw_body: req.rawBody,
      remote_address: req.remoteAddress,
      verdict_code: null as string | null,
      verdict_reason: null as string | null,
      verification: null as string | null,
      event_ids: '[]',
    };
  }

  async function record(row: InboundRow): Promise<void> {
    await store.record(row);
    deps.observer?.request(row.verdict);
  }

  async function reject(
    provider: Provider<unknown>,
    base: ReturnType<typeof inboundRow>,
    code: ErrorCode,
    reason: string,
    store = true,
  ): Promise<IngestResult> {
    const outcome: IngestOutcome = {
      kind: 'rejected',
      code,
      reason,
      status: ERROR_CATALOGUE[code].status,
    };
    const sourceId = base.source_id ?? '';
    if (!store) {
      deps.observer?.request('rejected');
      deps.onRejected?.({ inboundId: null, sourceId, code, reason });
      return { inboundId: null, outcome, ack: provider.acknowledge(outcome) };
    }
    await record({ ...base, verdict: 'rejected', verdict_code: code, verdict_reason: reason });
    logger.info({ inboundId: base.id, sourceId, code }, 'inbound request rejected');
    deps.onRejected?.({ inboundId: base.id, sourceId, code, reason });
    return { inboundId: base.id, outcome, ack: provider.acknowledge(outcome) };
  }

  type Source = NonNullable<Awaited<ReturnType<IngestSources['loadForIngest']>>>;
  type Base = ReturnType<typeof inboundRow>;

  /**
   * Normalizes a verified request and stores what it says. Not an async function: the parsed
   * request (its events and their raw fields) lives only in this frame, which ends when the
   * commit has been started. What waits for the commit holds the events' summaries, so a request
   * in flight keeps a few hundred bytes reachable, not its ~70 fields (docs/benchmarks.md, "What
   * a request holds while its commit is in flight").
   */
  function afterVerification(
    provider: Provider<unknown>,
    source: Source,
    base: Base,
    req: InboundRequest,
    started: number,
  ): Promise<IngestResult> {
    const normalized = provider.normalize(req, source.config);
    if (normalized.kind === 'invalid')
      return reject(provider, base, normalized.code, normalized.reason);
    if (normalized.kind === 'ignored')
      return settled(
        provider,
        base,
        { ...base, verdict: 'ignored', verdict_reason: normalized.reason },
        {
          kind: 'ignored',
          reason: normalized.reason,
        },
      );
    if (normalized.kind === 'held') {
      const held: HeldRequest = {
        inboundId: base.id,
        sourceId: source.id,
        provider: source.provider,
        code: normalized.code,
        reason: normalized.reason,
      };
      return settled(
        provider,
        base,
        {
          ...base,
          verdict: 'held',
          verdict_code: normalized.code,
          verdict_reason: normalized.reason,
        },
        { kind: 'held', reason: normalized.reason },
        () => deps.onHeld?.(held),
      );
    }
    const drafts = normalized.events;
    if (drafts.length > 0 && drafts.every((d) => d.type === 'connection_test'))
      return settled(
        provider,
        base,
        { ...base, verdict: 'test', verdict_reason: 'connection test' },
        {
          kind: 'accepted',
          eventIds: [],
        },
      );
    const events = keyEvents(drafts, source, base.received_at);
    const summaries = events.map(({ event }) => summarizeEvent(event));
    const committing = store.commit(
      { ...base, verdict: 'accepted' },
      events,
      deps.clock.now().toISOString(),
    );
    return committed(provider, source, base.id, summaries, committing, started);
  }

  /** Records a request that adds no events and answers `outcome`; `then` runs once it is stored. */
  async function settled(
    provider: Provider<unknown>,
    base: Base,
    row: InboundRow,
    outcome: IngestOutcome,
    then?: () => void,
  ): Promise<IngestResult> {
    await record(row);
    then?.();
    return { inboundId: base.id, outcome, ack: provider.acknowledge(outcome) };
  }

  async function committed(
    provider: Provider<unknown>,
    source: Source,
    inboundId: string,
    summaries: readonly EventSummary[],
    committing: Promise<CommitResult>,
    started: number,
  ): Promise<IngestResult> {
    const result = await committing;
    const inserted = insertedEvents(summaries, result.inserted);
    const verdict: InboundVerdict = inserted.length > 0 ? 'accepted' : 'duplicate';
    // The line's fields are built only when it is written (servers log at warn under load).
    if (logger.isLevelEnabled('info'))
      logger.info(
        acceptedLogFields({
          inboundId,
          source,
          events: summaries,
          inserted: new Set(result.inserted),
          deliveries: result.deliveries,
          durationMs: Math.round(performance.now() - started),
          verification: 'immediate',
        }),
        'notification accepted',
      );
    deps.observer?.request(verdict);
    if (inserted.length > 0) deps.observer?.events(inserted, result.deliveries);
    if (result.deliveries > 0) deps.onDeliveriesCreated?.();
    if (result.documentJobs > 0) deps.onDocumentJobs?.();
    const outcome: IngestOutcome =
      inserted.length > 0 ? { kind: 'accepted', eventIds: result.inserted } : { kind: 'duplicate' };
    return { inboundId, outcome, ack: provider.acknowledge(outcome) };
  }

  return {
    async receive(sourceId, req, precheck) {
      const started = performance.now();
      const source = await deps.sources.loadForIngest(sourceId);
      const provider = source ? lookup(source.provider) : null;
      if (!source || !provider) {
        // A precheck's problem (rate limit, unparseable request) is the answer even here: it was found first.
        const { code, reason } = precheck ?? {
          code: 'SOURCE_NOT_FOUND',
          reason: `No source with id ${JSON.stringify(sourceId)}.`,
        };
        deps.observer?.request('rejected');
        return {
          inboundId: null,
          outcome: { kind: 'rejected', code, reason, status: ERROR_CATALOGUE[code].status },
          ack: jsonError(code, reason),
        };
      }
      const base = inboundRow(newId('inbound'), source.id, source.provider, req);
      try {
        if (precheck)
          return await reject(
            provider,
            base,
            precheck.code,
            precheck.reason,
            precheck.record ?? true,
          );
        const type = mediaTypeOf(req.headers['content-type']);
        if (!provider.contentTypes.includes(type)) {
          return await reject(
            provider,
            base,
            'UNSUPPORTED_CONTENT_TYPE',
            `Got ${type || 'no content type'}; ${provider.displayName} sends ${provider.contentTypes.join(' or ')}.`,
          );
        }
        const verification = await provider.verify(req, source.config, {
          clock: deps.clock,
          http: deps.http,
          caches: deps.caches,
        });
        if (!verification.ok)
          return await reject(provider, base, verification.code, verification.reason);
        base.verification = verificationRecord(verification);
        if (verification.notes !== undefined && verification.notes.length > 0) {
          logger.warn(
            { inboundId: base.id, sourceId: source.id, notes: verification.notes },
            'inbound request read with an assumption',
          );
        }

        if (provider.confirm) {
          // Authenticity is confirmed later by asking the sender (PayPal's postback): store the
          // request durably with its verification job, acknowledge, and let the worker go on.
          return await settled(
            provider,
            base,
            { ...base, verdict: 'pending' },
            { kind: 'pending' },
            deps.onPending,
          );
        }

        return await afterVerification(provider, source, base, req, started);
      } catch (err) {
        logger.error(
          { err, inboundId: base.id, sourceId: source.id },
          'ingest failed; storing the raw request for replay',
        );
        try {
          await record({
            ...base,
            verdict: 'error',
            verdict_code: 'INGEST_FAILED',
            verdict_reason: err instanceof Error ? err.message : String(err),
          });
        } catch (recordErr) {
          logger.error(
            { err: recordErr, inboundId: base.id },
            'could not store the raw request either; the sender will retry',
          );
        }
        const outcome: IngestOutcome = { kind: 'error' };
        return { inboundId: base.id, outcome, ack: provider.acknowledge(outcome) };
      }
    },
  };
}
