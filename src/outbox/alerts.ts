/**
 * Error e-mails to a connection's error addresses (and the operator address, when set), as
 * Digistore24 sends them for its own IPN connections: when deliveries give up (dead or failed)
 * and when they keep failing. The one alert mechanism: the alerts about sources and connections
 * as a whole (rejected and held notifications, a connection switched off) are health-alerts.ts,
 * reached through `note` and sent by the same loop under the same throttle.
 *
 * Throttled per connection, and nothing is lost to the throttle: the problems wait in
 * `alert_queue` (queued with the delivery's outcome, see alert-queue.ts) and a connection's
 * next mail reports every one of them. A mail goes out as soon as a problem is queued when the
 * connection's window is open; otherwise the worker's alert loop (`flushDue`) sends it when the
 * window ends. The window (`alert_windows.next_mail_at`) is taken by compare-and-set, so of
 * several workers exactly one sends each mail. Rows are removed only after the mail went out;
 * a mail that cannot be sent is tried again when the window ends (a minute at the earliest),
 * and a process that dies in between leaves its rows for the next mail.
 */
import type { Kysely } from 'kysely';
import * as z from 'zod';
import type { DbAdapter } from '../db/dialect-adapter.js';
import type { Database } from '../db/schema.js';
import type { Clock } from '../lib/clock.js';
import type { Logger } from '../lib/logger.js';
import type { Mailer } from '../lib/mailer.js';
import { uniqueEmails } from '../lib/unique-emails.js';
import { renderAlertMail } from './alert-mail.js';
import type { AlertReport, ReportedDelivery, ReportedStatus } from './alert-mail.js';
import { createHealthAlerts } from './health-alerts.js';
import type { HealthNote } from './health-alerts.js';

export interface Alerter {
  /** Whether an operator address is set: the connections' error e-mails go to it too. */
  readonly hasOperator: boolean;
  /** Counts an alert about a source or connection and mails it when its window is open; never throws. */
  note(note: HealthNote): Promise<void>;
  /** Mails what is queued for this connection if its window is open; true when a mail went out. */
  flush(connectionId: string): Promise<boolean>;
  /** Mails every connection and alert whose window has ended and that has something queued; returns the mails sent. */
  flushDue(): Promise<number>;
}

export interface AlerterDeps {
  db: Kysely<Database>;
  adapter: DbAdapter;
  mailer: Mailer;
  clock: Clock;
  /** Length of a connection's window: at most one mail per connection in it. */
  throttleMs: number;
  logger: Logger;
  /** The operator address (`operatorEmail`): gets every alert. */
  operatorEmail?: string | undefined;
  /** Counts every alert mail sent, by kind (`deliveries` for a connection's error e-mail). */
  onSent?: (kind: string) => void;
}

/** The earliest retry of a mail that could not be sent, whatever the window. */
const RETRY_FAILED_MAIL_MS = 60_000;
/** Rows removed per statement (bound parameters stay far below every driver's limit). */
const DELETE_CHUNK = 500;

const storedEmails = z.array(z.string());

interface QueueRow {
  id: string;
  delivery_id: string;
  kind: string;
  reason: string;
  attempt_no: number;
  queued_at: string;
  status: string | null;
  attempts: number | null;
  last_error: string | null;
  next_attempt_at: string | null;
  event_id: string | null;
  event_type: string | null;
  order_ref: string | null;
  customer_email: string | null;
}

/** A mail to send: its recipients, its report, and the queue rows it covers. */
interface Claimed {
  recipients: string[];
  report: AlertReport;
  rows: ReadonlyArray<Pick<QueueRow, 'id' | 'delivery_id'>>;
}

/** Where the delivery stands now; null when it went through (or was skipped) since. */
function reportedStatus(row: QueueRow): ReportedStatus | null {
  switch (row.status) {
    case 'dead':
    case 'failed':
      return row.status;
    case 'pending':
    case 'delivering':
      return 'retrying';
    case null:
      // The delivery row is gone: report the problem as it was queued.
      return row.kind === 'failing' ? 'retrying' : row.kind === 'failed' ? 'failed' : 'dead';
    default:
      return null;
  }
}

function toReported(row: QueueRow, status: ReportedStatus): ReportedDelivery {
  return {
    deliveryId: row.delivery_id,
    status,
    attempts: Number(row.attempts ?? row.attempt_no),
    lastError: row.last_error ?? row.reason,
    nextAttemptAt: status === 'retrying' ? row.next_attempt_at : null,
    event:
      row.event_id === null
        ? null
        : {
            id: row.event_id,
            type: row.event_type ?? 'unknown',
            orderId: row.order_ref,
            buyerEmail: row.customer_email,
          },
  };
}

async function removeRows(
  db: Kysely<Database>,
  rows: ReadonlyArray<Pick<QueueRow, 'id' | 'delivery_id'>>,
): Promise<void> {
  for (let i = 0; i < rows.length; i += DELETE_CHUNK) {
    const chunk = rows.slice(i, i + DELETE_CHUNK);
    // A row replaced since it was read has a new id and stays.
    await db
      .deleteFrom('alert_queue')
      .where(
        'delivery_id',
        'in',
        chunk.map((row) => row.delivery_id),
      )
      .where(
        'id',
        'in',
        chunk.map((row) => row.id),
      )
      .execute();
  }
}

