import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closedPort } from '../../test/helpers/closed-port.js';
import { startSmtpSink } from '../../test/fakes/smtp-sink.js';
import type { SmtpSink } from '../../test/fakes/smtp-sink.js';
import { createLogger, silentLogger } from './logger.js';
import { classifySmtpError, createMailer } from './mailer.js';
import type { Mailer, MailResult } from './mailer.js';

function expectFailure(result: MailResult): { transient: boolean; error: string } {
  if (result.ok) throw new Error(`expected a failure, got ${result.messageId}`);
  return result;
}

describe('createMailer with SMTP', () => {
  let sink: SmtpSink;
  let mailer: Mailer;

  beforeAll(async () => {
    sink = await startSmtpSink({ rejectRecipients: ['gone@example.com'] });
    mailer = createMailer({
      smtpUrl: sink.url,
      from: 'ipnhub <hub@example.com>',
      dataDir: '/nonexistent',
      logger: silentLogger(),
    });
  });

  afterAll(async () => {
    await mailer.close();
    await sink.close();
  });

  it('sends a message with subject, body, recipients, reply-to and a given Message-ID', async () => {
    const before = sink.messages.length;
    const result = await mailer.send({
      to: ['anna.beispiel@example.com', 'ops@example.com'],
      subject: 'Hällo — order K7QX2M9P',
      text: 'line one\nline two',
      replyTo: 'support@example.com',
      messageId: '<dlv_TEST@ipnhub>',
    });
    expect(result).toEqual({ ok: true, messageId: '<dlv_TEST@ipnhub>' });
    const [message] = (await sink.waitForMessages(before + 1)).slice(before);
    expect(message?.from).toBe('hub@example.com');
    expect(message?.to).toEqual(['anna.beispiel@example.com', 'ops@example.com']);
    expect(message?.subject).toBe('Hällo — order K7QX2M9P');
    expect(message?.text.trim()).toBe('line one\nline two');
    expect(message?.replyTo).toBe('support@example.com');
    expect(message?.messageId).toBe('<dlv_TEST@ipnhub>');
  });

  it('uses a per-message sender when given', async () => {
    const before = sink.messages.length;
    const result = await mailer.send({
      to: ['a@example.com'],
      subject: 's',
      text: 't',
      from: 'other@example.com',
    });
    expect(result.ok).toBe(true);
    const [message] = (await sink.waitForMessages(before + 1)).slice(before);
    expect(message?.from).toBe('other@example.com');
  });

  it('reports a rejected recipient (550) as permanent', async () => {
    const failure = expectFailure(
      await mailer.send({ to: ['gone@example.com'], subject: 's', text: 't' }),
    );
    expect(failure.transient).toBe(false);
    expect(failure.error).toContain('550');
    expect(failure.error).toContain('Mailbox unavailable');
  });

  it('verifies the connection', async () => {
    expect(await mailer.verify()).toEqual({
      ok: true,
      message: 'SMTP server reachable and login accepted',
    });
  });
});

describe('createMailer with pooled SMTP connections', () => {
  let sink: SmtpSink;

  beforeAll(async () => {
    sink = await startSmtpSink();
  });

  afterAll(async () => {
    await sink.close();
  });

  it('carries mails sent one after another over one connection, opens at most maxConnections, and closes them when idle', async () => {
    const mailer = createMailer({
      smtpUrl: sink.url,
      from: 'hub@example.com',
      dataDir: '/nonexistent',
      logger: silentLogger(),
      maxConnections: 2,
      idleCloseMs: 50,
    });
    const before = sink.connections();
    for (let i = 0; i < 3; i++)
      expect(
        (await mailer.send({ to: ['a@example.com'], subject: `one by one ${i}`, text: 't' })).ok,
      ).toBe(true);
    expect(sink.connections() - before).toBe(1);
    const together = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        mailer.send({ to: ['b@example.com'], subject: `together ${i}`, text: 't' }),
      ),
    );
    expect(together.every((r) => r.ok)).toBe(true);
    expect(sink.maxOpenConnections()).toBeLessThanOrEqual(2);
    expect(sink.connections() - before).toBeLessThanOrEqual(2);
    // Nothing is sent for idleCloseMs: the pool closes its connections; the next send opens one.
    await sink.waitFor((s) => s.openConnections() === 0);
    expect(
      (await mailer.send({ to: ['a@example.com'], subject: 'after idle', text: 't' })).ok,
    ).toBe(true);
    expect(sink.openConnections()).toBe(1);
    await mailer.close();
    await sink.waitFor((s) => s.openConnections() === 0);
  });
});

