/**
 * The one info line of a notification that was accepted (docs/health-and-alerts.md, "Log
 * lines"): its source and provider, whether it was new or a resend, the types and the order id
 * of its events, how many deliveries it queued and how long it took. Nothing of the buyer (no
 * e-mail, no name). Written by ingest.ts, and by verifier.ts for a request confirmed later.
 */
import type { CanonicalEvent } from '../core/events.js';

export interface AcceptedLogInput {
  inboundId: string;
  source: { id: string; provider: string };
  /** The events made of the request; `inserted` are the new ones (the others were resends). */
  events: readonly CanonicalEvent[];
  inserted: ReadonlySet<string>;
  deliveries: number;
  /** From receipt to commit; for a deferred request, the verification round's time. */
  durationMs: number;
  verification: 'immediate' | 'deferred';
}

export function acceptedLogFields(input: AcceptedLogInput): Record<string, unknown> {
  const orderIds = [...new Set(input.events.flatMap((e) => (e.order?.id ? [e.order.id] : [])))];
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
