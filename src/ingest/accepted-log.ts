/**
 * The one info line of a notification that was accepted (docs/health-and-alerts.md, "Log
 * lines"): its source and provider, whether it was new or a resend, the types and the order id
 * of its events, how many deliveries it queued and how long it took. Nothing of the buyer (no
 * e-mail, no name). Written by ingest.ts, and by verifier.ts for a request confirmed later.
 */
import type { CanonicalEvent } from '../core/events.js';

/**
 * What ingest keeps of an event while its commit is in flight: enough for the log line and the
 * metrics, not the event itself, whose raw fields would otherwise stay reachable (and be copied
 * by every young-generation collection) until the answer (docs/benchmarks.md, "What a request
 * holds while its commit is in flight").
 */
export interface EventSummary {
  id: string;
  type: CanonicalEvent['type'];
  orderId: string | null;
}

export function summarizeEvent(event: CanonicalEvent): EventSummary {
  return { id: event.id, type: event.type, orderId: event.order?.id ?? null };
}

export interface AcceptedLogInput {
  inboundId: string;
  source: { id: string; provider: string };
  /** The events made of the request; `inserted` are the new ones (the others were resends). */
  events: readonly EventSummary[];
  inserted: ReadonlySet<string>;
  deliveries: number;
  /** From receipt to commit; for a deferred request, the verification round's time. */
  durationMs: number;
  verification: 'immediate' | 'deferred';
}

export function acceptedLogFields(input: AcceptedLogInput): Record<string, unknown> {
  const orderIds = [...new Set(input.events.flatMap((e) => (e.orderId ? [e.orderId] : [])))];
  return {
    inboundId: input.inboundId,
    sourceId: input.source.id,
    provider: input.source.provider,
    outcome: input.events.some((e) => input.inserted.has(e.id)) ? 'accepted' : 'duplicate',
    eventTypes: input.events.map((e) => e.type),
    orderId: orderIds.length === 1 ? orderIds[0] : orderIds.length === 0 ? null : orderIds,
    events: input.inserted.size,
    deliveries: input.deliveries,
    verification: input.verification,
    durationMs: input.durationMs,
  };
}
