/**
 * Invoicing with several worker processes, as users run it: the in-process worker of a runtime
 * (what `ipnhub serve` runs) and two real `ipnhub worker` processes (the build users run, with
 * its render thread) on one SQLite file or one
 * PostgreSQL database. N different stored payments get the invoice numbers 1..N, without gaps
 * or duplicates, each payment exactly one document, every document rendered (by the real
 * renderer) and its two mails sent once, as the test SMTP server counts them. No process may
 * log an error (an SQLITE_BUSY, a lost lease) on the way.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import {
  paymentDraft,
  sampleProfileSettings,
} from '../../src/invoicing/test-support/invoicing-fixtures.js';
import { commitNotification } from '../helpers/commit-notification.js';
import { createRuntime } from '../../src/runtime.js';
import type { Runtime } from '../../src/runtime.js';
import { startSmtpSink } from '../fakes/smtp-sink.js';
import type { SmtpSink } from '../fakes/smtp-sink.js';
import { captureLogger } from '../helpers/capture-logger.js';
import { startCliProcess } from '../helpers/cli-process.js';
import type { CliProcess } from '../helpers/cli-process.js';
import { pollUntil } from '../helpers/poll-until.js';
import { createTestTarget, enabledDialects } from '../helpers/test-db.js';
import type { DialectName } from '../helpers/test-db.js';

const N = 16;
const WORKER_PROCESSES = 2;

interface LogLine {
  level: number;
  msg: string;
  number?: string;
}

function logLines(stdout: string): LogLine[] {
  return stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as LogLine);
}

for (const dialect of enabledDialects()) {
  describe(`invoicing with ${WORKER_PROCESSES} ipnhub worker processes beside the in-process worker on ${dialect}`, () => {
    let smtp: SmtpSink;
    let dataDir: string;
    let drop: () => Promise<void>;
    let env: NodeJS.ProcessEnv;
    let runtime: Runtime | null;
    let workers: CliProcess[];

    beforeEach(async () => {
      smtp = await startSmtpSink();
      dataDir = mkdtempSync(join(tmpdir(), 'ipnhub-procs-'));
      workers = [];
      runtime = null;
      let databaseUrl: string | undefined;
      drop = async () => undefined;
      if (dialect === 'postgres') {
        const created = await createTestTarget(dialect as DialectName);
        drop = created.drop;
        databaseUrl = created.target.kind === 'postgres' ? created.target.url : undefined;
      }
      // The same settings for every process, as a deployment's environment would give them.
      env = {
        IPNHUB_DATA_DIR: dataDir,
        ...(databaseUrl ? { IPNHUB_DATABASE_URL: databaseUrl } : {}),
        IPNHUB_MASTER_KEY: Buffer.alloc(32, 5).toString('hex'),
        IPNHUB_SMTP_URL: smtp.url,
        IPNHUB_ADMIN_TOKEN: 'worker-processes-admin-token',
        IPNHUB_WORKER_POLL_MS: '50',
        IPNHUB_LOG_LEVEL: 'info',
      };
    });

    afterEach(async () => {
      for (const worker of workers) worker.kill();
      await runtime?.close();
      await drop();
      await smtp.close();
      rmSync(dataDir, { recursive: true, force: true });
    });

    it(`N=${N} stored payments get the numbers 1..N, one document each, rendered and mailed once`, async () => {
      const inProcess = captureLogger('warn');
      const rt = await createRuntime(loadConfig(env), { logger: inProcess.logger });
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

      // The worker processes run (and poll) before the first payment arrives.
      workers = Array.from({ length: WORKER_PROCESSES }, () =>
        startCliProcess(['worker'], { env, build: true }),
      );
      await Promise.all(
        workers.map((w) => w.waitForOutput((out) => out.includes('"msg":"ipnhub worker running"'))),
      );
      await rt.worker.start();

      // Payments arrive one notification at a time, while all three workers take jobs.
      for (let i = 0; i < N; i++) {
        await commitNotification(rt, source, [
          paymentDraft({ txnId: `TX-${i}`, amount: 1000 + i, email: `buyer${i}@example.com` }),
        ]);
      }

      await smtp.waitForMessages(2 * N);
      const db = rt.dbHandle.db;
      await pollUntil(
        () => db.selectFrom('document_mails').select('status').execute(),
        (rows) => rows.length === 2 * N && rows.every((m) => m.status === 'sent'),
      );
      await rt.worker.stop();
      const ended = await Promise.all(workers.map((w) => w.stop()));
      expect(ended.map((e) => [e.code, e.signal])).toEqual(ended.map(() => [0, null]));

      const docs = await db.selectFrom('documents').selectAll().orderBy('sequence_no').execute();
      expect(docs.map((d) => Number(d.sequence_no))).toEqual(
        Array.from({ length: N }, (_, i) => i + 1),
      );
      expect(docs.map((d) => d.number)).toEqual(
        Array.from({ length: N }, (_, i) => `RE-2026-${String(i + 1).padStart(6, '0')}`),
      );
      expect(new Set(docs.map((d) => d.transaction_ref)).size).toBe(N);
      expect(
        docs.every((d) => d.render_state === 'rendered' && Number(d.render_attempts) === 1),
      ).toBe(true);
      expect(await db.selectFrom('document_pdfs').select('document_id').execute()).toHaveLength(N);
      expect(await db.selectFrom('document_jobs').select('event_id').execute()).toEqual([]);
      const mails = await db.selectFrom('document_mails').selectAll().execute();
      expect(mails.every((m) => m.status === 'sent' && Number(m.attempts) === 1)).toBe(true);

      // What the SMTP server got: each document's PDF twice (buyer and seller), every mail once.
      expect(smtp.messages).toHaveLength(2 * N);
      expect(new Set(smtp.messages.map((m) => m.messageId)).size).toBe(2 * N);
      const attached = smtp.messages.flatMap((m) => m.attachments.map((a) => a.filename));
      for (const doc of docs)
        expect(attached.filter((name) => name === `${doc.number}.pdf`)).toHaveLength(2);
      expect(
        smtp.messages.every((m) => m.attachments[0]?.content.subarray(0, 5).toString() === '%PDF-'),
      ).toBe(true);

      // No process logged an error: no SQLITE_BUSY, no failed claim, no lost lease.
      for (const [i, worker] of workers.entries()) {
        const problems = logLines(worker.stdout()).filter((line) => line.level >= 40);
        expect(problems, `worker process ${i + 1}`).toEqual([]);
      }
      expect(inProcess.lines(), 'the in-process worker').toEqual([]);
      // Two processes start from source (tsx) and each process renders with the real renderer in
      // a thread of its own, which loads tsx again: ~20 s on a loaded 2-core machine, like the
      // crash-safety test's processes.
    }, 180_000);
  });
}
