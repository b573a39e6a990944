/**
 * The invoicing steps as job runners (document-runners.ts), on both dialects: a running worker
 * takes a document from its job to its mails by the steps waking each other, not by polling;
 * and with an empty retry schedule the steps retry as jobs/settle-outcome.ts says.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSmtpSink } from '../../test/fakes/smtp-sink.js';
import type { SmtpSink, SmtpSinkOptions } from '../../test/fakes/smtp-sink.js';
import { enabledDialects } from '../../test/helpers/test-db.js';
import type { DialectName } from '../../test/helpers/test-db.js';
import { createTestRuntime } from '../../test/helpers/test-runtime.js';
import type { TestRuntime, TestRuntimeOptions } from '../../test/helpers/test-runtime.js';
import { ManualClock } from '../lib/clock.js';
import {
  fakePdfRenderer,
  paymentDraft,
  sampleProfileSettings,
  switchableRenderer,
} from './test-support/invoicing-fixtures.js';
import { commitNotification } from '../../test/helpers/commit-notification.js';

const HOUR_MS = 3_600_000;

for (const dialect of enabledDialects()) {
  describe(`invoicing job runners on ${dialect}`, () => {
    let smtp: SmtpSink | null = null;
    let runtime: TestRuntime | null = null;

    afterEach(async () => {
      await runtime?.dispose();
      await smtp?.close();
      runtime = null;
      smtp = null;
    });

    async function start(
      options: TestRuntimeOptions & { sink?: SmtpSinkOptions },
    ): Promise<{ rt: TestRuntime; source: { id: string; provider: string } }> {
      smtp = await startSmtpSink(options.sink ?? {});
      const rt = await createTestRuntime(dialect as DialectName, {
        renderDocument: fakePdfRenderer,
        ...options,
        config: { smtpUrl: smtp.url, ...options.config },
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

    beforeEach(() => {
      smtp = null;
      runtime = null;
    });

    it('a running worker issues, renders and mails a new document without waiting for a poll interval', async () => {
      // An hour between polls: only the wake-ups can move the document along within the test.
      const { rt, source } = await start({ config: { workerPollMs: HOUR_MS } });
      await rt.worker.start();
      await commitNotification(rt, source, [
        paymentDraft({ txnId: 'TX-W', amount: 2500, email: 'buyer@example.com' }),
      ]);
      // As the ingest does after a commit that queued document jobs.
      rt.worker.wakeDocuments();
      const sent = await (smtp as SmtpSink).waitForMessages(2);
      expect(sent.map((m) => m.attachments[0]?.filename).sort()).toEqual([
        'RE-2026-000001.pdf',
        'RE-2026-000001.pdf',
      ]);
      const db = rt.dbHandle.db;
      await expectMailsSent(rt, 2);
      expect(await db.selectFrom('documents').select(['number', 'render_state']).execute()).toEqual(
        [{ number: 'RE-2026-000001', render_state: 'rendered' }],
      );
      expect(await db.selectFrom('document_jobs').select('event_id').execute()).toEqual([]);
    });

    it('with an empty retry schedule a failed render is tried again an hour later, and a deferred mail is failed at once', async () => {
      const clock = new ManualClock('2026-03-01T10:00:00.000Z');
      const renderer = switchableRenderer();
      const { rt, source } = await start({
        clock,
        renderDocument: renderer.render,
        config: { retrySchedule: [] },
        sink: { deferRecipients: ['later@example.com'] },
      });
      const db = rt.dbHandle.db;
      await commitNotification(rt, source, [
        paymentDraft({ txnId: 'TX-E', amount: 1500, email: 'later@example.com' }),
      ]);
      await rt.worker.runOnce();
      const failed = await db
        .selectFrom('documents')
        .select(['render_state', 'render_attempts', 'render_next_at'])
        .executeTakeFirstOrThrow();
      expect(failed).toEqual({
        render_state: 'pending',
        render_attempts: 1,
        render_next_at: new Date(clock.now().getTime() + HOUR_MS).toISOString(),
      });

      renderer.failing = false;
      clock.advance(HOUR_MS - 1000);
      await rt.worker.runOnce();
      expect(renderer.calls).toBe(1);
      clock.advance(1000);
      await rt.worker.runOnce();
      expect(renderer.calls).toBe(2);
      expect(
        await db.selectFrom('documents').select('render_state').executeTakeFirstOrThrow(),
      ).toEqual({ render_state: 'rendered' });

      // The buyer's mail was deferred (451): no schedule, so no second try.
      const mails = await db
        .selectFrom('document_mails')
        .select(['role', 'status', 'attempts'])
        .orderBy('role')
        .execute();
      expect(mails).toEqual([
        { role: 'buyer', status: 'failed', attempts: 1 },
        { role: 'seller', status: 'sent', attempts: 1 },
      ]);
    });

    async function expectMailsSent(rt: TestRuntime, n: number): Promise<void> {
      // The sink has a message before its DATA is answered; the row is settled right after.
      await rt.worker.stop();
      const rows = await rt.dbHandle.db
        .selectFrom('document_mails')
        .select(['status', 'attempts'])
        .execute();
      expect(rows).toEqual(Array.from({ length: n }, () => ({ status: 'sent', attempts: 1 })));
    }
  });
}
