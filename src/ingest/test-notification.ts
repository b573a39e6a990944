/**
 * "Send test notification" of the admin UI: the source's provider builds the request its
 * sender's own connection test sends (`Provider.testNotification`, e.g. Digistore24's signed
 * `connection_test`), authenticated with the source's stored config, and it goes through the
 * real ingest pipeline in this process, so it is verified, recorded and answered exactly like
 * the sender's own test — and shows up in the notification log.
 */
import { IpnhubError } from '../core/errors.js';
import type { Clock } from '../lib/clock.js';
import { installedProvider } from '../providers/registry.js';
import type { ProviderLookup } from '../providers/registry.js';
import type { Ingest, IngestSources } from './ingest.js';

export interface TestNotificationResult {
  /** The HTTP status the sender would have got. */
  status: number;
  /** The answer the sender would have got (Digistore24: `OK`, or `ERROR: CODE: …`). */
  body: string;
  /** The recorded request, or null when nothing was stored. */
  inboundRequestId: string | null;
}

export interface TestNotificationDeps {
  sources: IngestSources;
  ingest: Ingest;
  clock: Clock;
  providers?: ProviderLookup;
}

/**
 * Sends the test notification of source `sourceId`, recorded as coming from `remoteAddress`
 * (the admin's client address). No such source → `NOT_FOUND`; a provider without a test
 * notification → `TEST_NOTIFICATION_UNSUPPORTED`.
 */
export async function sendTestNotification(
  deps: TestNotificationDeps,
  sourceId: string,
  remoteAddress: string,
): Promise<TestNotificationResult> {
  const source = await deps.sources.loadForIngest(sourceId);
  if (!source) throw new IpnhubError('NOT_FOUND', `No source ${sourceId}.`);
  const provider = (deps.providers ?? installedProvider)(source.provider);
  if (!provider?.testNotification) {
    throw new IpnhubError(
      'TEST_NOTIFICATION_UNSUPPORTED',
      `${provider?.displayName ?? source.provider} sources are tested from the provider's side: send a notification from there.`,
    );
  }
  const request = provider.testNotification(source.config);
  const result = await deps.ingest.receive(source.id, {
    receivedAt: deps.clock.now(),
    method: 'POST',
    url: `/ipn/${source.id}`,
    headers: { ...request.headers, 'content-length': String(request.body.length) },
    rawBody: request.body,
    remoteAddress,
  });
  return { status: result.ack.status, body: result.ack.body, inboundRequestId: result.inboundId };
}
