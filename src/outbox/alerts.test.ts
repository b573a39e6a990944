import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDb } from '../db/connect.js';
import type { Db } from '../db/connect.js';
import type { DeliveryStatus } from '../db/schema.js';
import { ManualClock } from '../lib/clock.js';
import { createLogger, silentLogger } from '../lib/logger.js';
import type { Logger } from '../lib/logger.js';
import { createMailer } from '../lib/mailer.js';
import type { Mailer } from '../lib/mailer.js';
import { queueAlerts } from './alert-queue.js';
import type { AlertKind } from './alert-queue.js';
import { MAX_LISTED_PER_GROUP } from './alert-mail.js';
import { createAlerter } from './alerts.js';
import type { Alerter } from './alerts.js';
import { closedPort } from '../../test/helpers/closed-port.js';
import { startSmtpSink } from '../../test/fakes/smtp-sink.js';
import type { SmtpSink } from '../../test/fakes/smtp-sink.js';
import { createTestDb, enabledDialects } from '../../test/helpers/test-db.js';
import type { TestDb } from '../../test/helpers/test-db.js';

const T0 = '2026-01-01T00:00:00.000Z';
const HOUR = 3_600_000;
const CONNECTION = 'con_1';

for (const dialect of enabledDialects()) {
  describe(`error e-mails on ${dialect}`, () => {
    let h: TestDb;
    let sink: SmtpSink;
    let clock: ManualClock;
    let dataDir: string;
    let logger: Logger;
    let errorLines: string[];
    const closers: Array<() => Promise<void>> = [];

    beforeEach(async () => {
      h = await createTestDb(dialect);
      sink = await startSmtpSink();
      clock = new ManualClock(T0);
      dataDir = mkdtempSync(join(tmpdir(), 'ipnhub-alerts-'));
      errorLines = [];
      logger = createLogger(
        'error',
        new Writable({
          write(chunk: Buffer, _encoding, done) {
            errorLines.push(chunk.toString('utf8'));
            done();
          },
        }),
      );
      await addConnection(CONNECTION, ['ops@example.com', 'dev@example.com']);
    });

    afterEach(async () => {
      // A failed mail is a warning; an error means an alerter round broke.
      expect(errorLines).toEqual([]);
      for (const close of closers.splice(0).reverse()) await close();
      await sink.close();
      await h.dispose();
      rmSync(dataDir, { recursive: true, force: true });
    });

    function mailer(smtpUrl = sink.url): Mailer {
      const m = createMailer({
        smtpUrl,
        from: 'ipnhub <hub@example.com>',
        dataDir,
        logger: silentLogger(),
      });
      closers.push(() => m.close());
      return m;
    }

    function alerter(options: { db?: Db; mailer?: Mailer; throttleMs?: number } = {}): Alerter {
      const db = options.db ?? h;
      return createAlerter({
        db: db.db,
        adapter: db.adapter,
        mailer: options.mailer ?? mailer(),
        clock,
        throttleMs: options.throttleMs ?? HOUR,
        logger,
      });
    }

    async function addConnection(id: string, errorEmails: string[]): Promise<void> {
      await h.db
        .insertInto('connections')
        .values({
          id,
          connector: 'webhook',
          name: 'Billing system',
          active: 1,
          filters: '{}',
          config: '{}',
          secrets: '',
          error_emails: JSON.stringify(errorEmails),
          created_at: T0,
          updated_at: T0,
        })
        .execute();
    }

    /** Stores an event and its delivery to `connectionId` in `status`, and queues `kind` for it. */
    async function problem(
      n: number,
      status: DeliveryStatus,
      kind: AlertKind,
      options: { attempts?: number; error?: string; connectionId?: string } = {},
    ): Promise<string> {
      const id = `dlv_${String(n).padStart(3, '0')}`;
      const error = options.error ?? 'HTTP 500';
      const attempts = options.attempts ?? 8;
      const now = clock.now().toISOString();
      await h.db
        .insertInto('events')
        .values({
          id: `evt_${n}`,
          source_id: 'src_1',
          inbound_request_id: `req_${n}`,
          type: 'payment',
          dedup_key: `dedup_${n}`,
          order_ref: `ORD${n}`,
          customer_email: `buyer${n}@example.com`,
          test: 0,
          occurred_at: T0,
          received_at: T0,
          payload: '{}',
        })
        .execute();
      await h.db
        .insertInto('deliveries')
        .values({
          id,
          event_id: `evt_${n}`,
          connection_id: options.connectionId ?? CONNECTION,
          order_key: `src_1:ORD${n}`,
          status,
          attempts,
          next_attempt_at:
            status === 'pending' ? new Date(clock.now().getTime() + 7_200_000).toISOString() : now,
          lease_owner: null,
          lease_expires_at: null,
          trigger: 'scheduled',
          last_error: error,
          created_at: T0,
          updated_at: now,
          completed_at: status === 'pending' ? null : now,
        })
        .execute();
      await queueAlerts(
        h.db,
        [
          {
            deliveryId: id,
            connectionId: options.connectionId ?? CONNECTION,
            kind,
            attemptNo: attempts,
            reason: error,
          },
        ],
        now,
      );
      return id;
    }

    async function setStatus(
      deliveryId: string,
      status: DeliveryStatus,
      kind: AlertKind | null,
      error = 'HTTP 500',
    ): Promise<void> {
      await h.db
        .updateTable('deliveries')
        .set({ status, last_error: error })
        .where('id', '=', deliveryId)
        .execute();
      if (kind)
        await queueAlerts(
          h.db,
          [{ deliveryId, connectionId: CONNECTION, kind, attemptNo: 8, reason: error }],
          clock.now().toISOString(),
        );
    }

    const queued = async () =>
      (
        await h.db.selectFrom('alert_queue').select('delivery_id').orderBy('delivery_id').execute()
      ).map((r) => r.delivery_id);

    it('mails at once while the window is open, collects what happens inside it, and mails that when the window ends', async () => {
      const a = alerter();
      const failing = await problem(1, 'pending', 'failing', { attempts: 4, error: 'HTTP 503' });
      expect(await a.flush(CONNECTION)).toBe(true);
      const [first] = await sink.waitForMessages(1);
      expect(first?.to).toEqual(['ops@example.com', 'dev@example.com']);
      expect(first?.subject).toBe(
        '[ipnhub] "Billing system": 1 delivery failing, being retried (HTTP 503)',
      );
      expect(first?.text).toContain(failing);
      expect(first?.text).toContain('Nothing needs doing yet');
      expect(first?.text).toContain('next attempt 2026-01-01T02:00:00.000Z');
      expect(await queued()).toEqual([]);

      // Inside the window: 25 deliveries go dead and one fails for good. Nothing is mailed yet.
      clock.advance(10 * 60_000);
      const dead: string[] = [];
      for (let n = 2; n <= 26; n++) dead.push(await problem(n, 'dead', 'dead'));
      const failed = await problem(27, 'failed', 'failed', { attempts: 1, error: 'HTTP 400' });
      expect(await a.flush(CONNECTION)).toBe(false);
      clock.set(new Date(Date.parse(T0) + HOUR - 1));
      expect(await a.flushDue()).toBe(0);
      expect(sink.messages).toHaveLength(1);

      clock.advance(1);
      expect(await a.flushDue()).toBe(1);
      const [, summary] = await sink.waitForMessages(2);
      expect(summary?.subject).toBe(
        '[ipnhub] "Billing system": 25 deliveries dead, 1 delivery failed permanently — action needed',
      );
      const text = summary?.text ?? '';
      expect(text).not.toContain('Nothing needs doing');
      expect(text).toContain('Action needed');
      expect(text).toMatch(/Dead:\s+25 {3}every retry failed/);
      expect(text).toMatch(/Failed permanently:\s+1 {3}the target refused them/);
      for (const id of dead.slice(0, MAX_LISTED_PER_GROUP))
        expect(text).toContain(`ipnhub deliveries redeliver ${id}`);
      expect(text).not.toContain(dead[MAX_LISTED_PER_GROUP]!);
      expect(text).toContain(
        `… and 5 more: ipnhub deliveries list --connection ${CONNECTION} --status dead`,
      );
      expect(text).toContain(
        `- ${failed}  payment, order ORD27, buyer27@example.com\n  1 attempt, last error: HTTP 400\n  ipnhub deliveries redeliver ${failed}`,
      );
      expect(text).toContain('Problems since 2026-01-01T00:10:00.000Z.');
      expect(await queued()).toEqual([]);

      // Nothing new: nothing more is mailed, however long it gets.
      clock.advance(5 * HOUR);
      expect(await a.flushDue()).toBe(0);
      expect(sink.messages).toHaveLength(2);
    });

    it('keeps what was not mailed across a restart inside the window', async () => {
      await problem(1, 'dead', 'dead');
      expect(await alerter().flush(CONNECTION)).toBe(true);
      clock.advance(HOUR / 2);
      const later = await problem(2, 'failed', 'failed', { error: 'HTTP 422' });
      expect(await alerter().flush(CONNECTION)).toBe(false);

      // A new process: its own connection to the database, its own alerter.
      const again = openDb(h.target);
      closers.push(() => again.close());
      const restarted = alerter({ db: again });
      expect(await restarted.flushDue()).toBe(0);
      clock.advance(HOUR / 2);
      expect(await restarted.flushDue()).toBe(1);
      const [, mail] = await sink.waitForMessages(2);
      expect(mail?.subject).toContain('1 delivery failed permanently — action needed (HTTP 422)');
      expect(mail?.text).toContain(`ipnhub deliveries redeliver ${later}`);
    });

    it('keeps the queue when the mail cannot be sent and sends it when the window ends', async () => {
      const id = await problem(1, 'dead', 'dead');
      const down = alerter({ mailer: mailer(`smtp://127.0.0.1:${await closedPort()}`) });
      expect(await down.flush(CONNECTION)).toBe(false);
      expect(await queued()).toEqual([id]);
      clock.advance(HOUR);
      expect(await alerter().flushDue()).toBe(1);
      expect((await sink.waitForMessages(1))[0]?.text).toContain(
        `ipnhub deliveries redeliver ${id}`,
      );
      expect(await queued()).toEqual([]);
    });

    it('waits a minute before trying a failed mail again when there is no throttle', async () => {
      const id = await problem(1, 'dead', 'dead');
      expect(
        await alerter({
          throttleMs: 0,
          mailer: mailer(`smtp://127.0.0.1:${await closedPort()}`),
        }).flush(CONNECTION),
      ).toBe(false);
      const unthrottled = alerter({ throttleMs: 0 });
      clock.advance(59_999);
      expect(await unthrottled.flushDue()).toBe(0);
      clock.advance(1);
      expect(await unthrottled.flushDue()).toBe(1);
      expect((await sink.waitForMessages(1))[0]?.text).toContain(id);
      // Without a throttle every new problem is mailed at once.
      await problem(2, 'dead', 'dead');
      expect(await unthrottled.flush(CONNECTION)).toBe(true);
    });

    it('reports deliveries as they stand when the mail is written: through since, not at all; failing then dead, as dead', async () => {
      await problem(1, 'dead', 'dead');
      expect(await alerter().flush(CONNECTION)).toBe(true);
      const recovered = await problem(2, 'pending', 'failing', { attempts: 4 });
      const worse = await problem(3, 'pending', 'failing', { attempts: 4 });
      await setStatus(recovered, 'delivered', null);
      await setStatus(worse, 'dead', 'dead', 'HTTP 502');
      clock.advance(HOUR);
      expect(await alerter().flushDue()).toBe(1);
      const [, mail] = await sink.waitForMessages(2);
      expect(mail?.subject).toBe(
        '[ipnhub] "Billing system": 1 delivery dead — action needed (HTTP 502)',
      );
      expect(mail?.text).toContain(worse);
      expect(mail?.text).not.toContain(recovered);
    });

    it('mails nothing and keeps the window open when every queued delivery has gone through since', async () => {
      const id = await problem(1, 'pending', 'failing', { attempts: 4 });
      await setStatus(id, 'delivered', null);
      const a = alerter();
      expect(await a.flush(CONNECTION)).toBe(false);
      expect(await queued()).toEqual([]);
      // The window was not used up: the next problem is mailed at once.
      await problem(2, 'failed', 'failed');
      expect(await a.flush(CONNECTION)).toBe(true);
      expect(sink.messages).toHaveLength(1);
    });

    it('keeps the subject on one line when the error spans several', async () => {
      await problem(1, 'failed', 'failed', {
        error: 'TARGET_VALIDATION_FAILED: Email: invalid\nPhone:\r\n  too long',
      });
      expect(await alerter().flush(CONNECTION)).toBe(true);
      const [mail] = await sink.waitForMessages(1);
      expect(mail?.subject).toBe(
        '[ipnhub] "Billing system": 1 delivery failed permanently — action needed (TARGET_VALIDATION_FAILED: Email: invalid Phone: too long)',
      );
      expect(mail?.text).toContain('last error: TARGET_VALIDATION_FAILED: Email: invalid\nPhone:');
    });

    it('drops the queue of a connection that has no error addresses or no longer exists', async () => {
      await addConnection('con_quiet', []);
      await problem(1, 'dead', 'dead', { connectionId: 'con_quiet' });
      await problem(2, 'dead', 'dead', { connectionId: 'con_gone' });
      expect(await alerter().flushDue()).toBe(0);
      expect(await queued()).toEqual([]);
      expect(sink.messages).toEqual([]);
    });

    it('sends one mail when two workers flush the same connection at once', async () => {
      await problem(1, 'dead', 'dead');
      await problem(2, 'failed', 'failed');
      // Two processes on PostgreSQL. On SQLite a second connection in this process would block
      // the thread while the first holds the write lock, so both share one, as workers of one
      // process do (processes on one SQLite file queue on its lock).
      const other: Db = dialect === 'sqlite' ? h : openDb(h.target);
      if (other !== h) closers.push(() => other.close());
      const sent = await Promise.all([
        alerter().flushDue(),
        alerter({ db: other }).flushDue(),
        alerter().flush(CONNECTION),
      ]);
      expect(sent.map(Number).reduce((a, b) => a + b, 0)).toBe(1);
      await sink.waitForMessages(1);
      expect(await queued()).toEqual([]);
      clock.advance(HOUR);
      expect(await alerter().flushDue()).toBe(0);
      expect(sink.messages).toHaveLength(1);
    });
  });
}
