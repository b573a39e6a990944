import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCliEnv, startHttpTarget } from '../test-support/cli-harness.js';
import type { CliEnv, HttpTarget, RunningCli } from '../test-support/cli-harness.js';

const PASSPHRASE = 'bulk-test-passphrase';
const LISTENING = /"url":"(http:\/\/127\.0\.0\.1:\d+)"/;

/**
 * `ipnhub connection backfill` and `ipnhub deliveries replay` against a database a running
 * server fills: what they print, their --json, the marker in `deliveries list`, and refusals.
 */
describe('ipnhub connection backfill and deliveries replay', () => {
  let cli: CliEnv;
  let target: HttpTarget;
  let server: RunningCli;
  let sourceId: string;
  let billing: string;
  let late: string;

  async function json(...argv: string[]): Promise<unknown> {
    const result = await cli.run([...argv, '--json']);
    expect(result.code, result.stderr).toBe(0);
    return JSON.parse(result.stdout);
  }

  async function addConnection(name: string, ...extra: string[]): Promise<string> {
    return (
      (await json(
        'connection',
        'add',
        '--connector',
        'webhook',
        '--name',
        name,
        '--url',
        target.url,
        ...extra,
      )) as { id: string }
    ).id;
  }

  beforeAll(async () => {
    cli = createCliEnv({ IPNHUB_OUTBOUND_ALLOW_LIST: '127.0.0.1', IPNHUB_PORT: '0' });
    target = await startHttpTarget();
    sourceId = (
      (await json(
        'source',
        'add',
        '--provider',
        'digistore24',
        '--name',
        'Shop',
        '--passphrase',
        PASSPHRASE,
      )) as { id: string }
    ).id;
    billing = await addConnection('Billing');
    // No worker: what the commands queue stays pending.
    server = cli.start(['serve', '--no-worker'], { IPNHUB_LOG_LEVEL: 'info' });
    const base = (await server.waitFor(LISTENING))[1] ?? '';
    for (const event of ['on_payment', 'on_refund']) {
      const sent = await cli.run([
        'simulate',
        'digistore24',
        event,
        '--to',
        `${base}/ipn/${sourceId}`,
        '--passphrase',
        PASSPHRASE,
        '--order',
        'BULK1',
      ]);
      expect(sent.code, sent.stdout).toBe(0);
    }
    // Added after the events: it has none of them yet.
    late = await addConnection('Late', '--event', 'payment');
  });
  afterAll(async () => {
    await server.stop();
    cli.dispose();
    await target.close();
  });

  it('backfill counts in a dry run, creates the missing deliveries once, and the log marks them', async () => {
    const from = '2020-01-01T00:00:00Z';
    const dry = await cli.run(['connection', 'backfill', late, '--from', from, '--dry-run']);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toMatch(
      new RegExp(
        `^1 event\\(s\\) received 2020-01-01T00:00:00\\.000Z to \\S+ match connection ${late}'s filters: 1 delivery\\(ies\\) would be created \\(--dry-run, nothing created\\)\\.$`,
        'm',
      ),
    );
    expect(await json('deliveries', 'list', '--connection', late)).toMatchObject({ data: [] });

    const done = (await json('connection', 'backfill', late, '--from', from)) as Record<
      string,
      unknown
    >;
    expect(done).toMatchObject({ dryRun: false, matched: 1, existing: 0, created: 1 });
    const again = await cli.run(['connection', 'backfill', late, '--from', from]);
    expect(again.stdout).toMatch(
      /^1 event\(s\) received .+ match \(1 already had a delivery to it\): nothing to create\.$/m,
    );
    // The live deliveries of the first connection are left alone: each event has its one.
    expect(
      (await json('connection', 'backfill', billing, '--from', from)) as Record<string, unknown>,
    ).toMatchObject({ matched: 2, existing: 2, created: 0 });

    const backfilled = (await json('deliveries', 'list', '--origin', 'backfill')) as {
      data: Array<{ connectionId: string; origin: string; eventType: string }>;
    };
    expect(backfilled.data.map((d) => [d.connectionId, d.origin, d.eventType])).toEqual([
      [late, 'backfill', 'payment'],
    ]);
    const table = await cli.run(['deliveries', 'list', '--connection', late]);
    expect(table.stdout).toMatch(/^dlv_\S+\s+pending\s+0\s+payment evt_\S+\s+Late\s+backfill\s/m);
  });

  it('replay counts and queues a connection’s failed deliveries; refusals name their code', async () => {
    const dry = await cli.run(['deliveries', 'replay', '--connection', billing, '--dry-run']);
    expect(dry.stdout).toBe(
      `0 dead/failed deliveries of connection ${billing} match; nothing was queued (--dry-run).\n`,
    );
    expect(
      await json('deliveries', 'replay', '--connection', billing, '--status', 'dead,skipped'),
    ).toEqual({ dryRun: false, matched: 0, redelivered: 0 });
    const badStatus = await cli.run([
      'deliveries',
      'replay',
      '--connection',
      billing,
      '--status',
      'dead,pending',
    ]);
    expect(badStatus.code).toBe(1);
    expect(badStatus.stderr).toContain('expected one of dead, failed, skipped, got "pending"');

    const empty = await cli.run([
      'connection',
      'backfill',
      late,
      '--from',
      '2026-01-02T00:00:00Z',
      '--to',
      '2026-01-01T00:00:00Z',
    ]);
    expect(empty.code).toBe(1);
    expect(empty.stderr).toMatch(/^error INVALID_RANGE: /);
    expect((await cli.run(['connection', 'backfill', late, '--from', 'yesterday'])).stderr).toMatch(
      /option '--from <instant>' argument 'yesterday' is invalid/,
    );
    expect((await cli.run(['connection', 'disable', late])).code).toBe(0);
    const off = await cli.run(['deliveries', 'replay', '--connection', late]);
    expect(off.code).toBe(1);
    expect(off.stderr).toMatch(/^error CONNECTION_INACTIVE: /);
    const missing = await cli.run([
      'connection',
      'backfill',
      'con_01JAAAAAAAAAAAAAAAAAAAAAAA',
      '--from',
      '2020-01-01T00:00:00Z',
    ]);
    expect(missing.stderr).toBe(
      'error NOT_FOUND: Not found. No connection con_01JAAAAAAAAAAAAAAAAAAAAAAA.\n',
    );
  });
});
