/**
 * The alert for a request held for review (verdict `held`): an authentic notification about
 * money that could not be turned into an event, so no connection received it. It is logged at
 * once, and counted as a `held` alert of its source (outbox/health-alerts.ts): the operator and
 * the error addresses of the active connections that take events from the source get one mail
 * per throttle window, with how many were held since the last one and the latest case.
 */
import type { ErrorCode } from '../core/errors.js';
import type { Logger } from '../lib/logger.js';
import type { HealthNote } from '../outbox/health-alerts.js';

export interface HeldRequest {
  inboundId: string;
  sourceId: string;
  provider: string;
  code: ErrorCode | null;
  reason: string;
}

export interface HeldAlertDeps {
  /** Counts the alert and mails it when its window is open (outbox/alerts.ts); never throws. */
  note: (note: HealthNote) => Promise<void>;
  logger: Logger;
}

/** What the alert says about a held request. */
export function heldNote(held: HeldRequest): HealthNote {
  return {
    subjectId: held.sourceId,
    kind: 'held',
    ref: held.inboundId,
    reason: held.code === null ? held.reason : `${held.code}: ${held.reason}`,
  };
}

/** Logs the held request and counts its alert; never throws. */
export function createHeldAlerter(deps: HeldAlertDeps): (held: HeldRequest) => Promise<void> {
  return async (held) => {
    deps.logger.warn(
      {
        inboundId: held.inboundId,
        sourceId: held.sourceId,
        provider: held.provider,
        code: held.code,
        reason: held.reason,
      },
      'inbound request held for review',
    );
    await deps.note(heldNote(held));
  };
}
