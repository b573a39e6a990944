import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodeWebhookSecret } from '../../connectors/webhook/secret.js';
import { signWebhook } from '../../connectors/webhook/signature.js';
import { flatSample } from '../../connectors/webhook/flat-body.js';
import { createCliEnv, startHttpTarget } from '../test-support/cli-harness.js';
import type { CliEnv, HttpTarget } from '../test-support/cli-harness.js';

interface ConnectionJson {
  id: string;
  connector: string;
  name: string;
  active: boolean;
  filters: Record<string, unknown>;
  config: Record<string, unknown>;
  secretFields: Record<string, string>;
  errorEmails: string[];
  generatedSecrets?: Record<string, string>;
}

describe('ipnhub connection', () => {
  let cli: CliEnv;
  let target: HttpTarget;
  beforeEach(async () => {
    cli = createCliEnv({ IPNHUB_OUTBOUND_ALLOW_LIST: '127.0.0.1' });
    target = await startHttpTarget();
  });
  afterEach(async () => {
    cli.dispose();
    await target.close();
  });

  it('add webhook prints the generated signing secret once; list never shows it', async () => {
    const added = await cli.run([
      'connection',
      'add',
      '--connector',
      'webhook',
      '--name',
      'CRM hook',
      '--url',
      target.url,
    ]);
    expect(added.code).toBe(0);
    const id = /^Created connection (con_[0-9A-Z]{26}) \(webhook, "CRM hook"\)\.$/m.exec(
      added.stdout,
    )?.[1];
    expect(id).toBeDefined();
    const secret =
      /^ {2}Webhook signing secret \(verify the webhook-signature header with it\): (whsec_[A-Za-z0-9+/=]+)$/m.exec(
        added.stdout,
      )?.[1];
    expect(secret).toBeDefined();
    expect(added.stdout).toContain('Generated secrets — shown once, store them now:');
    expect(added.stdout).toContain('Receives: all events\n');

    const table = await cli.run(['connection', 'list']);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(
      new RegExp(
        `^${id}\\s+webhook\\s+CRM hook\\s+yes\\s+${target.url.replace(/[.]/g, '\\.')}\\s+all events$`,
        'm',
      ),
    );
    const json = await cli.run(['connection', 'list', '--json']);
    const listed = JSON.parse(json.stdout) as ConnectionJson[];
    expect(listed.map((c) => [c.id, c.secretFields])).toEqual([
      [id, { secret: 'set', headers: 'set' }],
    ]);
    for (const text of [table.stdout, json.stdout]) expect(text).not.toContain(secret ?? 'missing');
  });

  it('add --json returns the view with generatedSecrets, and maps every filter option', async () => {
    const added = await cli.run([
      'connection',
      'add',
      '--connector',
      'email',
      '--name',
      'Refund mail',
      '--to',
      'owner@example.com',
      '--to',
      'books@example.com',
      '--event',
      'refund',
      '--event',
      'chargeback',
      '--product',
      '12345',
      '--product',
      '678',
      '--language',
      'DE',
      '--addons',
      'exclude',
      '--payments',
      'first',
      '--include-test',
      '--source',
      'src_01JAAAAAAAAAAAAAAAAAAAAAAA',
      '--error-email',
      'ops@example.com',
      '--inactive',
      '--json',
    ]);
    expect(added.code).toBe(0);
    const created = JSON.parse(added.stdout) as ConnectionJson;
    expect(created.connector).toBe('email');
    expect(created.active).toBe(false);
    expect(created.filters).toEqual({
      sources: ['src_01JAAAAAAAAAAAAAAAAAAAAAAA'],
      eventTypes: ['refund', 'chargeback'],
      productIds: ['12345', '678'],
      addons: 'exclude',
      languages: ['de'],
      payments: 'first',
      includeTest: true,
    });
    expect(created.config.to).toEqual(['owner@example.com', 'books@example.com']);
    expect(created.errorEmails).toEqual(['ops@example.com']);
    expect(created.generatedSecrets).toEqual({});

    const table = await cli.run(['connection', 'list']);
    expect(table.stdout).toContain(
      'refund, chargeback · products 12345, 678 · add-ons excluded · languages de · first payments only · sources src_01JAAAAAAAAAAAAAAAAAAAAAAA · incl. test events',
    );
    expect(table.stdout).toMatch(/Refund mail\s+no\s+owner@example\.com, books@example\.com/);
  });

  it('an unknown event type is a usage error listing the choices', async () => {
    const result = await cli.run([
      'connection',
      'add',
      '--connector',
      'webhook',
      '--name',
      'X',
      '--url',
      target.url,
      '--event',
      'purchase',
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      "option '--event <type>' argument 'purchase' is invalid. expected one of payment, payment_pending",
    );
  });

  it('an unknown connector is UNKNOWN_CONNECTOR; an invalid config is INVALID_CONFIG', async () => {
    const unknown = await cli.run(['connection', 'add', '--connector', 'fax', '--name', 'X']);
    expect(unknown).toEqual({
      code: 1,
      stdout: '',
      stderr: 'error UNKNOWN_CONNECTOR: No connector with this id. "fax"\n',
    });
    const invalid = await cli.run([
      'connection',
      'add',
      '--connector',
      'webhook',
      '--name',
      'X',
      '--url',
      'ftp://example.com/x',
    ]);
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toMatch(
      /^error INVALID_CONFIG: The configuration is not valid for this provider or connector\. url \(--url\): .+\n$/,
    );
    const noUrl = await cli.run(['connection', 'add', '--connector', 'webhook', '--name', 'X']);
    expect(noUrl.stderr).toMatch(
      /^error INVALID_CONFIG: .*url \(--url\): is required: must be an http:\/\/ or https:\/\/ URL\n$/,
    );
    const badEmail = await cli.run([
      'connection',
      'add',
      '--connector',
      'webhook',
      '--name',
      'X',
      '--url',
      target.url,
      '--error-email',
      'ops@example.com',
      '--error-email',
      'nobody',
    ]);
    expect(badEmail.stderr).toBe(
      'error VALIDATION_FAILED: The request is not valid. errorEmails.1 (--error-email): is not an e-mail address\n',
    );
    const nested = await cli.run([
      'connection',
      'add',
      '--connector',
      'webhook',
      '--name',
      'X',
      '--url',
      target.url,
      '--set',
      'headers.x-api-key:=5',
    ]);
    expect(nested.stderr).toMatch(
      /^error INVALID_CONFIG: .*headers\.x-api-key \(--set headers\.x-api-key=…\): must be text, not a whole number/,
    );
  });

  it('refuses a misspelt setting and a template path the event does not have (naming the closest valid one), and a config over the size limits', async () => {
    const misspelt = await cli.run([
      'connection',
      'add',
      '--connector',
      'webhook',
      '--name',
      'X',
      '--url',
      target.url,
      '--set',
      'timeoutMS:=5000',
    ]);
    expect(misspelt).toEqual({
      code: 1,
      stdout: '',
      stderr:
        'error INVALID_CONFIG: The configuration is not valid for this provider or connector. timeoutMS (--set timeoutMS=…): unknown setting (did you mean "timeoutMs"?)\n',
    });
    const badPath = await cli.run([
      'connection',
      'add',
      '--connector',
      'email',
      '--name',
      'X',
      '--to',
      'a@example.com',
      '--set',
      'subject=Paid by {buyer.firstNme}',
    ]);
    expect(badPath.code).toBe(1);
    expect(badPath.stderr).toBe(
      'error UNKNOWN_TEMPLATE_PATH: A template or field mapping names a field the event does not have. subject: "Paid by {buyer.firstNme}": the event has no "buyer.firstNme" (did you mean "buyer.firstName"?)\n',
    );
    expect((await cli.run(['connection', 'list', '--json'])).stdout.trim()).toBe('[]');
    const mapping = Object.fromEntries(
      Array.from({ length: 501 }, (_, i) => [`f${i}`, 'buyer.email']),
    );
    const tooLarge = await cli.run([
      'connection',
      'add',
      '--connector',
      'webhook',
      '--name',
      'X',
      '--url',
      target.url,
      '--config',
      JSON.stringify({ mapping }),
    ]);
    expect(tooLarge).toEqual({
      code: 1,
      stdout: '',
      stderr:
        "error CONFIG_TOO_LARGE: The connection's configuration exceeds a size limit. mapping: has 501 entries; at most 500 are allowed in one mapping or object.\n",
    });
  });

  it("test runs the connector's test (a webhook gets a connection_test event): exit 0 when it passes, 1 otherwise", async () => {
    const added = await cli.run([
      'connection',
      'add',
      '--connector',
      'webhook',
      '--name',
      'Hook',
      '--url',
      target.url,
      '--json',
    ]);
    const { id } = JSON.parse(added.stdout) as ConnectionJson;

    const ok = await cli.run(['connection', 'test', id]);
    expect(ok).toEqual({
      code: 0,
      stdout: 'ok: the endpoint accepted a signed test event (HTTP 200)\n',
      stderr: '',
    });
    expect(target.requests).toHaveLength(1);
    expect(target.requests[0]?.headers['webhook-signature']).toMatch(/^v1,/);
    expect((JSON.parse(target.requests[0]?.body ?? '{}') as { type: string }).type).toBe(
      'connection_test',
    );

    target.status = 500;
    const failing = await cli.run(['connection', 'test', id, '--json']);
    expect(failing.code).toBe(1);
    expect(JSON.parse(failing.stdout)).toEqual({
      ok: false,
      message: 'the endpoint did not accept the test event: HTTP 500',
    });

    const missing = await cli.run(['connection', 'test', 'con_01JAAAAAAAAAAAAAAAAAAAAAAA']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe(
      'error NOT_FOUND: Not found. No connection con_01JAAAAAAAAAAAAAAAAAAAAAAA.\n',
    );
  });

  /** Whether the request the target got last is signed with `secret` (Standard Webhooks). */
  function signedWith(secret: string): boolean {
    const request = target.requests.at(-1);
    const key = decodeWebhookSecret(secret);
    if (!request || !key) return false;
    const expected = signWebhook(
      key,
      String(request.headers['webhook-id']),
      Number(request.headers['webhook-timestamp']),
      Buffer.from(request.body),
    );
    return String(request.headers['webhook-signature']).split(' ').includes(expected);
  }

  it('sample prints the flat body of the Zapier and Make presets; another preset is refused', async () => {
    const zapier = await cli.run(['connection', 'sample']);
    expect(zapier.code).toBe(0);
    expect(JSON.parse(zapier.stdout)).toEqual(flatSample());
    const make = await cli.run(['connection', 'sample', '--preset', 'make']);
    expect(JSON.parse(make.stdout)).toMatchObject({ buyer_email: 'anna.beispiel@example.com' });
    const other = await cli.run(['connection', 'sample', '--preset', 'standard']);
    expect(other.code).not.toBe(0);
    expect(other.stderr).toContain('--preset: "standard" is not a preset with a flat body');
  });

  it('update changes the URL and keeps the signing secret; filter options change one filter each', async () => {
    const added = JSON.parse(
      (
        await cli.run([
          'connection',
          'add',
          '--connector',
          'webhook',
          '--name',
          'Hook',
          '--url',
          'https://old.example.com/hook',
          '--event',
          'payment',
          '--product',
          '1',
          '--language',
          'de',
          '--error-email',
          'ops@example.com',
          '--json',
        ])
      ).stdout,
    ) as ConnectionJson;
    const secret = added.generatedSecrets?.secret ?? '';
    expect(secret).toMatch(/^whsec_/);

    const moved = await cli.run([
      'connection',
      'update',
      added.id,
      '--url',
      target.url,
      '--event',
      'payment',
      '--event',
      'refund',
      '--payments',
      'first',
    ]);
    expect(moved.code).toBe(0);
    expect(moved.stdout).toBe(
      [
        `Updated connection ${added.id} (webhook, "Hook").`,
        `Target:   ${target.url}`,
        'Receives: payment, refund · products 1 · languages de · first payments only',
        'Secrets kept: secret, headers',
        '',
      ].join('\n'),
    );
    expect(moved.stdout).not.toContain(secret);
    const listed = JSON.parse(
      (await cli.run(['connection', 'list', '--json'])).stdout,
    ) as ConnectionJson[];
    expect(listed[0]).toMatchObject({
      name: 'Hook',
      config: { url: target.url },
      errorEmails: ['ops@example.com'],
      secretFields: { secret: 'set', headers: 'set' },
    });

    // The endpoint still verifies with the secret it was given when the connection was created.
    expect((await cli.run(['connection', 'test', added.id])).code).toBe(0);
    expect(signedWith(secret)).toBe(true);

    const cleared = JSON.parse(
      (
        await cli.run([
          'connection',
          'update',
          added.id,
          '--name',
          'Billing',
          '--clear',
          'products',
          '--clear',
          'error-emails',
          '--language',
          'EN',
          '--include-test',
          '--json',
        ])
      ).stdout,
    ) as ConnectionJson;
    expect(cleared).toMatchObject({
      name: 'Billing',
      errorEmails: [],
      filters: {
        eventTypes: ['payment', 'refund'],
        productIds: [],
        languages: ['en'],
        payments: 'first',
        includeTest: true,
      },
    });
    expect(cleared).not.toHaveProperty('generatedSecrets');
    const noTest = JSON.parse(
      (await cli.run(['connection', 'update', added.id, '--no-include-test', '--json'])).stdout,
    ) as ConnectionJson;
    expect(noTest.filters).toMatchObject({ includeTest: false, languages: ['en'] });
  });

  it('update replaces a secret only when asked: a new one is generated and printed once', async () => {
    const added = JSON.parse(
      (
        await cli.run([
          'connection',
          'add',
          '--connector',
          'webhook',
          '--name',
          'Hook',
          '--url',
          target.url,
          '--json',
        ])
      ).stdout,
    ) as ConnectionJson;
    const old = added.generatedSecrets?.secret ?? '';
    const rotated = await cli.run(['connection', 'update', added.id, '--set', 'secret:=null']);
    expect(rotated.code).toBe(0);
    const fresh =
      /^ {2}Webhook signing secret \(verify the webhook-signature header with it\): (whsec_[A-Za-z0-9+/=]+)$/m.exec(
        rotated.stdout,
      )?.[1] ?? '';
    expect(fresh).toMatch(/^whsec_/);
    expect(fresh).not.toBe(old);
    expect(rotated.stdout).toContain('Secrets kept: headers\n');
    expect((await cli.run(['connection', 'test', added.id])).code).toBe(0);
    expect([signedWith(fresh), signedWith(old)]).toEqual([true, false]);

    const own = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    const json = JSON.parse(
      (await cli.run(['connection', 'update', added.id, '--set', `secret=${own}`, '--json']))
        .stdout,
    ) as ConnectionJson;
    expect(json).not.toHaveProperty('generatedSecrets');
    expect(JSON.stringify(json)).not.toContain(own);
    await cli.run(['connection', 'test', added.id]);
    expect(signedWith(own)).toBe(true);
  });

  it('update refuses nothing to change, contradicting options, bad values and a missing connection', async () => {
    const { id } = JSON.parse(
      (
        await cli.run([
          'connection',
          'add',
          '--connector',
          'webhook',
          '--name',
          'Hook',
          '--url',
          target.url,
          '--json',
        ])
      ).stdout,
    ) as ConnectionJson;
    const nothing = await cli.run(['connection', 'update', id]);
    expect(nothing.code).toBe(1);
    expect(nothing.stderr).toMatch(
      /^error VALIDATION_FAILED: .*Nothing to change: give at least one option/,
    );
    const contradicting = await cli.run([
      'connection',
      'update',
      id,
      '--clear',
      'events',
      '--event',
      'refund',
    ]);
    expect(contradicting.stderr).toMatch(
      /^error VALIDATION_FAILED: .*--clear events and --event contradict each other/,
    );
    const badClear = await cli.run(['connection', 'update', id, '--clear', 'everything']);
    expect(badClear.stderr).toContain(
      "option '--clear <list>' argument 'everything' is invalid. expected one of events, products, languages, sources, error-emails",
    );
    const badUrl = await cli.run(['connection', 'update', id, '--url', 'ftp://example.com/x']);
    expect(badUrl.code).toBe(1);
    expect(badUrl.stderr).toMatch(/^error INVALID_CONFIG: .*url/);
    const badEmail = await cli.run([
      'connection',
      'update',
      id,
      '--error-email',
      'not-an-address',
      '--json',
    ]);
    expect(JSON.parse(badEmail.stderr)).toMatchObject({
      error: { code: 'VALIDATION_FAILED', message: expect.stringContaining('errorEmails.0') },
    });
    // Nothing of the refused updates was written.
    expect(
      (JSON.parse((await cli.run(['connection', 'list', '--json'])).stdout) as ConnectionJson[])[0],
    ).toMatchObject({ config: { url: target.url }, errorEmails: [], filters: { eventTypes: [] } });
    const missing = await cli.run([
      'connection',
      'update',
      'con_01JAAAAAAAAAAAAAAAAAAAAAAA',
      '--name',
      'X',
    ]);
    expect(missing).toEqual({
      code: 1,
      stdout: '',
      stderr: 'error NOT_FOUND: Not found. No connection con_01JAAAAAAAAAAAAAAAAAAAAAAA.\n',
    });
  });

  it('enable switches on a connection created --inactive; disable switches it off again', async () => {
    const { id, active } = JSON.parse(
      (
        await cli.run([
          'connection',
          'add',
          '--connector',
          'webhook',
          '--name',
          'Later',
          '--url',
          target.url,
          '--inactive',
          '--json',
        ])
      ).stdout,
    ) as ConnectionJson;
    expect(active).toBe(false);
    const enabled = await cli.run(['connection', 'enable', id]);
    expect(enabled).toEqual({
      code: 0,
      stdout: `Enabled connection ${id} (webhook, "Later"): events received from now on are delivered to it.\n`,
      stderr: '',
    });
    expect((await cli.run(['connection', 'list'])).stdout).toMatch(
      new RegExp(`^${id}\\s+webhook\\s+Later\\s+yes\\s`, 'm'),
    );
    const disabled = JSON.parse(
      (await cli.run(['connection', 'disable', id, '--json'])).stdout,
    ) as ConnectionJson;
    expect(disabled).toMatchObject({ id, active: false, secretFields: { secret: 'set' } });
    expect((await cli.run(['connection', 'disable', id])).stdout).toContain(
      'its pending deliveries are skipped',
    );
    expect((await cli.run(['connection', 'enable', 'con_01JAAAAAAAAAAAAAAAAAAAAAAA'])).stderr).toBe(
      'error NOT_FOUND: Not found. No connection con_01JAAAAAAAAAAAAAAAAAAAAAAA.\n',
    );
  });

  it('remove deletes the connection; removing it again is NOT_FOUND', async () => {
    const added = await cli.run([
      'connection',
      'add',
      '--connector',
      'webhook',
      '--name',
      'Hook',
      '--url',
      target.url,
      '--json',
    ]);
    const { id } = JSON.parse(added.stdout) as ConnectionJson;
    expect(await cli.run(['connection', 'remove', id, '--json'])).toEqual({
      code: 0,
      stdout: `${JSON.stringify({ id, removed: true }, null, 2)}\n`,
      stderr: '',
    });
    expect((await cli.run(['connection', 'list', '--json'])).stdout).toBe('[]\n');
    expect((await cli.run(['connection', 'remove', id])).stderr).toBe(
      `error NOT_FOUND: Not found. No connection ${id}.\n`,
    );
  });
});
