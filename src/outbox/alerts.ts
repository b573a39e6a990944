/**
 * Error e-mails to a connection's error addresses, as Digistore24 sends them for its own IPN
 * connections: when a delivery gives up (dead or failed) and when a connection starts
 * failing. Throttled per connection: at most one mail per throttle window; problems in
 * between are counted and mentioned in the next mail, never mailed one by one.
 */
import type { Kysely } from 'kysely';
import type { CanonicalEvent } from '../core/events.js';
import type { DbAdapter } from '../db/dialect-adapter.js';
import type { Database } from '../db/schema.js';
import type { Clock } from '../lib/clock.js';
import type { Logger } from '../lib/logger.js';
import type { Mailer } from '../lib/mailer.js';

export type AlertKind = 'dead' | 'failed' | 'failing';

export interface Alert {
  kind: AlertKind;
  connection: { id: string; name: string; connector: string; errorEmails: readonly string[] };
  deliveryId: string;
  attempts: number;
  reason: string;
  event: CanonicalEvent | null;
}

export interface Alerter {
  notify(alert: Alert): Promise<void>;
}

const HEADLINE: Record<AlertKind, string> = {
  dead: 'gave up after all retries',
  failed: 'failed permanently',
  failing: 'is failing and being retried',
};

export function renderAlert(alert: Alert, suppressed: number, since: string | null): { subject: string; text: string } {
  const { connection, event } = alert;
  const subject = `[ipnhub] Delivery to "${connection.name}" ${HEADLINE[alert.kind]}: ${alert.reason}`.slice(0, 250);
  const lines = [
    `A delivery of connection "${connection.name}" (${connection.id}, connector ${connection.connector}) ${HEADLINE[alert.kind]}.`,
    '',
    `Cause:     ${alert.reason}`,
    `Delivery:  ${alert.deliveryId} (${alert.attempts} attempt${alert.attempts === 1 ? '' : 's'})`,
  ];
  if (event) {
    lines.push(`Event:     ${event.type} ${event.id} from ${event.source.provider} source ${event.source.id}`);
    if (event.order?.id) lines.push(`Order:     ${event.order.id}${event.order.transactionId ? ` (transaction ${event.order.transactionId})` : ''}`);
    if (event.buyer?.email) lines.push(`Buyer:     ${event.buyer.email}`);
  }
  lines.push('');
  if (alert.kind === 'failing') {
    lines.push('ipnhub keeps retrying on its schedule; no action is needed if the target recovers.');
  } else {
    lines.push('Fix the cause, then send it again:', `  ipnhub deliveries redeliver ${alert.deliveryId}`, `  or POST /api/v1/deliveries/${alert.deliveryId}/redeliver`);
  }
  if (suppressed > 0) {
    lines.push('', `${suppressed} further problem${suppressed === 1 ? ' was' : 's were'} not mailed since ${since ?? 'the last mail'} (one mail per throttle window); see the delivery log.`);
  }
  return { subject, text: lines.join('\n') };
}

export function createAlerter(deps: { db: Kysely<Database>; adapter: DbAdapter; mailer: Mailer; clock: Clock; throttleMs: number; logger: Logger }): Alerter {
  return {
    async notify(alert) {
      if (alert.connection.errorEmails.length === 0) return;
      const now = deps.clock.now();
      const decision = await deps.adapter.writeTransaction(deps.db, async (trx) => {
        const row = await trx.selectFrom('connection_alerts').selectAll().where('connection_id', '=', alert.connection.id).executeTakeFirst();
        if (row && now.getTime() - Date.parse(row.last_sent_at) < deps.throttleMs) {
          await trx.updateTable('connection_alerts').set({ suppressed: row.suppressed + 1 }).where('connection_id', '=', alert.connection.id).execute();
          return { send: false as const };
        }
        const values = { connection_id: alert.connection.id, last_sent_at: now.toISOString(), suppressed: 0 };
        await trx
          .insertInto('connection_alerts')
          .values(values)
          .onConflict((oc) => oc.column('connection_id').doUpdateSet({ last_sent_at: values.last_sent_at, suppressed: 0 }))
          .execute();
        return { send: true as const, suppressed: row?.suppressed ?? 0, since: row?.last_sent_at ?? null };
      });
      if (!decision.send) return;
      const { subject, text } = renderAlert(alert, decision.suppressed, decision.since);
      const result = await deps.mailer.send({ to: alert.connection.errorEmails, subject, text });
      if (!result.ok) deps.logger.warn({ connectionId: alert.connection.id, error: result.error }, 'error e-mail could not be sent');
      else deps.logger.info({ connectionId: alert.connection.id, kind: alert.kind, file: result.file }, 'error e-mail sent');
    },
  };
}
