import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCliEnv } from '../test-support/cli-harness.js';
import type { CliEnv } from '../test-support/cli-harness.js';

const PASSPHRASE = 'sup3r-s3cret-ds24-passphrase';

describe('ipnhub source', () => {
  let cli: CliEnv;
  beforeEach(() => {
    cli = createCliEnv({ IPNHUB_PUBLIC_BASE_URL: 'https://hub.example.com' });
  });
  afterEach(() => cli.dispose());

  it('add prints the id, the inbound URL and the Digistore24 setup advice, never the passphrase', async () => {
    const result = await cli.run([
      'source',
      'add',
      '--provider',
      'digistore24',
      '--name',
      'Main shop',
      '--passphrase',
      PASSPHRASE,
    ]);
    expect(result.code).toBe(0);
    const id = /^Created source (src_[0-9A-Z]{26}) \(digistore24, "Main shop"\)\.$/m.exec(
      result.stdout,
    )?.[1];
    expect(id).toBeDefined();
    expect(result.stdout).toContain(`\nInbound URL: https://hub.example.com/ipn/${id}\n`);
    expect(result.stdout).toContain('Settings → Integrations (IPN) → Generic');
    expect(result.stdout).toContain('last_paid_day, on_rebill_cancelled and on_rebill_resumed');
    expect(result.stdout).not.toContain('IPNHUB_PUBLIC_BASE_URL is not set');
    expect(result.stdout + result.stderr).not.toContain(PASSPHRASE);
  });

  it('list shows the source, in a table and as JSON, with the passphrase only as "set"', async () => {
    const added = await cli.run([
      'source',
      'add',
      '--provider',
      'digistore24',
      '--name',
      'Main shop',
      '--passphrase',
      PASSPHRASE,
      '--json',
    ]);
    expect(added.code).toBe(0);
    expect(added.stdout).not.toContain(PASSPHRASE);
    const created = JSON.parse(added.stdout) as {
      id: string;
      inboundUrl: string;
      secretFields: Record<string, string>;
      config: Record<string, unknown>;
    };
    expect(created.inboundUrl).toBe(`https://hub.example.com/ipn/${created.id}`);
    expect(created.secretFields).toEqual({ passphrase: 'set' });
    expect(created.config).toEqual({});

    const table = await cli.run(['source', 'list']);
    expect(table.code).toBe(0);
    const lines = table.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^ID\s+PROVIDER\s+NAME\s+SECRETS\s+INBOUND URL$/);
    expect(lines[1]).toMatch(
      new RegExp(
        `^${created.id}\\s+digistore24\\s+Main shop\\s+passphrase: set\\s+https://hub\\.example\\.com/ipn/${created.id}$`,
      ),
    );

    const json = await cli.run(['source', 'list', '--json']);
    expect(json.code).toBe(0);
    expect(json.stdout).not.toContain(PASSPHRASE);
    const listed = JSON.parse(json.stdout) as Array<{
      id: string;
      name: string;
      provider: string;
      inboundUrl: string;
    }>;
    expect(listed.map((s) => [s.id, s.provider, s.name, s.inboundUrl])).toEqual([
      [created.id, 'digistore24', 'Main shop', created.inboundUrl],
    ]);
  });

  it('add accepts the config as --config JSON and --set', async () => {
    const viaJson = await cli.run([
      'source',
      'add',
      '--provider',
      'digistore24',
      '--name',
      'A',
      '--config',
      JSON.stringify({ passphrase: PASSPHRASE }),
      '--json',
    ]);
    expect(viaJson.code).toBe(0);
    expect((JSON.parse(viaJson.stdout) as { secretFields: unknown }).secretFields).toEqual({
      passphrase: 'set',
    });
    const viaSet = await cli.run([
      'source',
      'add',
      '--provider',
      'digistore24',
      '--name',
      'B',
      '--set',
      `passphrase=${PASSPHRASE}`,
      '--json',
    ]);
    expect(viaSet.code).toBe(0);
    expect((JSON.parse(viaSet.stdout) as { secretFields: unknown }).secretFields).toEqual({
      passphrase: 'set',
    });
  });

  it('an unknown provider fails with UNKNOWN_PROVIDER and exit code 1', async () => {
    const text = await cli.run([
      'source',
      'add',
      '--provider',
      'stripe',
      '--name',
      'X',
      '--passphrase',
      PASSPHRASE,
    ]);
    expect(text).toEqual({
      code: 1,
      stdout: '',
      stderr: 'error UNKNOWN_PROVIDER: No provider with this id. "stripe"\n',
    });
    const json = await cli.run(['source', 'add', '--provider', 'stripe', '--name', 'X', '--json']);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stderr)).toEqual({
      error: { code: 'UNKNOWN_PROVIDER', message: 'No provider with this id. "stripe"' },
    });
  });

  it('a missing passphrase is INVALID_CONFIG naming the flag, and bad --config JSON is VALIDATION_FAILED', async () => {
    const missing = await cli.run(['source', 'add', '--provider', 'digistore24', '--name', 'X']);
    expect(missing).toEqual({
      code: 1,
      stdout: '',
      stderr:
        'error INVALID_CONFIG: The configuration is not valid for this provider or connector. passphrase (--passphrase): is required (text)\n',
    });
    const badJson = await cli.run([
      'source',
      'add',
      '--provider',
      'digistore24',
      '--name',
      'X',
      '--config',
      '{passphrase',
    ]);
    expect(badJson.code).toBe(1);
    expect(badJson.stderr).toMatch(/^error VALIDATION_FAILED: .*--config: not valid JSON/);
  });

  it('a misspelt setting is INVALID_CONFIG naming the closest valid one, at any depth, and nothing is stored', async () => {
    const top = await cli.run([
      'source',
      'add',
      '--provider',
      'paypal-ipn',
      '--name',
      'X',
      '--set',
      'receiverEmail=a@example.com',
      '--set',
      'enviroment=sandbox',
    ]);
    expect(top).toEqual({
      code: 1,
      stdout: '',
      stderr:
        'error INVALID_CONFIG: The configuration is not valid for this provider or connector. enviroment (--set enviroment=…): unknown setting (did you mean "environment"?)\n',
    });
    const deep = await cli.run([
      'source',
      'add',
      '--provider',
      'paypal-ipn',
      '--name',
      'X',
      '--set',
      'receiverEmail=a@example.com',
      '--config',
      '{"expectedPrices":{"course":{"amount":"19.99","currency":"EUR","curency":"EUR"}}}',
    ]);
    expect(deep.code).toBe(1);
    expect(deep.stderr).toContain('expectedPrices.course.curency');
    expect(deep.stderr).toContain('(did you mean "currency"?)');
    expect((await cli.run(['source', 'list', '--json'])).stdout.trim()).toBe('[]');
  });

  it('update sets the webhook id PayPal shows after the URL is registered, keeps secrets, and names a missing source', async () => {
    const added = await cli.run([
      'source',
      'add',
      '--provider',
      'paypal-webhooks',
      '--name',
      'PayPal REST',
      '--set',
      'webhookId=PLACEHOLDER',
      '--set',
      'verification=api',
      '--set',
      'clientId=app-client',
      '--set',
      'clientSecret=very-secret-client-secret',
      '--json',
    ]);
    expect(added.code).toBe(0);
    const { id } = JSON.parse(added.stdout) as { id: string };
    expect(added.stdout).not.toContain('very-secret-client-secret');

    const updated = await cli.run([
      'source',
      'update',
      id,
      '--set',
      'webhookId=8PT597110X687430LKGECATA',
      '--name',
      'PayPal live',
      '--json',
    ]);
    expect(updated.code).toBe(0);
    const view = JSON.parse(updated.stdout) as {
      name: string;
      config: Record<string, unknown>;
      secretFields: Record<string, string>;
    };
    expect(view.name).toBe('PayPal live');
    expect(view.config).toMatchObject({
      webhookId: '8PT597110X687430LKGECATA',
      verification: 'api',
      clientId: 'app-client',
    });
    expect(view.secretFields).toEqual({ clientSecret: 'set' });
    expect(updated.stdout).not.toContain('very-secret-client-secret');

    const human = await cli.run(['source', 'update', id, '--name', 'PayPal']);
    expect(human.stdout).toBe(
      `Updated source ${id} (paypal-webhooks, "PayPal").\nInbound URL: https://hub.example.com/ipn/${id}\n`,
    );
    const invalid = await cli.run(['source', 'update', id, '--set', 'environment=moon']);
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toBe(
      'error INVALID_CONFIG: The configuration is not valid for this provider or connector. environment (--set environment=…): must be one of live, sandbox\n',
    );
    const missing = await cli.run([
      'source',
      'update',
      'src_01JAAAAAAAAAAAAAAAAAAAAAAA',
      '--name',
      'x',
    ]);
    expect(missing.stderr).toBe(
      'error NOT_FOUND: Not found. No source src_01JAAAAAAAAAAAAAAAAAAAAAAA.\n',
    );
  });

  it('remove deletes the source; removing it again is NOT_FOUND', async () => {
    const added = await cli.run([
      'source',
      'add',
      '--provider',
      'digistore24',
      '--name',
      'Gone',
      '--passphrase',
      PASSPHRASE,
      '--json',
    ]);
    const { id } = JSON.parse(added.stdout) as { id: string };
    expect(await cli.run(['source', 'remove', id])).toEqual({
      code: 0,
      stdout: `Removed source ${id}.\n`,
      stderr: '',
    });
    expect((await cli.run(['source', 'list'])).stdout).toMatch(
      new RegExp(`^No sources yet in sqlite:${cli.dataDir}/ipnhub\\.db\\. Add one with`),
    );
    const again = await cli.run(['source', 'remove', id, '--json']);
    expect(again.code).toBe(1);
    expect(JSON.parse(again.stderr)).toEqual({
      error: { code: 'NOT_FOUND', message: `Not found. No source ${id}.` },
    });
  });

  it('a public base URL with a path and trailing slash gives inbound URLs without a double slash; plain http is warned', async () => {
    const hub = createCliEnv({ IPNHUB_PUBLIC_BASE_URL: 'https://IPN.example.com/hub/' });
    const plain = createCliEnv({ IPNHUB_PUBLIC_BASE_URL: 'http://ipn.example.com' });
    try {
      const added = await hub.run([
        'source',
        'add',
        '--provider',
        'digistore24',
        '--name',
        'Hub',
        '--passphrase',
        PASSPHRASE,
        '--json',
      ]);
      expect(added.stderr).toBe('');
      const { id, inboundUrl } = JSON.parse(added.stdout) as { id: string; inboundUrl: string };
      expect(inboundUrl).toBe(`https://ipn.example.com/hub/ipn/${id}`);
      const listed = await hub.run(['source', 'list', '--json']);
      expect(
        (JSON.parse(listed.stdout) as Array<{ inboundUrl: string }>).map((s) => s.inboundUrl),
      ).toEqual([`https://ipn.example.com/hub/ipn/${id}`]);

      const http = await plain.run([
        'source',
        'add',
        '--provider',
        'digistore24',
        '--name',
        'Plain',
        '--passphrase',
        PASSPHRASE,
      ]);
      expect(http.code).toBe(0);
      expect(http.stderr).toContain(
        'warning: publicBaseUrl (IPNHUB_PUBLIC_BASE_URL) is a plain http:// address (http://ipn.example.com): Digistore24 refuses http URLs',
      );
    } finally {
      hub.dispose();
      plain.dispose();
    }
  });

  it('without a public base URL the inbound URL uses the listen address, with a note', async () => {
    const local = createCliEnv({ IPNHUB_PORT: '8099' });
    try {
      const result = await local.run([
        'source',
        'add',
        '--provider',
        'digistore24',
        '--name',
        'Local',
        '--passphrase',
        PASSPHRASE,
      ]);
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(
        /\nInbound URL: http:\/\/127\.0\.0\.1:8099\/ipn\/src_[0-9A-Z]{26}\n/,
      );
      expect(result.stdout).toContain('IPNHUB_PUBLIC_BASE_URL is not set');
    } finally {
      local.dispose();
    }
  });
});
