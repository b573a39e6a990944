import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCliEnv, startHttpTarget } from '../test-support/cli-harness.js';
import type { CliEnv, HttpTarget, RunningCli } from '../test-support/cli-harness.js';

const PASSPHRASE = 'reads-test-passphrase';
const LISTENING = /"url":"(http:\/\/127\.0\.0\.1:\d+)"/;
const EMAIL = 'reader@example.com';

interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

/**
 * The read commands against a running server on the same database: what they print, and that
 * their --json is exactly what the admin API answers for the same question.
 */
describe('ipnhub inbound-requests, events, deliveries show and access', () => {
  let cli: CliEnv;
  let target: HttpTarget;
  let server: RunningCli;
  let base: string;
  let token: string;
  let sourceId: string;

  async function api(path: string): Promise<unknown> {
    const res = await fetch(`${base}/api/v1${path}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.status, path).toBe(200);
    return res.json();
  }

  async function json(...argv: string[]): Promise<unknown> {
    const result = await cli.run([...argv, '--json']);
    expect(result.code, result.stderr).toBe(0);
    return JSON.parse(result.stdout);
  }

  async function simulate(event: string, date: string): Promise<void> {
    const result = await cli.run([
      'simulate',
      'digistore24',
      event,
      '--to',
      `${base}/ipn/${sourceId}`,
      '--passphrase',
      PASSPHRASE,
      '--order',
      'READS1',
      '--product',
      '4711',
      '--email',
      EMAIL,
      '--date',
      date,
    ]);
    expect(result.code, result.stdout).toBe(0);
  }

  beforeAll(async () => {
    cli = createCliEnv({ IPNHUB_OUTBOUND_ALLOW_LIST: '127.0.0.1', IPNHUB_PORT: '0' });
    target = await startHttpTarget();
    sourceId = (
      JSON.parse(
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
      ) as { id: string }
    ).id;
    await cli.run([
      'connection',
      'add',
      '--connector',
      'webhook',
      '--name',
      'Billing',
      '--url',
      target.url,
    ]);
    // No worker: the deliveries stay pending, so the refund's waits for the payment's.
    server = cli.start(['serve', '--no-worker'], { IPNHUB_LOG_LEVEL: 'info' });
    base = (await server.waitFor(LISTENING))[1] ?? '';
    token =
      /^Admin API token \(shown once\): (iph_[A-Za-z0-9_-]+)$/m.exec(server.output())?.[1] ?? '';
    await simulate('on_payment', '2026-03-01T10:00:00Z');
    await simulate('on_refund', '2026-03-02T10:00:00Z');
    const rejected = await fetch(`${base}/ipn/${sourceId}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'event=on_payment&order_id=X%ZZ',
    });
    expect(rejected.status).toBe(400);
  });
  afterAll(async () => {
    await server.stop();
    cli.dispose();
    await target.close();
  });

  it('inbound-requests list filters by verdict and prints the same page as the API', async () => {
    const accepted = (await json('inbound-requests', 'list', '--verdict', 'accepted')) as Page<{
      id: string;
      verdict: string;
    }>;
    expect(accepted.data.map((r) => r.verdict)).toEqual(['accepted', 'accepted']);
    expect(accepted).toEqual(await api('/inbound-requests?verdict=accepted'));
    const rejected = (await json(
      'inbound-requests',
      'list',
      '--verdict',
      'rejected',
      '--source',
      sourceId,
    )) as Page<{ verdictCode: string }>;
    expect(rejected.data.map((r) => r.verdictCode)).toEqual(['MALFORMED_BODY']);

    const firstPage = (await json('requests', 'list', '--limit', '1')) as Page<{ id: string }>;
    expect(firstPage.data).toHaveLength(1);
    expect(firstPage.nextCursor).not.toBeNull();
    const text = await cli.run(['inbound-requests', 'list', '--limit', '1']);
    expect(text.stdout).toMatch(/^ID\s+RECEIVED\s+SOURCE\s+VERDICT\s+EVENTS\s+BYTES\s+REASON\n/);
    expect(text.stdout).toMatch(/\brejected MALFORMED_BODY\s+0\s+\d+\s+invalid percent escape/);
    expect(text.stdout).toContain(`More: add --cursor ${firstPage.nextCursor ?? ''}`);
    expect(await json('inbound-requests', 'list', '--cursor', firstPage.nextCursor ?? '')).toEqual(
      await api(`/inbound-requests?cursor=${firstPage.nextCursor ?? ''}`),
    );

    const bad = await cli.run(['inbound-requests', 'list', '--verdict', 'lost']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain(
      "argument 'lost' is invalid. expected one of accepted, duplicate, ignored, test, rejected, error, pending",
    );
  });

  it('inbound-requests show decodes the fields as the provider reads them, and says why it cannot', async () => {
    const [refundRequest] = (
      (await json('inbound-requests', 'list', '--verdict', 'accepted')) as Page<{ id: string }>
    ).data;
    const id = refundRequest?.id ?? '';
    const detail = (await json('inbound-requests', 'show', id)) as {
      fields: Array<{ name: string; value: string }>;
    };
    expect(detail).toEqual(await api(`/inbound-requests/${id}`));
    expect(detail.fields).toContainEqual({ name: 'event', value: 'on_refund' });
    expect(detail.fields).toContainEqual({ name: 'address_street', value: 'Musterstraße 5' });

    const text = await cli.run(['inbound-requests', 'show', id]);
    expect(text.stdout).toContain(`Inbound request ${id}: accepted\n`);
    expect(text.stdout).toContain('Fields (decoded as the provider reads them, in utf-8):\n');
    expect(text.stdout).toMatch(/^address_street\s+Musterstraße 5$/m);
    expect(text.stdout).toMatch(/^content-type\s+application\/x-www-form-urlencoded$/m);

    const [rejected] = (
      (await json('inbound-requests', 'list', '--verdict', 'rejected')) as Page<{ id: string }>
    ).data;
    const shown = await cli.run(['inbound-requests', 'show', rejected?.id ?? '']);
    expect(shown.stdout).toContain(': rejected MALFORMED_BODY\n');
    expect(shown.stdout).toContain(
      'Fields: the body cannot be decoded (invalid percent escape at byte 27). Body as UTF-8 text:\nevent=on_payment&order_id=X%ZZ\n',
    );
    expect(await json('inbound-requests', 'show', rejected?.id ?? '')).toMatchObject({
      fields: null,
      fieldsError: 'invalid percent escape at byte 27',
    });

    const missing = await cli.run(['inbound-requests', 'show', 'req_01JAAAAAAAAAAAAAAAAAAAAAAA']);
    expect(missing).toEqual({
      code: 1,
      stdout: '',
      stderr: 'error NOT_FOUND: Not found. No inbound request req_01JAAAAAAAAAAAAAAAAAAAAAAA.\n',
    });
  });

  it('events list filters like the API; events show prints the event with its deliveries', async () => {
    const all = (await json('events', 'list', '--email', 'Reader@Example.com')) as Page<{
      id: string;
      type: string;
      occurredAt: string;
    }>;
    expect(all.data.map((e) => [e.type, e.occurredAt])).toEqual([
      ['refund', '2026-03-02T10:00:00.000Z'],
      ['payment', '2026-03-01T10:00:00.000Z'],
    ]);
    expect(all).toEqual(await api(`/events?email=${encodeURIComponent(EMAIL)}`));
    expect(
      (
        (await json('events', 'list', '--type', 'payment', '--order', 'READS1')) as Page<{
          type: string;
        }>
      ).data.map((e) => e.type),
    ).toEqual(['payment']);
    expect(
      (
        (await json(
          'events',
          'list',
          '--from',
          '2026-03-02T00:00:00+01:00',
          '--source',
          sourceId,
        )) as Page<{ type: string }>
      ).data.map((e) => e.type),
    ).toEqual(['refund']);
    expect(
      (
        (await json('events', 'list', '--to', '2026-03-02T00:00:00Z')) as Page<{ type: string }>
      ).data.map((e) => e.type),
    ).toEqual(['payment']);
    expect((await cli.run(['events', 'list', '--from', 'yesterday'])).stderr).toContain(
      "option '--from <instant>' argument 'yesterday' is invalid.",
    );

    const refundId = all.data[0]?.id ?? '';
    expect(await json('events', 'show', refundId)).toEqual(await api(`/events/${refundId}`));
    const text = await cli.run(['events', 'show', refundId]);
    expect(text.stdout).toContain(`Event ${refundId}: refund\n`);
    expect(text.stdout).toContain('Occurred:   2026-03-02T10:00:00.000Z');
    expect(text.stdout).toMatch(
      /^Order: {6}READS1 · 97\.00 EUR · single_payment, pay sequence 0 · transaction \d+$/m,
    );
    expect(text.stdout).toContain('Items:      4711 "Online Course Basic" ×1 97.00 EUR');
    expect(text.stdout).toContain(`Buyer:      ${EMAIL} (Anna Beispiel)`);
    expect(text.stdout).toMatch(/^dlv_\S+\s+pending\s+0\s+refund evt_\S+\s+Billing\s/m);
    expect((await cli.run(['events', 'show', 'evt_01JAAAAAAAAAAAAAAAAAAAAAAA'])).stderr).toBe(
      'error NOT_FOUND: Not found. No event evt_01JAAAAAAAAAAAAAAAAAAAAAAA.\n',
    );
  });

  it('deliveries show says the refund waits for the payment of the same order, which is due', async () => {
    const deliveries = (
      (await json('deliveries', 'list')) as Page<{ id: string; eventType: string }>
    ).data;
    const refund = deliveries.find((d) => d.eventType === 'refund')?.id ?? '';
    const payment = deliveries.find((d) => d.eventType === 'payment')?.id ?? '';

    const held = (await json('deliveries', 'show', refund)) as {
      waiting: { reason: string; heldBackBy: { id: string } };
    };
    expect(held).toEqual(await api(`/deliveries/${refund}`));
    expect(held.waiting).toMatchObject({
      reason: 'held_back',
      heldBackBy: { id: payment, status: 'pending' },
    });
    expect((await cli.run(['deliveries', 'show', refund])).stdout).toMatch(
      new RegExp(
        `^Waiting: {4}Held back by delivery ${payment} \\(event evt_\\S+, pending, next attempt \\S+\\): deliveries of one order go to a connection in event order`,
        'm',
      ),
    );

    expect(
      ((await json('deliveries', 'show', payment)) as { waiting: { reason: string } }).waiting
        .reason,
    ).toBe('due');
    expect((await cli.run(['deliveries', 'show', payment])).stdout).toMatch(
      /^Waiting: {4}Due since \S+; a running worker \(ipnhub serve or ipnhub worker\) attempts it\.$/m,
    );
  });

  it('access check answers the membership question as GET /access does', async () => {
    const check = await json(
      'access',
      'check',
      '--email',
      ` ${EMAIL.toUpperCase()} `,
      '--product',
      '4711',
    );
    expect(check).toEqual(await api(`/access?email=${encodeURIComponent(EMAIL)}&productId=4711`));
    expect(check).toMatchObject({
      email: EMAIL,
      productId: '4711',
      hasAccess: false,
      status: 'revoked',
      grants: [{ orderId: 'READS1', status: 'revoked' }],
    });
    const text = await cli.run(['access', 'check', '--email', EMAIL, '--product', '4711']);
    expect(text.stdout).toMatch(
      new RegExp(
        `^${EMAIL} has no access to product 4711 \\(revoked\\)\\.\\n\\nORDER\\s+STATUS\\s+ORDER STATUS\\s+PAID UNTIL\\s+GRANTED\\s+UPDATED\\nREADS1\\s+revoked\\s+refunded\\s+-\\s`,
      ),
    );
    expect(
      (await cli.run(['access', 'check', '--email', 'nobody@example.com', '--product', '4711']))
        .stdout,
    ).toBe('nobody@example.com has no access to product 4711 (no purchase recorded).\n');
    const missing = await cli.run(['access', 'check', '--email', EMAIL]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("required option '--product <id>' not specified");
    expect(
      (await cli.run(['access', 'check', '--email', '  ', '--product', '4711'])).stderr,
    ).toContain("option '--email <email>' argument '  ' is invalid. expected an e-mail address");
  });
});
