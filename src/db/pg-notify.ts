/**
 * NOTIFY on PostgreSQL for many callers at once. Every ingest commit that creates deliveries
 * wakes the workers of other processes (`notify` of the dialect adapter); sent once per
 * notification, that was a round trip, a transaction and PostgreSQL's notify-queue lock for
 * every `OK` (docs/benchmarks.md, "PostgreSQL: one statement per group"), while one NOTIFY wakes
 * a listener as well as twenty-five. Here the calls that arrive while a NOTIFY is being sent (or
 * in the same turn of the event loop) share the one sent next: every caller still gets a NOTIFY
 * sent after its call (so a listener woken by it sees the caller's committed rows), and at most
 * one waits per channel behind the one in flight.
 *
 * A NOTIFY inside a transaction is the transaction's own (PostgreSQL sends it at commit): it is
 * sent at once, never shared.
 */
import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

export type Notify = (db: Kysely<Database>, channel: string) => Promise<void>;

export function coalescedNotify(send: Notify): Notify {
  /** The NOTIFY being sent, per channel. */
  const sending = new Map<string, Promise<void>>();
  /** The NOTIFY that follows it, shared by every caller meanwhile. */
  const next = new Map<string, Promise<void>>();
  return (db, channel) => {
    if (db.isTransaction) return send(db, channel);
    const waiting = next.get(channel);
    if (waiting) return waiting;
    const before = sending.get(channel) ?? new Promise<void>((resolve) => setImmediate(resolve));
    const mine = before
      .catch(() => undefined)
      .then(() => {
        next.delete(channel);
        const sent = send(db, channel);
        sending.set(channel, sent);
        return sent.finally(() => {
          if (sending.get(channel) === sent) sending.delete(channel);
        });
      });
    next.set(channel, mine);
    return mine;
  };
}
