/**
 * `ipnhub serve` in one terminal and the CLI in another share their settings through the
 * settings file in the data directory, and the CLI says where a running server's settings
 * differ from its own.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDb } from '../db/connect.js';
import { createCliEnv, startHttpTarget } from './test-support/cli-harness.js';
import type { CliEnv, HttpTarget } from './test-support/cli-harness.js';

const LISTENING = /"url":"(http:\/\/127\.0\.0\.1:\d+)"/;
const PASSPHRASE = 'shared-settings-passphrase';

describe('one source of settings for serve and the CLI', () => {
  let cli: CliEnv;
  let target: HttpTarget;
  let settingsFile: string;
  beforeEach(async () => {
    // No allow-list in the environment: the loopback target is reachable only if a setting says so.
    cli = createCliEnv({ IPNHUB_PORT: '0', IPNHUB_WORKER_POLL_MS: '50' });
    settingsFile = join(cli.dataDir, 'ipnhub.json');
    target = await startHttpTarget();
  });
  afterEach(async () => {
    cli.dispose();
    await target.close();
  });

  async function addWebhook(): Promise<string> {
    const added = await cli.run([
      'connection',
      'add',
      '--connector',
      'webhook',
      '--name',
      'Local billing',
      '--url',
      target.url,
      '--json',
    ]);
    expect(added.code).toBe(0);
    return (JSON.parse(added.stdout) as { id: string }).id;
  }

  it('ipnhub.json in the data directory is read by the CLI and by serve alike', async () => {
    const connectionId = await addWebhook();
    const refused = await cli.run(['connection', 'test', connectionId]);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain(
      '127.0.0.1 is a loopback address and outbound requests to it are refused; add it to outboundAllowList in the settings file (<dataDir>/ipnhub.json, read by serve and the CLI alike) or IPNHUB_OUTBOUND_ALLOW_LIST to allow it',
    );
    expect(target.requests).toHaveLength(0);

    writeFileSync(settingsFile, JSON.stringify({ outboundAllowList: ['127.0.0.1'] }));
    const tested = await cli.run(['connection', 'test', connectionId]);
    expect(tested).toEqual({
      code: 0,
      stdout: 'ok: the endpoint accepted a signed test event (HTTP 200)\n',
      stderr: '',
    });
    expect(target.requests).toHaveLength(1);

    // The server, started with the same environment, delivers to the same target.
    const source = JSON.parse(
      (
        await cli.run([
          'source',
          'add',
          '--provider',
          'digistore24',
          '--name',
          'Shop',
          '--passphrase',
          PASSPHRASE,
          '--json',
        ])
      ).stdout,
    ) as { id: string };
    const server = cli.start(['serve'], { IPNHUB_LOG_LEVEL: 'info' });
    const base = (await server.waitFor(LISTENING))[1] ?? '';
    expect(server.output()).toContain(`"settingsFile":"${settingsFile}"`);
    expect(
      (
        await cli.run([
          'simulate',
          'digistore24',
          'on_payment',
          '--to',
          `${base}/ipn/${source.id}`,
          '--passphrase',
          PASSPHRASE,
        ])
      ).code,
    ).toBe(0);
    await target.waitForRequests(2);
    expect((await server.stop()).code).toBe(0);
    expect((JSON.parse(target.requests[1]?.body ?? '{}') as { type: string }).type).toBe('payment');
  });

  it('a CLI command warns while a running serve uses other shared settings, naming both values and the file to put them in', async () => {
    const server = cli.start(['serve', '--no-worker'], {
      IPNHUB_LOG_LEVEL: 'info',
      IPNHUB_OUTBOUND_ALLOW_LIST: '127.0.0.1',
      IPNHUB_PUBLIC_BASE_URL: 'https://ipn.example.com/',
    });
    // serve records its settings before it says that it listens.
    await server.waitFor(LISTENING);
    const differing = await cli.run(['connection', 'list']);
    expect(differing.code).toBe(0);
    const warnings = differing.stderr.split('\n').filter((line) => line.length > 0);
    const who = `ipnhub serve (pid ${process.pid} on ${hostname()}, started `;
    expect(warnings).toEqual([
      expect.stringMatching(/^warning: /),
      expect.stringMatching(/^warning: /),
    ]);
    expect(warnings[0]).toContain(who);
    expect(warnings[0]).toContain(
      `runs with outboundAllowList 127.0.0.1 (IPNHUB_OUTBOUND_ALLOW_LIST), this command with (empty) (default). Put shared settings in ${settingsFile}, which every ipnhub process using this data directory reads.`,
    );
    expect(warnings[1]).toContain(
      'runs with publicBaseUrl https://ipn.example.com (IPNHUB_PUBLIC_BASE_URL), this command with (not set) (default).',
    );

    const agreeing = await cli.run(['connection', 'list'], {
      IPNHUB_OUTBOUND_ALLOW_LIST: '127.0.0.1',
      IPNHUB_PUBLIC_BASE_URL: 'https://ipn.example.com',
    });
    expect(agreeing.stderr).toBe('');

    expect((await server.stop()).code).toBe(0);
    expect((await cli.run(['connection', 'list'])).stderr).toBe('');
  });

  it('ignores the record of a server on this machine that is gone without stopping', async () => {
    const gone = spawnSync(process.execPath, ['-e', '']).pid;
    const handle = openDb({ kind: 'sqlite', file: join(cli.dataDir, 'ipnhub.db') });
    const record = {
      role: 'serve',
      pid: gone,
      hostname: hostname(),
      startedAt: '2026-01-01T00:00:00.000Z',
      values: {
        outboundAllowList: '10.0.0.0/8',
        outboundTimeoutMs: '15000',
        publicBaseUrl: '(not set)',
        mail: 'files in the data directory',
        mailFrom: 'ipnhub <ipnhub@localhost>',
      },
      origins: { outboundAllowList: 'IPNHUB_OUTBOUND_ALLOW_LIST' },
    };
    await handle.db
      .insertInto('settings')
      .values({ key: 'running_settings:serve', value: JSON.stringify(record) })
      .execute();
    const alive = { ...record, role: 'worker', pid: process.pid };
    await handle.db
      .insertInto('settings')
      .values({ key: 'running_settings:worker', value: JSON.stringify(alive) })
      .execute();
    await handle.close();

    const listed = await cli.run(['connection', 'list']);
    expect(listed.code).toBe(0);
    const warnings = listed.stderr.split('\n').filter((line) => line.length > 0);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(`ipnhub worker (pid ${process.pid} on`);
    expect(warnings[0]).toContain(
      'runs with outboundAllowList 10.0.0.0/8 (IPNHUB_OUTBOUND_ALLOW_LIST)',
    );
  });

  it('config show prints each setting with its origin, the settings file and the database, secrets masked', async () => {
    writeFileSync(
      settingsFile,
      JSON.stringify({
        outboundAllowList: '127.0.0.1,crm.internal',
        mailFrom: 'Shop <ops@example.com>',
      }),
    );
    const env = {
      IPNHUB_ADMIN_TOKEN: 'admin-token-0123456789',
      IPNHUB_SMTP_URL: 'smtp://mailer:mail-secret@mail.example.com:587',
    };
    const text = await cli.run(['config', 'show'], env);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(
      `Settings file: ${settingsFile}\nDatabase: sqlite:${cli.dataDir}/ipnhub.db\n`,
    );
    expect(text.stdout).toMatch(
      new RegExp(
        `^outboundAllowList\\s+127\\.0\\.0\\.1,crm\\.internal\\s+${settingsFile.replace(/[.]/g, '\\.')}$`,
        'm',
      ),
    );
    expect(text.stdout).toMatch(/^adminToken\s+\(set\)\s+IPNHUB_ADMIN_TOKEN$/m);
    expect(text.stdout).toMatch(
      /^smtpUrl\s+smtp:\/\/mailer:\*\*\*@mail\.example\.com:587\s+IPNHUB_SMTP_URL$/m,
    );
    expect(text.stdout).toMatch(/^masterKey\s+\(not set\)\s+default$/m);
    expect(text.stdout).toMatch(/^port\s+0\s+IPNHUB_PORT$/m);
    for (const secret of ['admin-token-0123456789', 'mail-secret'])
      expect(text.stdout).not.toContain(secret);

    const json = await cli.run(['config', 'show', '--json'], env);
    const parsed = JSON.parse(json.stdout) as {
      settingsFile: { path: string; present: boolean };
      database: string;
      settings: Array<{ key: string; variable: string; value: string; origin: string }>;
    };
    expect(parsed.settingsFile).toEqual({ path: settingsFile, present: true });
    expect(parsed.settings.find((s) => s.key === 'mailFrom')).toEqual({
      key: 'mailFrom',
      variable: 'IPNHUB_MAIL_FROM',
      value: 'Shop <ops@example.com>',
      origin: settingsFile,
    });
    expect(json.stdout).not.toContain('mail-secret');
  });
});
