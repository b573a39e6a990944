/**
 * How the worker sends invoicing mails, on both dialects, against the real test SMTP server:
 * over pooled connections reused from mail to mail, at most `smtpMaxConnections` at once; a
 * slow, refused or deferred mail holds no other back and only it is tried again; a mail whose
 * lease ran out is not sent; the `.eml` fallback writes each mail once. Time is a manual clock;
 * the worker runs by hand (`runOnce`).
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../lib/clock.js';
import { startSmtpSink } from '../../test/fakes/smtp-sink.js';
import type { SmtpSink, SmtpSinkOptions } from '../../test/fakes/smtp-sink.js';
import { pollUntil } from '../../test/helpers/poll-until.js';
import { enabledDialects } from '../../test/helpers/test-db.js';
import type { DialectName } from '../../test/helpers/test-db.js';
import { createTestRuntime } from '../../test/helpers/test-runtime.js';
import type { TestRuntime } from '../../test/helpers/test-runtime.js';
import {
  fakePdfRenderer,
  paymentDraft,
  sampleProfileSettings,
} from './test-support/invoicing-fixtures.js';
import { commitNotification } from '../../test/helpers/commit-notification.js';

const SELLER = 'orders@muster.example';
const LEASE_SECONDS = 120;

for (const dialect of enabledDialects()) {
  describe(`sending invoicing mails on ${dialect}`, () => {
    let clock: ManualClock;
    let smtp: SmtpSink | null = null;
    let runtime: TestRuntime | null = null;

    afterEach(async () => {
      smtp?.release();
      await runtime?.dispose();
      await smtp?.close();
      runtime = null;
      smtp = null;
    });

    /** A runtime with a PayPal source and a profile with invoicing on; mails to `smtp` when given, else `.eml` files. */
    async function start(options: {
      sink?: SmtpSinkOptions | null;
      maxConnections: number;
    }): Promise<{ rt: TestRuntime; source: { id: string; provider: string } }> {
      clock = new ManualClock('2026-03-01T10:00:00.000Z');
      smtp = options.sink === null ? null : await startSmtpSink(options.sink ?? {});
      const rt = await createTestRuntime(dialect as DialectName, {
        clock,
        renderDocument: fakePdfRenderer,
        config: {
          ...(smtp ? { smtpUrl: smtp.url } : {}),
          smtpMaxConnections: options.maxConnections,
          leaseSeconds: LEASE_SECONDS,
        },
      });
      runtime = rt;
      const source = await rt.sources.create({
        provider: 'paypal-ipn',
        name: 'PayPal',
        config: { receiverEmail: 'seller@example.com' },
      });
      const profile = await rt.profiles.create({
        name: 'Muster',
        invoicing: true,
        settings: sampleProfileSettings(),
      });
      await rt.profiles.attach(profile.id, source.id);
      return { rt, source };
    }

    async function mails(rt: TestRuntime) {
      return rt.dbHandle.db.selectFrom('document_mails').selectAll().orderBy('id').execute();
    }

    /** Issues and renders the documents of `buyers` (one payment each), leaving their mails due. */
    async function issue(
      rt: TestRuntime,
      source: { id: string; provider: string },
      buyers: readonly string[],
    ): Promise<void> {
      await commitNotification(
        rt,
        source,
        buyers.map((email, i) => paymentDraft({ txnId: `TX-${i}`, amount: 1000 + i, email })),
      );
    }

    it('sends a batch over pooled connections reused from mail to mail, at most smtpMaxConnections at once', async () => {
      const buyers = Array.from({ length: 6 }, (_, i) => `buyer${i}@example.com`);
      const { rt, source } = await start({
        sink: { holdRecipients: [...buyers, SELLER] },
        maxConnections: 3,
      });
      const sink = smtp as SmtpSink;
      await issue(rt, source, buyers);
      const round = rt.worker.runOnce();
      // Every connection has a mail in flight and none is answered: the bound is reached.
      await sink.waitFor((s) => s.held() === 3);
      expect(sink.openConnections()).toBe(3);
      sink.release();
      await round;

      expect(sink.messages).toHaveLength(12);
      expect(new Set(sink.messages.map((m) => m.messageId)).size).toBe(12);
      expect(sink.maxOpenConnections()).toBe(3);
      // Twelve mails over at most three connections: each carried several.
      expect(sink.connections()).toBeLessThanOrEqual(3);
      const rows = await mails(rt);
      expect(rows.map((m) => [m.status, m.attempts])).toEqual(
        Array.from({ length: 12 }, () => ['sent', 1]),
      );
      expect(rows.map((m) => `<${m.id}@ipnhub>`).sort()).toEqual(
        sink.messages.map((m) => m.messageId).sort(),
      );
    });

    it('closes the pooled connections when the runtime closes', async () => {
      const { rt, source } = await start({ maxConnections: 2 });
      const sink = smtp as SmtpSink;
      await issue(rt, source, ['a@example.com', 'b@example.com']);
      await rt.worker.runOnce();
      expect(sink.messages).toHaveLength(4);
      expect(sink.openConnections()).toBeGreaterThan(0);
      await rt.dispose();
      runtime = null;
      await sink.waitFor((s) => s.openConnections() === 0);
    });

    it('a slow, a refused and a deferred mail hold no other back; only the deferred one is tried again', async () => {
      const { rt, source } = await start({
        sink: {
          holdRecipients: ['slow@example.com'],
          rejectRecipients: ['gone@example.com'],
          deferRecipients: ['later@example.com'],
        },
        maxConnections: 2,
      });
      const sink = smtp as SmtpSink;
      await issue(rt, source, [
        'slow@example.com',
        'gone@example.com',
        'later@example.com',
        'fine@example.com',
      ]);
      const round = rt.worker.runOnce();
      // While the slow mail waits for its answer, every other mail is sent or settled.
      const settled = await pollUntil(
        () => mails(rt),
        (rows) => rows.filter((m) => m.status !== 'pending' || m.attempts > 0).length === 7,
      );
      expect(sink.held()).toBe(1);
      const byBuyer = (rows: typeof settled, email: string) =>
        rows.find((m) => m.role === 'buyer' && (JSON.parse(m.recipients) as string[])[0] === email);
      expect(byBuyer(settled, 'slow@example.com')).toMatchObject({
        status: 'pending',
        attempts: 0,
      });
      expect(byBuyer(settled, 'gone@example.com')).toMatchObject({ status: 'failed', attempts: 1 });
      expect(byBuyer(settled, 'later@example.com')).toMatchObject({
        status: 'pending',
        attempts: 1,
      });
      expect(byBuyer(settled, 'fine@example.com')).toMatchObject({ status: 'sent', attempts: 1 });
      expect(settled.filter((m) => m.role === 'seller').map((m) => m.status)).toEqual([
        'sent',
        'sent',
        'sent',
        'sent',
      ]);
      sink.release();
      await round;
      expect(byBuyer(await mails(rt), 'slow@example.com')).toMatchObject({
        status: 'sent',
        attempts: 1,
      });
      const delivered = sink.messages.length;
      expect(delivered).toBe(6);

      // The retry schedule's first step (5 s) later, only the deferred mail is tried again.
      clock.advance(10_000);
      await rt.worker.runOnce();
      const after = await mails(rt);
      expect(byBuyer(after, 'later@example.com')).toMatchObject({ status: 'pending', attempts: 2 });
      expect(after.filter((m) => m.attempts > 1)).toHaveLength(1);
      expect(sink.messages).toHaveLength(delivered);
    });

    it('does not send a mail whose lease ran out while it waited and another worker took it', async () => {
      const { rt, source } = await start({
        sink: { holdRecipients: ['first@example.com'] },
        maxConnections: 1,
      });
      const sink = smtp as SmtpSink;
      await issue(rt, source, ['first@example.com']);
      await commitNotification(rt, source, [
        paymentDraft({ txnId: 'TX-second', amount: 500, email: 'second@example.com' }),
      ]);
      const round = rt.worker.runOnce();
      await sink.waitFor((s) => s.held() === 1);
      // The batch's lease ends while its first mail is in flight, and another worker takes the
      // mails still waiting, as its claim would (a compare-and-set of the lease column).
      clock.advance((LEASE_SECONDS + 1) * 1000);
      const othersLease = new Date(clock.now().getTime() + LEASE_SECONDS * 1000).toISOString();
      const taken = await rt.dbHandle.db
        .updateTable('document_mails')
        .set({ lease_until: othersLease })
        .where('status', '=', 'pending')
        .where('attempts', '=', 0)
        .where('recipients', '!=', JSON.stringify(['first@example.com']))
        .executeTakeFirst();
      expect(Number(taken.numUpdatedRows)).toBe(3);
      sink.release();
      await round;
      // Only the mail in flight went out; the other worker's three were left alone.
      expect(sink.messages).toHaveLength(1);
      const rows = await mails(rt);
      expect(rows.filter((m) => m.status === 'sent')).toHaveLength(1);
      expect(
        rows.filter(
          (m) => m.status === 'pending' && m.attempts === 0 && m.lease_until === othersLease,
        ),
      ).toHaveLength(3);

      // That worker died: once its lease ends, they are sent, each once.
      clock.advance((LEASE_SECONDS + 1) * 1000);
      await rt.worker.runOnce();
      expect(sink.messages).toHaveLength(4);
      expect(new Set(sink.messages.map((m) => m.messageId)).size).toBe(4);
      expect((await mails(rt)).every((m) => m.status === 'sent' && m.attempts === 1)).toBe(true);
    });

    it('without SMTP writes each mail of a batch to one .eml file, several at once', async () => {
      const { rt, source } = await start({ sink: null, maxConnections: 3 });
      await issue(rt, source, ['a@example.com', 'b@example.com', 'c@example.com']);
      await rt.worker.runOnce();
      const rows = await mails(rt);
      expect(rows.map((m) => m.status)).toEqual(Array.from({ length: 6 }, () => 'sent'));
      const files = readdirSync(join(rt.dataDir, 'mail')).filter((f) => f.endsWith('.eml'));
      expect(files).toHaveLength(6);
      for (const row of rows) expect(files.filter((f) => f.includes(row.id))).toHaveLength(1);
    });
  });
}
