/**
 * The result of one part of a delivery (the buyer record, the Opportunity): a value, or the
 * outcome the whole delivery ends with.
 */
import type { DeliveryResult } from '../connector.js';

export type Step<T> = { ok: true; value: T } | { ok: false; result: DeliveryResult };

/** What a part did: `acted` is false when it found nothing to act on (→ the delivery may be skipped). */
export interface StepNote {
  acted: boolean;
  note: string;
}

/** The id in a create/upsert answer (`{ id, success, errors, created? }`), or null (204 has no body). */
export function answeredId(body: unknown): string | null {
  if (typeof body !== 'object' || body === null || !('id' in body)) return null;
  return typeof body.id === 'string' && body.id.length > 0 ? body.id : null;
}

/** The `Id` of a query record. */
export function recordId(record: Record<string, unknown> | undefined): string | null {
  const id = record?.Id;
  return typeof id === 'string' && id.length > 0 ? id : null;
}
