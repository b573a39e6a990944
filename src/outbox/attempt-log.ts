/**
 * The one info line of a delivery attempt (docs/health-and-alerts.md, "Log lines"): which
 * delivery of which event (source, type, order id) went to which connection, how it ended, the
 * target's HTTP status, a stable error code, the attempt number and how long it took. Nothing
 * of the buyer (no e-mail, no name) and no reason text: a target's error message may quote the
 * buyer's data back, so the reason stays in the attempt row, which the admin API shows.
 */
import type { ConnectionForDelivery } from '../connections/connections-service.js';
import type { DeliveryResult } from '../connectors/connector.js';
import type { CanonicalEvent } from '../core/events.js';
import type { DeliveryRow } from '../db/claim-deliveries.js';
import type { DeliveryStatus } from '../db/schema.js';
import type { RecordedRequests } from './request-recorder.js';

export interface AttemptLogInput {
  delivery: DeliveryRow;
  attemptNo: number;
  event: CanonicalEvent | null;
  connection: ConnectionForDelivery | null;
  result: DeliveryResult;
  status: Exclude<DeliveryStatus, 'delivering'>;
  durationMs: number;
  sent: RecordedRequests | null;
  /** Whether the connector ran (false: ipnhub could not start the attempt). */
  ranConnector: boolean;
}

/**
 * `null` for a delivered or skipped attempt; otherwise `TIMEOUT`, `CONNECTION`, `BLOCKED`,
 * `INVALID_URL` or `ABORTED` when the target gave no answer, `HTTP_<status>` when it answered
 * with an error status, `EVENT_NOT_FOUND` or `UNKNOWN_CONNECTOR` for ipnhub's own problems, and
 * `TARGET_ERROR` for a refusal the target said in its body.
 */
export function attemptErrorCode(input: AttemptLogInput): string | null {
  const { result } = input;
  if (result.outcome === 'delivered' || result.outcome === 'skipped') return null;
  if (!input.ranConnector) return input.event === null ? 'EVENT_NOT_FOUND' : 'UNKNOWN_CONNECTOR';
  const last = input.sent?.requests.at(-1);
  if (last?.failure) return last.failure.toUpperCase();
  const status = result.statusCode ?? last?.status ?? null;
  return status !== null && status >= 300 ? `HTTP_${status}` : 'TARGET_ERROR';
}

export function attemptLogFields(input: AttemptLogInput): Record<string, unknown> {
  const { delivery, event, connection, result } = input;
  const httpStatus =
    ('statusCode' in result ? result.statusCode : undefined) ??
    input.sent?.requests.at(-1)?.status ??
    null;
  return {
    deliveryId: delivery.id,
    connectionId: delivery.connection_id,
    connector: connection?.connector ?? null,
    eventId: delivery.event_id,
    sourceId: event?.source.id ?? null,
    eventType: event?.type ?? null,
    orderId: event?.order?.id ?? null,
    attempt: input.attemptNo,
    trigger: delivery.trigger === 'manual' ? 'manual' : 'scheduled',
    outcome: result.outcome,
    status: input.status,
    httpStatus,
    errorCode: attemptErrorCode(input),
    durationMs: input.durationMs,
  };
}
