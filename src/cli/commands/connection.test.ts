import { afterEach, beforeEach, describe, expect, it } from 'vitest';
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
    const added = await cli.run(['connection', 'add', '--connector', 'webhook', '--name', 'CRM hook', '--url', target.url]);
    expect(added.code).toBe(0);
    const id = /^Created connection (con_[0-9A-Z]{26}) \(webhook, "CRM hook"\)\.$/m.exec(added.stdout)?.[1];
    expect(id).toBeDefined();
    const secret = /^ {2}Webhook signing secret \(verify the webhook-signature header with it\): (whsec_[A-Za-z0-9+/=]+)$/m.exec(added.stdout)?.[1];
    expect(secret).toBeDefined();
    expect(added.stdout).toContain('Generated secrets — shown once, store them now:');
    expect(added.stdout).toContain('Receives: all events\n');

    const table = await cli.run(['connection', 'list']);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(new RegExp(`^${id}\\s+webhook\\s+CRM hook\\s+yes\\s+${target.url.replace(/[.]/g, '\\.')}\\s+all events$`, 'm'));
    const json = await cli.run(['connection', 'list', '--json']);
    const listed = JSON.parse(json.stdout) as ConnectionJson[];
    expect(listed.map((c) => [c.id, c.secretFields])).toEqual([[id, { secret: 'set', headers: 'set' }]]);
    for (const text of [table.stdout, json.stdout]) expect(text).not.toContain(secret ?? 'missing');
  });

  it('add --json returns the view with generatedSecrets, and maps every filter option', async () => {
    const added = await cli.run([
      'connection', 'add', '--connector', 'email', '--name', 'Refund mail',
      '--to', 'owner@example.com', '--to', 'books@example.com',
      '--event', 'refund', '--event', 'chargeback', '--product', '12345', '--product', '678',
      '--language', 'DE', '--addons', 'exclude', '--payments', 'first', '--include-test',
      '--source', 'src_01JAAAAAAAAAAAAAAAAAAAAAAA', '--error-email', 'ops@example.com', '--inactive', '--json',
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
    expect(table.stdout).toContain('refund, chargeback · products 12345, 678 · add-ons excluded · languages de · first payments only · sources src_01JAAAAAAAAAAAAAAAAAAAAAAA · incl. test events');
    expect(table.stdout).toMatch(/Refund mail\s+no\s+owner@example\.com, books@example\.com/);
  });

  it('an unknown event type is a usage error listing the choices', async () => {
    const result = await cli.run(['connection', 'add', '--connector', 'webhook', '--name', 'X', '--url', target.url, '--event', 'purchase']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("option '--event <type>' argument 'purchase' is invalid. expected one of payment, payment_pending");
  });

  it('an unknown connector is UNKNOWN_CONNECTOR; an invalid config is INVALID_CONFIG', async () => {
    const unknown = await cli.run(['connection', 'add', '--connector', 'fax', '--name', 'X']);
    expect(unknown).toEqual({ code: 1, stdout: '', stderr: 'error UNKNOWN_CONNECTOR: No connector with this id. "fax"\n' });
    const invalid = await cli.run(['connection', 'add', '--connector', 'webhook', '--name', 'X', '--url', 'ftp://example.com/x']);
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toMatch(/^error INVALID_CONFIG: .*url/);
    const mapping = Object.fromEntries(Array.from({ length: 501 }, (_, i) => [`f${i}`, 'buyer.email']));
    const tooLarge = await cli.run(['connection', 'add', '--connector', 'webhook', '--name', 'X', '--url', target.url, '--config', JSON.stringify({ mapping })]);
    expect(tooLarge).toEqual({
      code: 1,
      stdout: '',
      stderr: "error CONFIG_TOO_LARGE: The connection's configuration exceeds a size limit. mapping has 501 entries; at most 500 are allowed in one mapping or object.\n",
    });
  });

  it("test runs the connector's test (a webhook gets a connection_test event): exit 0 when it passes, 1 otherwise", async () => {
    const added = await cli.run(['connection', 'add', '--connector', 'webhook', '--name', 'Hook', '--url', target.url, '--json']);
    const { id } = JSON.parse(added.stdout) as ConnectionJson;

    const ok = await cli.run(['connection', 'test', id]);
    expect(ok).toEqual({ code: 0, stdout: 'ok: the endpoint accepted a signed test event (HTTP 200)\n', stderr: '' });
    expect(target.requests).toHaveLength(1);
    expect(target.requests[0]?.headers['webhook-signature']).toMatch(/^v1,/);
    expect((JSON.parse(target.requests[0]?.body ?? '{}') as { type: string }).type).toBe('connection_test');

    target.status = 500;
    const failing = await cli.run(['connection', 'test', id, '--json']);
    expect(failing.code).toBe(1);
    expect(JSON.parse(failing.stdout)).toEqual({ ok: false, message: 'the endpoint did not accept the test event: HTTP 500' });

    const missing = await cli.run(['connection', 'test', 'con_01JAAAAAAAAAAAAAAAAAAAAAAA']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe('error NOT_FOUND: Not found. No connection con_01JAAAAAAAAAAAAAAAAAAAAAAA.\n');
  });

  it('remove deletes the connection; removing it again is NOT_FOUND', async () => {
    const added = await cli.run(['connection', 'add', '--connector', 'webhook', '--name', 'Hook', '--url', target.url, '--json']);
    const { id } = JSON.parse(added.stdout) as ConnectionJson;
    expect(await cli.run(['connection', 'remove', id, '--json'])).toEqual({ code: 0, stdout: `${JSON.stringify({ id, removed: true }, null, 2)}\n`, stderr: '' });
    expect((await cli.run(['connection', 'list', '--json'])).stdout).toBe('[]\n');
    expect((await cli.run(['connection', 'remove', id])).stderr).toBe(`error NOT_FOUND: Not found. No connection ${id}.\n`);
  });
});
