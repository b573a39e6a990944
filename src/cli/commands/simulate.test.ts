import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestRuntime } from '../../../test/helpers/test-runtime.js';
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
    const source = await runtime.sources.create({ provider: 'digistore24', name: 'Shop', config: { passphrase: PASSPHRASE } });
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
      'simulate', 'digistore24', 'on_payment', '--to', inboundUrl, '--passphrase', PASSPHRASE,
      '--product', '777001', '--email', 'Buyer@Example.com', '--amount', '49.50', '--currency', 'USD', '--order', 'SIMORDER1',
    ]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^POST .+ \(event on_payment, order SIMORDER1, transaction \d{8}\)\nHTTP 200\nOK\n/);

    const events = await runtime.dbHandle.db.selectFrom('events').selectAll().where('source_id', '=', sourceId).execute();
    expect(events).toHaveLength(1);
    const [event] = events;
    expect([event?.type, event?.order_ref, event?.customer_email, event?.test]).toEqual(['payment', 'SIMORDER1', 'buyer@example.com', 0]);
    const payload = JSON.parse(event?.payload ?? '{}') as { order: { amount: number; currency: string; items: Array<{ productId: string }> } };
    expect([payload.order.amount, payload.order.currency, payload.order.items[0]?.productId]).toEqual([4950, 'USD', '777001']);
  });

  it('gives each run a fresh order and transaction, so repeated runs are not duplicates', async () => {
    const runs = [];
    for (let i = 0; i < 2; i++) {
      const result = await cli.run(['simulate', 'digistore24', 'on_refund', '--to', inboundUrl, '--passphrase', PASSPHRASE, '--test', '--json']);
      expect(result.code).toBe(0);
      runs.push(JSON.parse(result.stdout) as { ok: boolean; status: number; body: string; orderId: string; transactionId: string });
    }
    expect(runs.map((r) => [r.ok, r.status, r.body.startsWith('OK')])).toEqual([[true, 200, true], [true, 200, true]]);
    expect(runs[0]?.orderId).not.toBe(runs[1]?.orderId);
    const orders = runs.map((r) => r.orderId);
    const rows = await runtime.dbHandle.db.selectFrom('events').select(['order_ref', 'type', 'test']).where('order_ref', 'in', orders).orderBy('id').execute();
    expect(rows).toEqual(orders.map((order) => ({ order_ref: order, type: 'refund', test: 1 })));
  });

  it('a wrong passphrase gets a non-OK answer and exit code 1', async () => {
    const result = await cli.run(['simulate', 'digistore24', 'on_payment', '--to', inboundUrl, '--passphrase', 'not-the-passphrase', '--json']);
    expect(result.code).toBe(1);
    const answer = JSON.parse(result.stdout) as { ok: boolean; status: number; body: string };
    expect([answer.ok, answer.status]).toEqual([false, 403]);
    expect(answer.body).toMatch(/^ERROR: SIGNATURE_INVALID/);

    const text = await cli.run(['simulate', 'digistore24', 'on_payment', '--to', inboundUrl, '--passphrase', 'not-the-passphrase']);
    expect(text.code).toBe(1);
    expect(text.stdout).toContain('\nHTTP 403\nERROR: SIGNATURE_INVALID');
    expect(text.stdout).toContain('Not accepted');
  });

  it('an unreachable URL is reported without an answer, exit code 1', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    const result = await cli.run(['simulate', 'digistore24', 'connection_test', '--to', `http://127.0.0.1:${port}/ipn/x`, '--passphrase', PASSPHRASE]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/\nNo answer: .*ECONNREFUSED/);
  });

  it('rejects a URL that is not http(s) and a malformed amount before sending anything', async () => {
    const url = await cli.run(['simulate', 'digistore24', 'on_payment', '--to', 'ftp://example.com', '--passphrase', PASSPHRASE]);
    expect(url.code).toBe(1);
    expect(url.stderr).toContain("option '--to <url>' argument 'ftp://example.com' is invalid. expected an http:// or https:// URL.");
    const amount = await cli.run(['simulate', 'digistore24', 'on_payment', '--to', inboundUrl, '--passphrase', PASSPHRASE, '--amount', '12,3x']);
    expect(amount.code).toBe(1);
    expect(amount.stderr).toContain("option '--amount <amount>' argument '12,3x' is invalid.");
  });
});
