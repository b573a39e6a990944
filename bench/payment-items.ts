/**
 * Signed Digistore24 `on_payment` bodies (bench/payloads.ts) turned into what the ingest store
 * commits: the accepted request row and its keyed events, verified and normalized as the ingest
 * pipeline does, so a bench of the write path alone writes what a real notification writes.
 */
import { newId } from '../src/core/ids.js';
import { keyEvents } from '../src/ingest/ingest.js';
import type { KeyedEvent } from '../src/ingest/event-payload.js';
import type { InboundRow } from '../src/ingest/ingest-store.js';
import { getProvider } from '../src/providers/registry.js';
import { signedPaymentBodies } from './payloads.js';

export interface PaymentItem {
  row: InboundRow;
  events: KeyedEvent[];
  now: string;
}

/** `count` first payments of source `sourceId` (a Digistore24 source with `passphrase`). */
export function paymentItems(
  count: number,
  options: { sourceId: string; passphrase: string; prefix: string },
): PaymentItem[] {
  const provider = getProvider('digistore24');
  const headers = { 'content-type': 'application/x-www-form-urlencoded' };
  const url = `/ipn/${options.sourceId}`;
  return signedPaymentBodies(count, options).map((rawBody) => {
    const receivedAt = new Date();
    const request = {
      receivedAt,
      method: 'POST',
      url,
      headers,
      rawBody,
      remoteAddress: '127.0.0.1',
    };
    const normalized = provider.normalize(request, { passphrase: options.passphrase });
    if (normalized.kind !== 'events') throw new Error(`not events: ${normalized.kind}`);
    const now = receivedAt.toISOString();
    const events = keyEvents(
      normalized.events,
      { id: options.sourceId, provider: 'digistore24' },
      now,
    );
    const row: InboundRow = {
      id: newId('inbound'),
      source_id: options.sourceId,
      provider: 'digistore24',
      received_at: now,
      method: 'POST',
      url,
      headers: JSON.stringify(headers),
      raw_body: rawBody,
      remote_address: '127.0.0.1',
      verdict: 'accepted',
      verdict_code: null,
      verdict_reason: null,
      verification: null,
      event_ids: '[]',
    };
    return { row, events, now };
  });
}
