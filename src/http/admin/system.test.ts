/** The settings page's server side: facts about the installation and the test e-mail. */
import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSmtpSink } from '../../../test/fakes/smtp-sink.js';
import type { SmtpSink } from '../../../test/fakes/smtp-sink.js';
import { closedPort } from '../../../test/helpers/closed-port.js';
import { enabledDialects } from '../../../test/helpers/test-db.js';
import { startAdminHarness } from './test-support/admin-harness.js';
import type { AdminHarness } from './test-support/admin-harness.js';

const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

for (const dialect of enabledDialects()) {
  describe(`GET /system and the test e-mail without SMTP on ${dialect}`, () => {
    let h: AdminHarness;
    beforeAll(async () => {
      h = await startAdminHarness(dialect, {
        config: { publicBaseUrl: 'https://ipn.example.com' },
      });
    });
    afterAll(async () => h.close());

    it('names version, database, applied migrations, public URL and mail, and no secret', async () => {
      const res = await h.call('GET', '/system');
      expect(res.status).toBe(200);
      const body = res.json<Record<string, unknown>>();
      expect(body).toMatchObject({
        version: pkg.version,
        database: dialect,
        publicBaseUrl: 'https://ipn.example.com',
        mail: 'files',
        operatorEmail: null,
      });
      expect(body.migrations).toEqual(
        expect.arrayContaining(['0001_initial', '0006_admin_sessions', '0007_admin_read_indexes']),
      );
      expect((body.migrations as string[])[0]).toBe('0001_initial');
      if (dialect === 'sqlite') expect(body.dataDir).toBe(h.runtime.dataDir);
      else expect(body).not.toHaveProperty('dataDir');
      const config = h.runtime.config;
      for (const secret of [config.adminToken, config.masterKey, config.databaseUrl])
        if (secret !== undefined) expect(res.text).not.toContain(secret);
    });

    it('writes the test e-mail into the data directory and says where', async () => {
      const res = await h.call('POST', '/system/test-email', { to: 'me@example.com' });
      expect(res.status).toBe(200);
      const body = res.json<{ ok: boolean; message: string }>();
      expect(body.ok).toBe(true);
      const file = /written to (\S+\.eml)\.$/.exec(body.message)?.[1] ?? '';
      expect(existsSync(file)).toBe(true);
      expect(readFileSync(file, 'utf8')).toContain('Subject: ipnhub test e-mail');
      const bad = await h.call('POST', '/system/test-email', { to: 'not-an-address' });
      expect(bad.status).toBe(400);
      expect(bad.json<{ error: { code: string } }>().error.code).toBe('VALIDATION_FAILED');
    });
  });
}

describe('the test e-mail through SMTP', () => {
  let sink: SmtpSink;
  let h: AdminHarness;
  beforeAll(async () => {
    sink = await startSmtpSink({ rejectRecipients: ['nobody@example.com'] });
    h = await startAdminHarness('sqlite', {
      config: {
        smtpUrl: sink.url,
        mailFrom: 'ipnhub <hub@example.com>',
        operatorEmail: 'operator@example.com',
      },
    });
  });
  afterAll(async () => {
    await h.close();
    await sink.close();
  });

  it('is sent through the configured server', async () => {
    const res = await h.call('POST', '/system/test-email', { to: 'me@example.com' });
    expect(res.json()).toEqual({
      ok: true,
      message: expect.stringMatching(/^The SMTP server accepted the mail \(Message-ID <.+>\)\.$/),
    });
    expect(sink.messages.map((m) => [m.to, m.subject])).toEqual([
      [['me@example.com'], 'ipnhub test e-mail'],
    ]);
    expect((await h.call('GET', '/system')).json()).toMatchObject({
      mail: 'smtp',
      operatorEmail: 'operator@example.com',
    });
  });

  it("answers the server's refusal as ok: false with the reason, not as an error", async () => {
    const res = await h.call('POST', '/system/test-email', { to: 'nobody@example.com' });
    expect(res.status).toBe(200);
    expect(res.json()).toEqual({ ok: false, message: expect.stringContaining('550') });
  });
});

describe('the test e-mail when the SMTP server is unreachable', () => {
  let h: AdminHarness;
  beforeAll(async () => {
    h = await startAdminHarness('sqlite', {
      config: { smtpUrl: `smtp://user:smtp-password-123@127.0.0.1:${await closedPort()}` },
    });
  });
  afterAll(async () => h.close());

  it('answers ok: false with the reason and never the SMTP password', async () => {
    const res = await h.call('POST', '/system/test-email', { to: 'me@example.com' });
    expect(res.status).toBe(200);
    expect(res.json()).toEqual({ ok: false, message: expect.stringContaining('ECONNREFUSED') });
    expect(res.text).not.toContain('smtp-password-123');
  });
});
