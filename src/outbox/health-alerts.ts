/**
 * The alerts about a source or a connection as a whole, beside the per-delivery error e-mails
 * of alerts.ts and under the same throttle (docs/health-and-alerts.md):
 * - a source's notifications rejected for their signature, verification or receiver (kind =
 *   the rejection code, e.g. `SIGNATURE_INVALID`): to the operator address;
 * - notifications held for review (`held`): to the operator and to the error addresses of the
 *   active connections that take events from the source;
 * - a connection switched off on its own (`disabled`, auto-disable.ts): to the operator and
 *   the connection's error addresses.
 *
 * One `health_alerts` row per subject and kind counts what happened since its last mail, so
 * the throttle drops nothing: at most one mail per subject and kind per window, saying how
 * many happened since the last one. A mail goes out at once when the row's window is open;
 * otherwise the worker's alert loop sends it when the window ends. The window is taken by
 * compare-and-set, so of several processes exactly one sends each mail; a mail that cannot be
 * sent gives its count back and is tried again when the window ends (a minute at the earliest).
 */
import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import * as z from 'zod';
import type { Database, HealthAlertsTable } from '../db/schema.js';
import type { Clock } from '../lib/clock.js';
import type { Logger } from '../lib/logger.js';
import type { Mailer } from '../lib/mailer.js';
import { uniqueEmails } from '../lib/unique-emails.js';
import { renderHealthMail } from './health-alert-mail.js';
import type { HealthReport } from './health-alert-mail.js';

/** Inbound rejection codes that mean a source's notifications are not getting through. */
export const SOURCE_ALERT_CODES: ReadonlySet<string> = new Set([
  'SIGNATURE_MISSING',
  'SIGNATURE_NOT_CONFIGURED',
  'SIGNATURE_INVALID',
  'POSTBACK_INVALID',
  'CERTIFICATE_URL_NOT_ALLOWED',
  'CERTIFICATE_INVALID',
  'VERIFICATION_UNAVAILABLE',
  'RECEIVER_MISMATCH',
]);

/** Something that happened to a source or connection. */
export interface HealthNote {
  /** A source id (rejections, held requests) or a connection id (`disabled`). */
  subjectId: string;
  /** A rejection code of {@link SOURCE_ALERT_CODES}, `held` or `disabled`. */
  kind: string;
  /** The inbound request it happened to, or the connection. */
  ref: string | null;
  /** What happened, in words (no personal data). */
  reason: string;
}

export interface HealthAlertsDeps {
  db: Kysely<Database>;
  mailer: Mailer;
  clock: Clock;
  logger: Logger;
  throttleMs: number;
  /** The operator address (`operatorEmail`), if set. */
  operatorEmail?: string | undefined;
  /** Counts every mail sent, by kind (`/metrics`). */
  onSent?: (kind: string) => void;
}

export interface HealthAlerts {
  /**
   * Counts what happened and mails it if the window is open; resolves when it is written (and
   * mailed, if it could go out); never rejects (a failure is logged).
   */
  note(note: HealthNote): Promise<void>;
  /** Mails every row whose window has ended and that has something to report; returns the mails sent. */
  flushDue(): Promise<number>;
}

const RETRY_FAILED_MAIL_MS = 60_000;
const storedEmails = z.array(z.string());
const storedSources = z.object({ sources: z.array(z.string()).default([]) });

type Row = HealthAlertsTable;

/** Noted, not yet written: the latest note, how many, the first and the latest time. */
interface Unwritten {
  note: HealthNote;
  count: number;
  firstAt: string;
  lastAt: string;
}

