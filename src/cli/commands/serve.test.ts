import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCliEnv, startHttpTarget } from '../test-support/cli-harness.js';
import type { CliEnv, HttpTarget } from '../test-support/cli-harness.js';

const PASSPHRASE = 'serve-test-passphrase';
const LISTENING = /"url":"(http:\/\/127\.0\.0\.1:\d+)"/;

interface DeliveryJson {
  id: string;
  status: string;
  trigger: string;
  connectionId: string;
  connectionName: string | null;
  eventType: string | null;
  attemptCount: number;
}

describe('ipnhub serve, worker, deliveries and token', () => {
  let cli: CliEnv;
  let target: HttpTarget;
  beforeEach(async () => {
    cli = createCliEnv({
      IPNHUB_OUTBOUND_ALLOW_LIST: '127.0.0.1',
      IPNHUB_PORT: '0',
      IPNHUB_WORKER_POLL_MS: '50',
    });
    target = await startHttpTarget();
  });
  afterEach(async () => {
    cli.dispose();
    await target.close();
  });

  async function listDeliveries(...args: string[]): Promise<DeliveryJson[]> {
    const result = await cli.run(['deliveries', 'list', ...args, '--json']);
    expect(result.code).toBe(0);
    return (JSON.parse(result.stdout) as { data: DeliveryJson[] }).data;
  }

  it('serves, records a simulated IPN, delivers it with the worker, redelivers by hand and rotates the token', async () => {
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
    const connection = JSON.parse(
      (
        await cli.run([
          'connection',
          'add',
          '--connector',
          'webhook',
          '--name',
          'Sink',
          '--url',
          target.url,
          '--json',
        ])
      ).stdout,
    ) as { id: string };

    // 1. serve without worker: the first start generates the admin token and prints it once.
    const server = cli.start(['serve', '--no-worker'], { IPNHUB_LOG_LEVEL: 'info' });
    const base = (await server.waitFor(LISTENING))[1] ?? '';
    const token =
      /^Admin API token \(shown once\): (iph_[A-Za-z0-9_-]+)$/m.exec(server.output())?.[1] ?? '';
    expect(token).not.toBe('');
    expect(server.output()).toContain(`"database":"sqlite:${cli.dataDir}/ipnhub.db"`);
    expect(server.output()).toContain(
      'no worker in this process: deliveries and the PayPal IPN postback verification wait for `ipnhub worker` to run',
    );
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect(
      (await fetch(`${base}/api/v1/sources`, { headers: { authorization: `Bearer ${token}` } }))
        .status,
    ).toBe(200);

    const simulated = await cli.run([
      'simulate',
      'digistore24',
      'on_payment',
      '--to',
      `${base}/ipn/${source.id}`,
      '--passphrase',
      PASSPHRASE,
    ]);
    expect(simulated.code).toBe(0);

    const pending = await listDeliveries();
    expect(
      pending.map((d) => [d.status, d.connectionId, d.connectionName, d.eventType, d.attemptCount]),
    ).toEqual([['pending', connection.id, 'Sink', 'payment', 0]]);
    const deliveryId = pending[0]?.id ?? '';

    const stopped = await server.stop();
    expect(stopped.code).toBe(0);
    expect(stopped.stdout).toContain('"msg":"stopped"');
    await expect(fetch(`${base}/healthz`)).rejects.toThrow();
    expect(target.requests).toHaveLength(0);

    // 2. a separate worker delivers it.
    const worker = cli.start(['worker'], { IPNHUB_LOG_LEVEL: 'info' });
    await target.waitForRequests(1);
    expect((await worker.stop()).code).toBe(0);
    expect(
      (await listDeliveries('--status', 'delivered')).map((d) => [d.id, d.attemptCount]),
    ).toEqual([[deliveryId, 1]]);
    expect(await listDeliveries('--status', 'dead')).toEqual([]);

    const shown = await cli.run(['deliveries', 'show', deliveryId]);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain(`Delivery ${deliveryId}: delivered, 1 attempt(s)`);
    expect(shown.stdout).toMatch(/^1\s+\S+\s+scheduled\s+delivered\s+200\s/m);

    // 3. manual redelivery: queued now, performed by the next running worker.
    const redelivered = await cli.run(['deliveries', 'redeliver', deliveryId]);
    expect(redelivered.code).toBe(0);
    expect(redelivered.stdout).toContain(
      'the running worker (ipnhub serve or ipnhub worker) picks it up',
    );
    expect((await listDeliveries()).map((d) => [d.id, d.status, d.trigger])).toEqual([
      [deliveryId, 'pending', 'manual'],
    ]);

    // 4. a rotated token replaces the generated one; serve does not announce a token again.
    const rotated = await cli.run(['token', 'rotate', '--json']);
    expect(rotated.code).toBe(0);
    const { token: newToken } = JSON.parse(rotated.stdout) as { token: string };
    expect(newToken).toMatch(/^iph_/);

    const second = cli.start(['serve'], { IPNHUB_LOG_LEVEL: 'info' });
    const base2 = (await second.waitFor(LISTENING))[1] ?? '';
    expect(second.output()).not.toContain('Admin API token');
    expect(
      (await fetch(`${base2}/api/v1/sources`, { headers: { authorization: `Bearer ${newToken}` } }))
        .status,
    ).toBe(200);
    expect(
      (await fetch(`${base2}/api/v1/sources`, { headers: { authorization: `Bearer ${token}` } }))
        .status,
    ).toBe(401);
    await target.waitForRequests(2);
    expect((await second.stop()).code).toBe(0);
    expect((await listDeliveries()).map((d) => [d.status, d.attemptCount])).toEqual([
      ['delivered', 2],
    ]);
  });

  it('a connection enabled, updated or disabled from the CLI is used by the running server from its next notification on', async () => {
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
    const connection = JSON.parse(
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
    ) as { id: string };
    const server = cli.start(['serve', '--no-worker'], { IPNHUB_LOG_LEVEL: 'info' });
    const base = (await server.waitFor(LISTENING))[1] ?? '';
    const simulate = async (...extra: string[]) => {
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
            ...extra,
          ])
        ).code,
      ).toBe(0);
      return (await listDeliveries()).length;
    };

    expect(await simulate()).toBe(0);
    expect((await cli.run(['connection', 'enable', connection.id])).code).toBe(0);
    expect(await simulate()).toBe(1);
    expect((await cli.run(['connection', 'update', connection.id, '--product', '4711'])).code).toBe(
      0,
    );
    expect(await simulate('--product', '999')).toBe(1);
    expect(await simulate('--product', '4711')).toBe(2);
    expect((await cli.run(['connection', 'disable', connection.id])).code).toBe(0);
    expect(await simulate('--product', '4711')).toBe(2);
    expect((await server.stop()).code).toBe(0);
  });

  it('deliveries redeliver and show name a missing delivery with NOT_FOUND', async () => {
    const missing = 'dlv_01JAAAAAAAAAAAAAAAAAAAAAAA';
    expect(await cli.run(['deliveries', 'redeliver', missing])).toEqual({
      code: 1,
      stdout: '',
      stderr: `error NOT_FOUND: Not found. No delivery ${missing}.\n`,
    });
    const shown = await cli.run(['deliveries', 'show', missing, '--json']);
    expect(shown.code).toBe(1);
    expect(JSON.parse(shown.stderr)).toEqual({
      error: { code: 'NOT_FOUND', message: `Not found. No delivery ${missing}.` },
    });
  });

  it('serve fails with PORT_IN_USE naming the address when the port is taken, and leaves nothing running', async () => {
    const first = cli.start(['serve', '--no-worker'], { IPNHUB_LOG_LEVEL: 'info' });
    const base = (await first.waitFor(LISTENING))[1] ?? '';
    const port = new URL(base).port;
    const clash = await cli.run(['serve', '--no-worker'], { IPNHUB_PORT: port });
    expect(clash).toEqual({
      code: 1,
      stdout: '',
      stderr: `error PORT_IN_USE: The port is already in use. 127.0.0.1:${port}: another process already listens there (another ipnhub serve?). Stop it, or choose another port with IPNHUB_PORT.\n`,
    });
    expect((await first.stop()).code).toBe(0);
  });

  it('token rotate prints the new token once, with a warning when IPNHUB_ADMIN_TOKEN overrides it', async () => {
    const plain = await cli.run(['token', 'rotate']);
    expect(plain.code).toBe(0);
    expect(plain.stdout).toMatch(
      /^New admin API token \(shown once\): iph_[A-Za-z0-9_-]{43}\nThe old token no longer works, also in servers running now; everyone signed in to the web UI must sign in again\.\n$/,
    );
    expect(plain.stderr).toBe('');
    const overridden = await cli.run(['token', 'rotate'], {
      IPNHUB_ADMIN_TOKEN: 'configured-token-0123456789',
    });
    expect(overridden.code).toBe(0);
    expect(overridden.stdout).toMatch(
      /^New admin API token \(shown once\): iph_[A-Za-z0-9_-]{43}\n$/,
    );
    expect(overridden.stderr).toContain('IPNHUB_ADMIN_TOKEN is set and takes precedence');
  });

  it('token rotate in another process revokes the old token in a running server at once', async () => {
    const server = cli.start(['serve', '--no-worker'], { IPNHUB_LOG_LEVEL: 'info' });
    const base = (await server.waitFor(LISTENING))[1] ?? '';
    const original =
      /^Admin API token \(shown once\): (iph_[A-Za-z0-9_-]+)$/m.exec(server.output())?.[1] ?? '';
    const status = async (token: string) =>
      (await fetch(`${base}/api/v1/sources`, { headers: { authorization: `Bearer ${token}` } }))
        .status;
    expect(await status(original)).toBe(200);

    const first = JSON.parse((await cli.run(['token', 'rotate', '--json'])).stdout) as {
      token: string;
      overriddenByConfig: boolean;
    };
    expect(first.overriddenByConfig).toBe(false);
    expect(await status(original)).toBe(401);
    expect(await status(first.token)).toBe(200);

    const second = JSON.parse((await cli.run(['token', 'rotate', '--json'])).stdout) as {
      token: string;
    };
    expect(await status(first.token)).toBe(401);
    expect(await status(second.token)).toBe(200);
    expect((await server.stop()).code).toBe(0);
  });
});