describe('createMailer with SMTP login', () => {
  let sink: SmtpSink;

  beforeAll(async () => {
    sink = await startSmtpSink({ auth: { user: 'hub', pass: 'right' } });
  });

  afterAll(async () => {
    await sink.close();
  });

  it('sends with the right login', async () => {
    const mailer = createMailer({
      smtpUrl: `smtp://hub:right@127.0.0.1:${sink.port}`,
      from: 'hub@example.com',
      dataDir: '/nonexistent',
      logger: silentLogger(),
    });
    const result = await mailer.send({ to: ['a@example.com'], subject: 'auth ok', text: 't' });
    await mailer.close();
    expect(result.ok).toBe(true);
    await sink.waitForMessages(1);
  });

  it('reports a refused login (535) as permanent, for send and verify', async () => {
    const mailer = createMailer({
      smtpUrl: `smtp://hub:wrong@127.0.0.1:${sink.port}`,
      from: 'hub@example.com',
      dataDir: '/nonexistent',
      logger: silentLogger(),
    });
    const failure = expectFailure(
      await mailer.send({ to: ['a@example.com'], subject: 's', text: 't' }),
    );
    const verified = await mailer.verify();
    await mailer.close();
    expect(failure.transient).toBe(false);
    expect(failure.error).toContain('535');
    expect(verified.ok).toBe(false);
    expect(verified.message).toMatch(/^SMTP check failed: .*535/);
  });
});

describe('createMailer with the SMTP server down', () => {
  it('reports a refused connection as transient, for send and verify', async () => {
    const port = await closedPort();
    const mailer = createMailer({
      smtpUrl: `smtp://127.0.0.1:${port}`,
      from: 'hub@example.com',
      dataDir: '/nonexistent',
      logger: silentLogger(),
    });
    const failure = expectFailure(
      await mailer.send({ to: ['a@example.com'], subject: 's', text: 't' }),
    );
    const verified = await mailer.verify();
    await mailer.close();
    expect(failure.transient).toBe(true);
    expect(failure.error).toContain('ECONNREFUSED');
    expect(verified.ok).toBe(false);
    expect(verified.message).toContain('ECONNREFUSED');
  });
});

describe('createMailer without SMTP (file mode)', () => {
  let dataDir: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'ipnhub-mailer-'));
  });

  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('writes the message as an .eml file and logs where', async () => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        lines.push(chunk.toString('utf8'));
        callback();
      },
    });
    const mailer = createMailer({
      from: 'ipnhub <hub@example.com>',
      dataDir,
      logger: createLogger('info', destination),
    });
    const result = await mailer.send({
      to: ['anna.beispiel@example.com'],
      subject: 'Payment K7QX2M9P',
      text: 'Body text',
      messageId: '<dlv_01ABC@ipnhub>',
    });
    await mailer.close();
    if (!result.ok) throw new Error(result.error);
    expect(result.messageId).toBe('<dlv_01ABC@ipnhub>');
    expect(result.file).toMatch(/\/mail\/\d{8}T\d{9}Z-dlv_01ABC\.eml$/);
    expect(await readdir(join(dataDir, 'mail'))).toHaveLength(1);
    // Mails carry buyers' addresses: readable by their owner only.
    expect((await stat(join(dataDir, 'mail'))).mode & 0o777).toBe(0o700);
    expect((await stat(result.file ?? '')).mode & 0o777).toBe(0o600);
    const eml = await readFile(result.file ?? '', 'utf8');
    expect(eml).toContain('Subject: Payment K7QX2M9P');
    expect(eml).toContain('To: anna.beispiel@example.com');
    expect(eml).toContain('From: ipnhub <hub@example.com>');
    expect(eml).toContain('Body text');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] ?? '{}')).toMatchObject({ level: 30, file: result.file });
  });

  it('verify says where the mails go', async () => {
    const mailer = createMailer({ from: 'hub@example.com', dataDir, logger: silentLogger() });
    expect(await mailer.verify()).toEqual({
      ok: true,
      message: `no SMTP server configured (IPNHUB_SMTP_URL); mails are written as .eml files to ${join(dataDir, 'mail')}`,
    });
  });

  it('reports an unusable data directory as transient', async () => {
    const notADirectory = join(dataDir, 'plain-file');
    await writeFile(notADirectory, 'x');
    const mailer = createMailer({
      from: 'hub@example.com',
      dataDir: notADirectory,
      logger: silentLogger(),
    });
    const failure = expectFailure(
      await mailer.send({ to: ['a@example.com'], subject: 's', text: 't' }),
    );
    expect(failure.transient).toBe(true);
    expect(failure.error).toMatch(/^could not write the mail file: /);
  });
});

describe('classifySmtpError', () => {
  it.each([
    [
      {
        message: 'Greylisted',
        code: 'EENVELOPE',
        responseCode: 451,
        response: '451 4.7.1 Try again later',
      },
      true,
    ],
    [{ message: 'Mailbox unavailable', code: 'EENVELOPE', responseCode: 550 }, false],
    [{ message: 'Invalid login', code: 'EAUTH', responseCode: 535 }, false],
    [{ message: 'Temporary auth failure', code: 'EAUTH', responseCode: 454 }, true],
    [{ message: 'Missing credentials', code: 'EAUTH' }, false],
    [{ message: 'Greeting never received', code: 'ETIMEDOUT' }, true],
    [{ message: 'connect ECONNREFUSED', code: 'ESOCKET' }, true],
    [new Error('something odd'), true],
  ])('classifies %o as transient=%s', (err, transient) => {
    expect(classifySmtpError(err).transient).toBe(transient);
  });

  it('adds the server response when the message lacks it', () => {
    expect(
      classifySmtpError({
        message: 'Greylisted',
        responseCode: 451,
        response: '451 4.7.1 Try again later',
      }).error,
    ).toBe('Greylisted (451 4.7.1 Try again later)');
  });
});