export function createHealthAlerts(deps: HealthAlertsDeps): HealthAlerts {
  const { db, clock, logger } = deps;
  const operator = deps.operatorEmail === undefined ? [] : [deps.operatorEmail];

  /** Who is told, and what the subject is called; null when the subject is gone. */
  async function addressees(
    row: Row,
  ): Promise<{ to: string[]; subject: HealthReport['subject'] } | null> {
    if (row.kind === 'disabled') {
      const connection = await db
        .selectFrom('connections')
        .select(['id', 'name', 'connector', 'error_emails'])
        .where('id', '=', row.subject_id)
        .executeTakeFirst();
      if (!connection) return null;
      const errorEmails = storedEmails.parse(JSON.parse(connection.error_emails));
      return {
        to: uniqueEmails([...operator, ...errorEmails]),
        subject: { kind: 'connection', id: connection.id, name: connection.name },
      };
    }
    const source = await db
      .selectFrom('sources')
      .select(['id', 'name', 'provider'])
      .where('id', '=', row.subject_id)
      .executeTakeFirst();
    if (!source) return null;
    const subject = { kind: 'source' as const, id: source.id, name: source.name };
    if (row.kind !== 'held') return { to: operator, subject };
    // The people who would have seen the consequences: the connections that take this source.
    const connections = await db
      .selectFrom('connections')
      .select(['filters', 'error_emails'])
      .where('active', '=', 1)
      .execute();
    const errorEmails = connections.flatMap((c) => {
      const { sources } = storedSources.parse(JSON.parse(c.filters));
      return sources.length === 0 || sources.includes(source.id)
        ? storedEmails.parse(JSON.parse(c.error_emails))
        : [];
    });
    return { to: uniqueEmails([...operator, ...errorEmails]), subject };
  }

  /** Takes the row's window and its count; null when there is nothing to send or another process was first. */
  async function claim(id: string, now: Date): Promise<Row | null> {
    const nowIso = now.toISOString();
    const row = await db
      .selectFrom('health_alerts')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row || Number(row.count) === 0) return null;
    if (row.next_mail_at !== null && row.next_mail_at > nowIso) return null;
    const taken = await db
      .updateTable('health_alerts')
      .set({
        // What was noted meanwhile stays for the next mail.
        count: sql<number>`count - ${Number(row.count)}`,
        first_at: null,
        next_mail_at: new Date(now.getTime() + deps.throttleMs).toISOString(),
      })
      .where('id', '=', id)
      .where((eb) =>
        row.next_mail_at === null
          ? eb('next_mail_at', 'is', null)
          : eb('next_mail_at', '=', row.next_mail_at),
      )
      .where('count', '>=', Number(row.count))
      .returning('id')
      .execute();
    return taken.length === 1 ? { ...row, count: Number(row.count) } : null;
  }

  async function giveBack(row: Row, now: Date): Promise<void> {
    await db
      .updateTable('health_alerts')
      .set({
        count: sql<number>`count + ${row.count}`,
        first_at: sql<string>`coalesce(first_at, ${row.first_at ?? row.last_at})`,
        ...(deps.throttleMs < RETRY_FAILED_MAIL_MS
          ? { next_mail_at: new Date(now.getTime() + RETRY_FAILED_MAIL_MS).toISOString() }
          : {}),
      })
      .where('id', '=', row.id)
      .execute();
  }

  async function flush(id: string): Promise<boolean> {
    const now = clock.now();
    const row = await claim(id, now);
    if (!row) return false;
    const to = await addressees(row);
    if (to === null || to.to.length === 0) {
      logger.warn(
        { subjectId: row.subject_id, kind: row.kind, count: row.count },
        'nobody to tell about this alert (set IPNHUB_OPERATOR_EMAIL); it is only in the log',
      );
      return false;
    }
    const mail = renderHealthMail({
      subject: to.subject,
      kind: row.kind,
      count: row.count,
      since: row.first_at ?? row.last_at,
      lastRef: row.last_ref,
      lastReason: row.last_reason,
      throttleMinutes: Math.round(deps.throttleMs / 60_000),
    });
    const result = await deps.mailer.send({ to: to.to, ...mail });
    if (!result.ok) {
      await giveBack(row, now);
      logger.warn(
        { subjectId: row.subject_id, kind: row.kind, error: result.error },
        'alert e-mail could not be sent; it is tried again when the throttle window ends',
      );
      return false;
    }
    deps.onSent?.(row.kind);
    logger.info(
      { subjectId: row.subject_id, kind: row.kind, count: row.count, file: result.file },
      'alert e-mail sent',
    );
    return true;
  }

  /** What was noted and not yet written, by row id: written together, one statement per row. */
  const unwritten = new Map<string, Unwritten>();
  let writing: Promise<void> | null = null;

  async function write(id: string, entry: Unwritten): Promise<void> {
    const { note, count, firstAt, lastAt } = entry;
    await db
      .insertInto('health_alerts')
      .values({
        id,
        subject_id: note.subjectId,
        kind: note.kind,
        count,
        first_at: firstAt,
        last_at: lastAt,
        last_ref: note.ref,
        last_reason: note.reason,
        next_mail_at: null,
      })
      .onConflict((oc) =>
        oc.column('id').doUpdateSet({
          count: sql<number>`health_alerts.count + ${count}`,
          first_at: sql<string>`coalesce(health_alerts.first_at, excluded.first_at)`,
          last_at: (eb) => eb.ref('excluded.last_at'),
          last_ref: (eb) => eb.ref('excluded.last_ref'),
          last_reason: (eb) => eb.ref('excluded.last_reason'),
        }),
      )
      .execute();
  }

  /** Writes what was noted, then mails what may go out, until nothing new was noted meanwhile. */
  async function drain(): Promise<void> {
    try {
      while (unwritten.size > 0) {
        const batch = [...unwritten];
        unwritten.clear();
        for (const [id, entry] of batch) {
          try {
            await write(id, entry);
            await flush(id);
          } catch (err) {
            logger.error(
              { err, subjectId: entry.note.subjectId, kind: entry.note.kind },
              'alert could not be recorded or sent',
            );
          }
        }
      }
    } finally {
      writing = null;
    }
  }

  return {
    note(note) {
      // A rejection is the operator's alone: without the address there is nobody to count it for.
      if (operator.length === 0 && SOURCE_ALERT_CODES.has(note.kind)) return Promise.resolve();
      // A flood of rejections becomes one write per source and kind at a time, not one per request.
      const id = `${note.subjectId}:${note.kind}`;
      const entry = unwritten.get(id);
      const at = clock.now().toISOString();
      unwritten.set(id, {
        note,
        count: (entry?.count ?? 0) + 1,
        firstAt: entry?.firstAt ?? at,
        lastAt: at,
      });
      writing ??= drain();
      return writing;
    },
    async flushDue() {
      // What was noted before this round is counted in it.
      await writing;
      const now = clock.now().toISOString();
      const due = await db
        .selectFrom('health_alerts')
        .select('id')
        .where('count', '>', 0)
        .where((eb) => eb.or([eb('next_mail_at', 'is', null), eb('next_mail_at', '<=', now)]))
        .execute();
      let sent = 0;
      for (const { id } of due) {
        try {
          if (await flush(id)) sent += 1;
        } catch (err) {
          logger.error({ err, id }, 'alert e-mail could not be prepared; tried again next round');
        }
      }
      return sent;
    },
  };
}