export function createAlerter(deps: AlerterDeps): Alerter {
  const { db, adapter, clock, logger } = deps;
  const throttleMinutes = Math.round(deps.throttleMs / 60_000);
  const health = createHealthAlerts(deps);
  const operator = deps.operatorEmail === undefined ? [] : [deps.operatorEmail];

  function readQueue(trx: Kysely<Database>, connectionId: string): Promise<QueueRow[]> {
    return trx
      .selectFrom('alert_queue as q')
      .leftJoin('deliveries as d', 'd.id', 'q.delivery_id')
      .leftJoin('events as e', 'e.id', 'd.event_id')
      .select([
        'q.id',
        'q.delivery_id',
        'q.kind',
        'q.reason',
        'q.attempt_no',
        'q.queued_at',
        'd.status',
        'd.attempts',
        'd.last_error',
        'd.next_attempt_at',
        'e.id as event_id',
        'e.type as event_type',
        'e.order_ref',
        'e.customer_email',
      ])
      .where('q.connection_id', '=', connectionId)
      .orderBy('q.queued_at')
      .orderBy('q.delivery_id')
      .execute();
  }

  /** Takes the connection's window when it is open; false when another process was first. */
  async function takeWindow(
    trx: Kysely<Database>,
    connectionId: string,
    current: string | undefined,
    until: string,
  ): Promise<boolean> {
    if (current === undefined) {
      const inserted = await trx
        .insertInto('alert_windows')
        .values({ connection_id: connectionId, next_mail_at: until })
        .onConflict((oc) => oc.column('connection_id').doNothing())
        .returning('connection_id')
        .execute();
      return inserted.length === 1;
    }
    const updated = await trx
      .updateTable('alert_windows')
      .set({ next_mail_at: until })
      .where('connection_id', '=', connectionId)
      .where('next_mail_at', '=', current)
      .returning('connection_id')
      .execute();
    return updated.length === 1;
  }

  function claim(connectionId: string, now: Date): Promise<Claimed | null> {
    const nowIso = now.toISOString();
    return adapter.writeTransaction(db, async (trx) => {
      const window = await trx
        .selectFrom('alert_windows')
        .select('next_mail_at')
        .where('connection_id', '=', connectionId)
        .executeTakeFirst();
      if (window && window.next_mail_at > nowIso) return null;
      const rows = await readQueue(trx, connectionId);
      if (rows.length === 0) return null;
      const connection = await trx
        .selectFrom('connections')
        .select(['id', 'name', 'connector', 'error_emails'])
        .where('id', '=', connectionId)
        .executeTakeFirst();
      const recipients = connection
        ? uniqueEmails([...operator, ...storedEmails.parse(JSON.parse(connection.error_emails))])
        : [];
      const reported: ReportedDelivery[] = [];
      const covered: QueueRow[] = [];
      const settled: QueueRow[] = [];
      for (const row of rows) {
        const status = reportedStatus(row);
        if (status === null) settled.push(row);
        else {
          reported.push(toReported(row, status));
          covered.push(row);
        }
      }
      // Nobody to tell (the connection or its addresses were removed), or nothing left to tell.
      if (!connection || recipients.length === 0) {
        await removeRows(trx, rows);
        return null;
      }
      await removeRows(trx, settled);
      if (reported.length === 0) return null;
      if (
        !(await takeWindow(
          trx,
          connectionId,
          window?.next_mail_at,
          new Date(now.getTime() + deps.throttleMs).toISOString(),
        ))
      )
        return null;
      const report: AlertReport = {
        connection: { id: connection.id, name: connection.name, connector: connection.connector },
        deliveries: reported,
        since: covered[0]?.queued_at ?? nowIso,
        throttleMinutes,
      };
      return { recipients, report, rows: covered };
    });
  }

  async function flush(connectionId: string): Promise<boolean> {
    const now = clock.now();
    const claimed = await claim(connectionId, now);
    if (!claimed) return false;
    const { subject, text } = renderAlertMail(claimed.report);
    const result = await deps.mailer.send({ to: claimed.recipients, subject, text });
    if (!result.ok) {
      if (deps.throttleMs < RETRY_FAILED_MAIL_MS) {
        await db
          .updateTable('alert_windows')
          .set({ next_mail_at: new Date(now.getTime() + RETRY_FAILED_MAIL_MS).toISOString() })
          .where('connection_id', '=', connectionId)
          .execute();
      }
      logger.warn(
        { connectionId, deliveries: claimed.rows.length, error: result.error },
        'error e-mail could not be sent; it is tried again when the throttle window ends',
      );
      return false;
    }
    await removeRows(db, claimed.rows);
    deps.onSent?.('deliveries');
    logger.info(
      { connectionId, deliveries: claimed.rows.length, file: result.file },
      'error e-mail sent',
    );
    return true;
  }

  return {
    hasOperator: operator.length > 0,
    note: (note) => health.note(note),
    flush,
    async flushDue() {
      const now = clock.now().toISOString();
      const due = await db
        .selectFrom('alert_queue as q')
        .leftJoin('alert_windows as w', 'w.connection_id', 'q.connection_id')
        .select('q.connection_id')
        .distinct()
        .where((eb) => eb.or([eb('w.next_mail_at', 'is', null), eb('w.next_mail_at', '<=', now)]))
        .execute();
      let sent = 0;
      for (const { connection_id: connectionId } of due) {
        try {
          if (await flush(connectionId)) sent += 1;
        } catch (err) {
          logger.error(
            { err, connectionId },
            'error e-mail could not be prepared; it is tried again on the next round',
          );
        }
      }
      return sent + (await health.flushDue());
    },
  };
}
