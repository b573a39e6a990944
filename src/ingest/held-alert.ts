/**
 * The alert for a request held for review (verdict `held`): an authentic notification about
 * money that could not be turned into an event, so no connection received it. The people who
 * would have seen the consequences are told: the error addresses of the active connections
 * that take events from the request's source. Each held request gets its own mail, unthrottled:
 * it needs a person, and it only happens for notifications the provider itself vouched for.
 */
import type { ErrorCode } from '../core/errors.js';
import type { Logger } from '../lib/logger.js';
import type { Mailer } from '../lib/mailer.js';

export interface HeldRequest {
  inboundId: string;
  sourceId: string;
  provider: string;
  code: ErrorCode | null;
  reason: string;
}

/** What the alert needs to know about a connection. */
export interface AlertAddressee {
  active: boolean;
  filters: { sources: readonly string[] };
  errorEmails: readonly string[];
}

export interface HeldAlertDeps {
  connections: () => Promise<readonly AlertAddressee[]>;
  mailer: Mailer;
  logger: Logger;
}

export function renderHeldAlert(held: HeldRequest): { subject: string; text: string } {
  const cause = held.code === null ? held.reason : `${held.code}: ${held.reason}`;
  const subject = `[ipnhub] A ${held.provider} notification is held for review: ${cause}`.slice(
    0,
    250,
  );
  const text = [
    `ipnhub received a ${held.provider} notification about money that it could not record as an event, so no connection received it.`,
    '',
    `Cause:     ${cause}`,
    `Request:   ${held.inboundId} (source ${held.sourceId}, verdict held)`,
    '',
    'Look at the request, and at the payment in your provider account:',
    `  GET /api/v1/inbound-requests/${held.inboundId}`,
    '  GET /api/v1/inbound-requests?verdict=held',
    'Nothing is granted or delivered for it until it is handled by hand.',
  ].join('\n');
  return { subject, text };
}

/** Logs the held request and mails the addressees; never throws (a failed mail is logged). */
export function createHeldAlerter(deps: HeldAlertDeps): (held: HeldRequest) => Promise<void> {
  return async (held) => {
    deps.logger.warn(
      { inboundId: held.inboundId, sourceId: held.sourceId, code: held.code, reason: held.reason },
      'inbound request held for review',
    );
    try {
      const connections = await deps.connections();
      const seen = new Set<string>();
      const to = connections
        .filter(
          (c) =>
            c.active &&
            (c.filters.sources.length === 0 || c.filters.sources.includes(held.sourceId)),
        )
        .flatMap((c) => c.errorEmails)
        .filter((email) => {
          const key = email.toLowerCase();
          if (seen.has(key)) return false;
          seen.add(key);
          return true;
        });
      if (to.length === 0) {
        deps.logger.warn(
          { inboundId: held.inboundId, sourceId: held.sourceId },
          'no connection of this source has error e-mail addresses; the held request is only in the log and the API',
        );
        return;
      }
      const result = await deps.mailer.send({ to, ...renderHeldAlert(held) });
      if (!result.ok)
        deps.logger.warn(
          { inboundId: held.inboundId, error: result.error },
          'held-for-review e-mail could not be sent',
        );
    } catch (err) {
      deps.logger.error({ err, inboundId: held.inboundId }, 'held-for-review alert failed');
    }
  };
}
