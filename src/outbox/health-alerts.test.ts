/**
 * The alerts about sources and connections (health-alerts.ts) through the alerter, on both
 * dialects, against a real SMTP server: who a held alert goes to, that notes inside a window
 * are counted and mailed when it ends, that a mail that cannot be sent keeps its count, and
 * that a rejection is not even counted without an operator address.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../lib/clock.js';
import { silentLogger } from '../lib/logger.js';
import { createMailer } from '../lib/mailer.js';
import type { Mailer } from '../lib/mailer.js';
import { createAlerter } from './alerts.js';
import type { Alerter } from './alerts.js';
import { closedPort } from '../../test/helpers/closed-port.js';
import { startSmtpSink } from '../../test/fakes/smtp-sink.js';
import type { SmtpSink } from '../../test/fakes/smtp-sink.js';
import { createTestDb, enabledDialects } from '../../test/helpers/test-db.js';
import type { TestDb } from '../../test/helpers/test-db.js';

const T0 = '2026-01-01T00:00:00.000Z';
const HOUR = 3_600_000;
const SOURCE = 'src_shop';

for (const dialect of enabledDialects()) {
  describe(`alerts about sources and connections on ${dialect}`, () => {
    let h: TestDb;
    let sink: SmtpSink;
    let clock: ManualClock;
    let dataDir: string;
    const closers: Array<() => Promise<void>> = [];

    beforeEach(async () => {
      h = await createTestDb(dialect);
      sink = await startSmtpSink();
      clock = new ManualClock(T0);
      dataDir = mkdtempSync(join(tmpdir(), 'ipnhub-health-'));
      await h.db
        .insertInto('sources')
        .values({
          id: SOURCE,
          provider: 'paypal-ipn',
          name: 'Shop',
          config: '{}',
          secrets: '',
          created_at: T0,
          updated_at: T0,
        })
        .execute();
    });

    afterEach(async () => {
      for (const close of closers.splice(0).reverse()) await close();
      await sink.close();
      await h.dispose();
      rmSync(dataDir, { recursive: true, force: true });
    });

    function mailer(smtpUrl = sink.url): Mailer {
      const m = createMailer({ smtpUrl, from: 'hub@example.com', dataDir, logger: silentLogger() });
      closers.push(() => m.close());
      return m;
    }

    function alerter(options: { mailer?: Mailer; operatorEmail?: string } = {}): Alerter {
      return createAlerter({
        db: h.db,
        adapter: h.adapter,
        mailer: options.mailer ?? mailer(),
        clock,
        throttleMs: HOUR,
        logger: silentLogger(),
        ...('operatorEmail' in options ? { operatorEmail: options.operatorEmail } : {}),
      });
    }

    async function addConnection(
      id: string,
      sources: string[],
      errorEmails: string[],
      active = true,
    ): Promise<void> {
      await h.db
        .insertInto('connections')
        .values({
          id,
          connector: 'webhook',
          name: id,
          active: active ? 1 : 0,
          filters: JSON.stringify({ sources }),
          config: '{}',
          secrets: '',
          error_emails: JSON.stringify(errorEmails),
          created_at: T0,
          updated_at: T0,
        })
        .execute();
    }

    const held = (n: number) => ({
      subjectId: SOURCE,
      kind: 'held',
      ref: `req_${n}`,
      reason: `AMOUNT_MISMATCH: case ${n}`,
    });

    it("mails a held request to the operator and the active connections of the source, each address once; the rest of the window's are counted", async () => {
      await addConnection('con_all', [], ['ops@example.com']);
      await addConnection(
        'con_shop',
        [SOURCE, 'src_other'],
        ['OPS@example.com', 'crm@example.com'],
      );
      await addConnection('con_other', ['src_other'], ['other@example.com']);
      await addConnection('con_off', [], ['inactive@example.com'], false);
      const a = alerter({ operatorEmail: 'boss@example.com' });
      await a.note(held(1));
      const [first] = await sink.waitForMessages(1);
      expect(first?.to).toEqual(['boss@example.com', 'ops@example.com', 'crm@example.com']);
      expect(first?.subject).toBe(
        '[ipnhub] Source "Shop": 1 notification held for review (AMOUNT_MISMATCH: case 1)',
      );
      expect(first?.text).toContain('GET /api/v1/inbound-requests/req_1');

      await Promise.all([a.note(held(2)), a.note(held(3))]);
      expect(await a.flushDue()).toBe(0);
      clock.advance(HOUR - 1);
      expect(await a.flushDue()).toBe(0);
      clock.advance(1);
      expect(await a.flushDue()).toBe(1);
      const [, second] = await sink.waitForMessages(2);
      expect(second?.subject).toBe(
        '[ipnhub] Source "Shop": 2 notifications held for review (AMOUNT_MISMATCH: case 3)',
      );
      expect(second?.text).toContain('since 2026-01-01T00:00:00.000Z');
      clock.advance(HOUR);
      expect(await a.flushDue()).toBe(0);
    });

    it('keeps the count when the mail cannot be sent, and sends it when the window ends', async () => {
      await addConnection('con_all', [], ['ops@example.com']);
      const down = alerter({ mailer: mailer(`smtp://127.0.0.1:${await closedPort()}`) });
      await down.note(held(1));
      await down.note(held(2));
      expect(sink.messages).toEqual([]);
      clock.advance(HOUR);
      expect(await alerter().flushDue()).toBe(1);
      const [mail] = await sink.waitForMessages(1);
      expect(mail?.subject).toBe(
        '[ipnhub] Source "Shop": 2 notifications held for review (AMOUNT_MISMATCH: case 2)',
      );
    });

    it('counts a rejection only for an operator, and sends it to the operator alone', async () => {
      await addConnection('con_all', [], ['ops@example.com']);
      const rejected = {
        subjectId: SOURCE,
        kind: 'RECEIVER_MISMATCH',
        ref: 'req_9',
        reason: 'paid to another account',
      };
      await alerter().note(rejected);
      expect(await h.db.selectFrom('health_alerts').select('id').execute()).toEqual([]);
      await alerter({ operatorEmail: 'boss@example.com' }).note(rejected);
      const [mail] = await sink.waitForMessages(1);
      expect(mail?.to).toEqual(['boss@example.com']);
      expect(mail?.subject).toBe(
        '[ipnhub] Source "Shop": 1 notification rejected (RECEIVER_MISMATCH)',
      );
    });
  });
}
