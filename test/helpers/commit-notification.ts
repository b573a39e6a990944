/**
 * Commits normalised events as one verified notification through the runtime's real ingest
 * store: the same transaction as a verified IPN (events, ledger, deliveries, document jobs).
 * Used by the invoicing tests with the payments of src/invoicing/test-support/invoicing-fixtures.ts.
 */
import type { EventDraft } from '../../src/core/events.js';
import { newId } from '../../src/core/ids.js';
import { keyEvents } from '../../src/ingest/ingest.js';
import type { Runtime } from '../../src/runtime.js';

/** Commits `drafts` as one verified notification of `source`, as the ingest pipeline does. */
export async function commitNotification(
  runtime: Runtime,
  source: { id: string; provider: string },
  drafts: readonly EventDraft[],
): Promise<{ inserted: string[]; documentJobs: number }> {
  const now = runtime.clock.now();
  const row = {
    id: newId('inbound', now.getTime()),
    source_id: source.id,
    provider: source.provider,
    received_at: now.toISOString(),
    method: 'POST',
    url: `/ipn/${source.id}`,
    headers: '{}',
    raw_body: Buffer.from('test'),
    remote_address: '127.0.0.1',
    verdict: 'accepted' as const,
    verdict_code: null,
    verdict_reason: null,
    verification: null,
    event_ids: '[]',
  };
  return runtime.ingestStore.commit(
    row,
    keyEvents(drafts, source, now.toISOString()),
    now.toISOString(),
  );
}
