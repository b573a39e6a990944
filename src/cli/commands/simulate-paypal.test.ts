/**
 * The offline PayPal flow a user can try from the README, entirely through the CLI:
 * `dev fake-paypal`, `serve`, `source add` for both PayPal providers, `simulate paypal-ipn` and
 * `simulate paypal-webhook` — the IPN is verified by postback against the fake, the webhook by
 * its signature with the fake's certificate, and both become events.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pollUntil } from '../../../test/helpers/poll-until.js';
import { createTestTarget, enabledDialects } from '../../../test/helpers/test-db.js';
import { createCliEnv } from '../test-support/cli-harness.js';
import type { CliEnv, RunningCli } from '../test-support/cli-harness.js';

const LISTENING = /"url":"(http:\/\/127\.0\.0\.1:\d+)"/;
const FAKE_URL = /"url": "(http:\/\/127\.0\.0\.1:\d+)"/;

interface Result {
  ok: boolean;
  status: number | null;
  body: string | null;
  messageId: string | null;
  date: string;
}

for (const dialect of enabledDialects())
  describe(`ipnhub simulate paypal-ipn / paypal-webhook with ipnhub dev fake-paypal on ${dialect}`, () => {
    let cli: CliEnv;
    let drop: () => Promise<void>;
    let fake: RunningCli;
    let server: RunningCli;
    let fakeUrl: string;
    let base: string;
    let token: string;

    beforeEach(async () => {
      const target = await createTestTarget(dialect);
      drop = target.drop;
      const database =
        target.target.kind === 'postgres'
          ? {
              DATABASE_URL: target.target.url,
              IPNHUB_MASTER_KEY: Buffer.alloc(32, 4).toString('base64'),
            }
          : {};
      cli = createCliEnv({
        IPNHUB_OUTBOUND_ALLOW_LIST: '127.0.0.1',
        IPNHUB_PORT: '0',
        IPNHUB_WORKER_POLL_MS: '50',
        ...database,
      });
      fake = cli.start(['dev', 'fake-paypal', '--port', '0', '--json']);
      fakeUrl = (await fake.waitFor(FAKE_URL))[1] ?? '';
      server = cli.start(['serve'], { IPNHUB_LOG_LEVEL: 'info' });
      base = (await server.waitFor(LISTENING))[1] ?? '';
      token =
        /^Admin API token \(shown once\): (iph_[A-Za-z0-9_-]+)$/m.exec(server.output())?.[1] ?? '';
    });

    afterEach(async () => {
      expect((await server.stop()).code).toBe(0);
      expect((await fake.stop()).code).toBe(0);
      cli.dispose();
      await drop();
    });

    async function addSource(provider: string, sets: string[]): Promise<string> {
      const result = await cli.run([
        'source',
        'add',
        '--provider',
        provider,
        '--name',
        provider,
        ...sets.flatMap((s) => ['--set', s]),
        '--json',
      ]);
      expect(result.stderr).toBe('');
      return (JSON.parse(result.stdout) as { id: string }).id;
    }

    /** The source's events once there are `count` of them: the server's own worker verifies and records them. */
    async function eventsOf(
      sourceId: string,
      count: number,
    ): Promise<Array<{ type: string; orderId: string | null; occurredAt: string }>> {
      return pollUntil(
        async () => {
          const res = await fetch(`${base}/api/v1/events?sourceId=${sourceId}`, {
            headers: { authorization: `Bearer ${token}` },
          });
          return (
            (await res.json()) as {
              data: Array<{ type: string; orderId: string | null; occurredAt: string }>;
            }
          ).data;
        },
        (data) => data.length >= count,
      );
    }

    it("prints the fake's endpoints", () => {
      expect(JSON.parse(fake.output())).toEqual({
        url: fakeUrl,
        ipnVerificationUrl: `${fakeUrl}/cgi-bin/webscr`,
        webhookApiBaseUrl: fakeUrl,
        certificateUrl: `${fakeUrl}/v1/notifications/certs/CERT-ipnhub-dev`,
        clientId: 'ipnhub-dev-client',
      });
    });

    it('sends an IPN that is acknowledged empty, verified by the fake PayPal and recorded', async () => {
      const sourceId = await addSource('paypal-ipn', [
        'environment=sandbox',
        'receiverEmail=seller@example.com',
        `verificationUrl=${fakeUrl}/cgi-bin/webscr`,
      ]);
      const sent = await cli.run([
        'simulate',
        'paypal-ipn',
        'web_accept',
        '--to',
        `${base}/ipn/${sourceId}`,
        '--test',
        '--txn',
        'CLI0000000000001A',
        '--date',
        '2026-03-01T10:00:00Z',
        '--json',
      ]);
      expect(sent.code).toBe(0);
      expect(JSON.parse(sent.stdout)).toMatchObject({
        ok: true,
        status: 200,
        body: '',
        messageId: 'CLI0000000000001A',
        date: '2026-03-01T10:00:00.000Z',
      } satisfies Partial<Result>);
      expect(await eventsOf(sourceId, 1)).toMatchObject([
        { type: 'payment', orderId: 'CLI0000000000001A', occurredAt: '2026-03-01T10:00:00.000Z' },
      ]);

      // Without --date the message is dated now, so a refund simulated later comes after the payment.
      const before = Math.floor(Date.now() / 1000) * 1000;
      const utf8 = await cli.run([
        'simulate',
        'paypal-ipn',
        'refund',
        '--to',
        `${base}/ipn/${sourceId}`,
        '--test',
        '--charset',
        'UTF-8',
        '--spaces',
        '%20',
        '--parent-txn',
        'CLI0000000000001A',
      ]);
      expect(utf8.code).toBe(0);
      expect(utf8.stdout).toMatch(
        /^POST .+ \(IPN refund, [A-Z0-9]{17}, dated \S+Z\)\nHTTP 200 \(empty body\)\n/,
      );
      const events = await eventsOf(sourceId, 2);
      expect(events.map((e) => [e.type, e.orderId])).toEqual([
        ['refund', 'CLI0000000000001A'],
        ['payment', 'CLI0000000000001A'],
      ]);
      expect(Date.parse(events[0]?.occurredAt ?? '')).toBeGreaterThanOrEqual(before);
      expect(Date.parse(events[0]?.occurredAt ?? '')).toBeLessThanOrEqual(Date.now());
    });

    it("sends webhooks signed with the fake's certificate; a wrong webhook id is refused", async () => {
      const sourceId = await addSource('paypal-webhooks', [
        'webhookId=WH-DEV-123',
        `apiBaseUrl=${fakeUrl}`,
        'environment=sandbox',
      ]);
      const url = `${base}/ipn/${sourceId}`;
      const sent = await cli.run([
        'simulate',
        'paypal-webhook',
        'PAYMENT.CAPTURE.COMPLETED',
        '--to',
        url,
        '--webhook-id',
        'WH-DEV-123',
        '--paypal',
        fakeUrl,
        '--transaction',
        'CAPTURECLI000001',
        '--date',
        '2026-03-01T11:00:00+01:00',
        '--json',
      ]);
      expect(JSON.parse(sent.stdout)).toMatchObject({
        ok: true,
        status: 200,
        date: '2026-03-01T10:00:00.000Z',
      });
      expect(sent.code).toBe(0);
      expect(await eventsOf(sourceId, 1)).toMatchObject([
        { type: 'payment', orderId: 'CAPTURECLI000001', occurredAt: '2026-03-01T10:00:00.000Z' },
      ]);

      const wrong = await cli.run([
        'simulate',
        'paypal-webhook',
        'PAYMENT.CAPTURE.REFUNDED',
        '--to',
        url,
        '--webhook-id',
        'WH-SOMEONE-ELSE',
        '--paypal',
        fakeUrl,
      ]);
      expect(wrong.code).toBe(1);
      expect(wrong.stdout).toContain('HTTP 403');
      expect(wrong.stdout).toContain('SIGNATURE_INVALID');
    });

    it('reports an unreachable hub and an unknown event type', async () => {
      const down = await cli.run([
        'simulate',
        'paypal-ipn',
        'web_accept',
        '--to',
        'http://127.0.0.1:9/ipn/src_x',
        '--json',
      ]);
      expect(down.code).toBe(1);
      expect(JSON.parse(down.stdout)).toMatchObject({
        ok: false,
        status: null,
        error: expect.any(String),
      });
      const unknown = await cli.run([
        'simulate',
        'paypal-webhook',
        'PAYMENT.NOT.A.THING',
        '--to',
        base,
        '--webhook-id',
        'x',
      ]);
      expect(unknown.code).toBe(1);
      expect(unknown.stderr).toContain('expected one of');
    });
  });
