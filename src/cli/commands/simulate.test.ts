import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestRuntime } from '../../../test/helpers/test-runtime.js';
import { checkAccess } from '../../ledger/queries/access-query.js';
import type { TestRuntime } from '../../../test/helpers/test-runtime.js';
import { createCliEnv } from '../test-support/cli-harness.js';
import type { CliEnv } from '../test-support/cli-harness.js';

const PASSPHRASE = 'simulate-passphrase-42';

describe('ipnhub simulate digistore24', () => {
  let runtime: TestRuntime;
  let app: FastifyInstance;
  let cli: CliEnv;
  let inboundUrl: string;
  let sourceId: string;

  beforeAll(async () => {
    runtime = await createTestRuntime('sqlite');
    app = await runtime.buildApp();
    const base = await app.listen({ port: 0, host: '127.0.0.1' });
    const source = await runtime.sources.create({
      provider: 'digistore24',
      name: 'Shop',
      config: { passphrase: PASSPHRASE },
    });
    sourceId = source.id;
    inboundUrl = `${base}/ipn/${source.id}`;
    cli = createCliEnv();
  });
  afterAll(async () => {
    await app.close();
    await runtime.dispose();
    cli.dispose();
  });

  it('sends a signed IPN the hub accepts (OK, exit 0) and the event is recorded', async () => {
    const result = await cli.run([
      'simulate',
      'digistore24',
      'on_payment',
      '--to',
      inboundUrl,
      '--passphrase',
      PASSPHRASE,
      '--product',
      '777001',
      '--email',
      'Buyer@Example.com',
      '--amount',
      '49.50',
      '--currency',
      'USD',
      '--order',
      'SIMORDER1',
    ]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      /^POST .+ \(event on_payment, order SIMORDER1, transaction \d{8}, dated \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z\)\nHTTP 200\nOK\n/,
    );

    const events = await runtime.dbHandle.db
      .selectFrom('events')
      .selectAll()
      .where('source_id', '=', sourceId)
      .execute();
    expect(events).toHaveLength(1);
    const [event] = events;
    expect([event?.type, event?.order_ref, event?.customer_email, event?.test]).toEqual([
      'payment',
      'SIMORDER1',
      'buyer@example.com',
      0,
    ]);
    const payload = JSON.parse(event?.payload ?? '{}') as {
      order: { amount: number; currency: string; items: Array<{ productId: string }> };
    };
    expect([
      payload.order.amount,
      payload.order.currency,
      payload.order.items[0]?.productId,
    ]).toEqual([4950, 'USD', '777001']);
  });

  it('dates the notification now by default, so the event occurs when it is simulated', async () => {
    const before = Math.floor(Date.now() / 1000) * 1000;
    const result = await cli.run([
      'simulate',
      'digistore24',
      'on_payment',
      '--to',
      inboundUrl,
      '--passphrase',
      PASSPHRASE,
      '--json',
    ]);
    const after = Date.now();
    expect(result.code).toBe(0);
    const { date, orderId } = JSON.parse(result.stdout) as { date: string; orderId: string };
    expect(Date.parse(date)).toBeGreaterThanOrEqual(before);
    expect(Date.parse(date)).toBeLessThanOrEqual(after);
    const event = await runtime.dbHandle.db
      .selectFrom('events')
      .select('occurred_at')
      .where('order_ref', '=', orderId)
      .executeTakeFirstOrThrow();
    expect(event.occurred_at).toBe(date);
  });

  it('a rebill simulated after a refund grants access again (events dated in the order they are sent)', async () => {
    const order = [
      '--order',
      'SIMSUB1',
      '--billing',
      'subscription',
      '--product',
      '555001',
      '--email',
      'sub@example.com',
    ];
    const send = async (event: string, date: string, ...extra: string[]) => {
      const result = await cli.run([
        'simulate',
        'digistore24',
        event,
        '--to',
        inboundUrl,
        '--passphrase',
        PASSPHRASE,
        ...order,
        '--date',
        date,
        ...extra,
        '--json',
      ]);
      expect(result.code, result.stdout).toBe(0);
      return JSON.parse(result.stdout) as { date: string };
    };
    const access = async () =>
      (await checkAccess(runtime.dbHandle.db, { email: 'sub@example.com', productId: '555001' }))
        .status;
    await send('on_payment', '2026-03-01T10:00:00Z', '--pay-sequence', '1');
    expect(await access()).toBe('active');
    await send('on_refund', '2026-03-02T10:00:00+01:00');
    expect(await access()).toBe('revoked');
    expect((await send('on_payment', '2026-04-01T10:00:00Z', '--pay-sequence', '2')).date).toBe(
      '2026-04-01T10:00:00.000Z',
    );
    expect(await access()).toBe('active');
  });

  it('rejects a --date without a zone before sending anything', async () => {
    const result = await cli.run([
      'simulate',
      'digistore24',
      'on_payment',
      '--to',
      inboundUrl,
      '--passphrase',
      PASSPHRASE,
      '--date',
      '2026-03-01 10:00',
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      "option '--date <instant>' argument '2026-03-01 10:00' is invalid. expected an ISO 8601 date and time with a zone, e.g. 2026-05-14T09:12:45Z",
    );
  });

  it('gives each run a fresh order and transaction, so repeated runs are not duplicates', async () => {
    const runs = [];
    for (let i = 0; i < 2; i++) {
      const result = await cli.run([
        'simulate',
        'digistore24',
        'on_refund',
        '--to',
        inboundUrl,
        '--passphrase',
        PASSPHRASE,
        '--test',
        '--json',
      ]);
      expect(result.code).toBe(0);
      runs.push(
        JSON.parse(result.stdout) as {
          ok: boolean;
          status: number;
          body: string;
          orderId: string;
          transactionId: string;
        },
      );
    }
    expect(runs.map((r) => [r.ok, r.status, r.body.startsWith('OK')])).toEqual([
      [true, 200, true],
      [true, 200, true],
    ]);
    expect(runs[0]?.orderId).not.toBe(runs[1]?.orderId);
    const orders = runs.map((r) => r.orderId);
    const rows = await runtime.dbHandle.db
      .selectFrom('events')
      .select(['order_ref', 'type', 'test'])
      .where('order_ref', 'in', orders)
      .orderBy('id')
      .execute();
    expect(rows).toEqual(orders.map((order) => ({ order_ref: order, type: 'refund', test: 1 })));
  });

  it('a wrong passphrase gets a non-OK answer and exit code 1', async () => {
    const result = await cli.run([
      'simulate',
      'digistore24',
      'on_payment',
      '--to',
      inboundUrl,
      '--passphrase',
      'not-the-passphrase',
      '--json',
    ]);
    expect(result.code).toBe(1);
    const answer = JSON.parse(result.stdout) as { ok: boolean; status: number; body: string };
    expect([answer.ok, answer.status]).toEqual([false, 403]);
    expect(answer.body).toMatch(/^ERROR: SIGNATURE_INVALID/);

    const text = await cli.run([
      'simulate',
      'digistore24',
      'on_payment',
      '--to',
      inboundUrl,
      '--passphrase',
      'not-the-passphrase',
    ]);
    expect(text.code).toBe(1);
    expect(text.stdout).toContain('\nHTTP 403\nERROR: SIGNATURE_INVALID');
    expect(text.stdout).toContain('Not accepted');
  });

  it('an unreachable URL is reported without an answer, exit code 1', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    const result = await cli.run([
      'simulate',
      'digistore24',
      'connection_test',
      '--to',
      `http://127.0.0.1:${port}/ipn/x`,
      '--passphrase',
      PASSPHRASE,
    ]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/\nNo answer: .*ECONNREFUSED/);
  });

  it('rejects a URL that is not http(s) and a malformed amount before sending anything', async () => {
    const url = await cli.run([
      'simulate',
      'digistore24',
      'on_payment',
      '--to',
      'ftp://example.com',
      '--passphrase',
      PASSPHRASE,
    ]);
    expect(url.code).toBe(1);
    expect(url.stderr).toContain(
      "option '--to <url>' argument 'ftp://example.com' is invalid. expected an http:// or https:// URL.",
    );
    const amount = await cli.run([
      'simulate',
      'digistore24',
      'on_payment',
      '--to',
      inboundUrl,
      '--passphrase',
      PASSPHRASE,
      '--amount',
      '12,3x',
    ]);
    expect(amount.code).toBe(1);
    expect(amount.stderr).toContain("option '--amount <amount>' argument '12,3x' is invalid.");
  });
});
