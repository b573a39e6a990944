/**
 * Health and alerts end to end, on both dialects (docs/health-and-alerts.md): a connection that
 * has failed for the configured time is switched off with one mail to its error address and
 * the operator, its queue kept and delivered in order once it is switched on again; a source
 * whose notifications are rejected alerts the operator under the throttle, with a count; and
 * the log has one line per accepted notification and per attempt, without the buyer's data.
 * Time is a manual clock; background work runs with `runOnce`.
 */
import { describe, expect, it } from 'vitest';
import { startWebhookSink } from '../fakes/webhook-sink.js';
import { captureLogger } from '../helpers/capture-logger.js';
import { useDs24Hub } from '../helpers/ds24-hub.js';
import { enabledDialects } from '../helpers/test-db.js';
import { TEST_ADMIN_TOKEN } from '../helpers/test-runtime.js';

const SECRET = `whsec_${Buffer.alloc(32, 5).toString('base64')}`;
const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const OPERATOR = 'operator@example.com';

interface ConnectionAnswer {
  active: boolean;
  disabledAt: string | null;
  disabledReason: string | null;
}

for (const dialect of enabledDialects()) {
  describe(`health and alerts on ${dialect}`, () => {
    const log = captureLogger('info');
    const stage = useDs24Hub(
      dialect,
      (hub) => startWebhookSink({ secret: SECRET, clock: hub.clock }),
      {
        logger: log.logger,
        config: {
          operatorEmail: OPERATOR,
          autoDisableAfterDays: 5,
          // One retry every 12 hours: a delivery outlives the five days instead of going dead.
          retrySchedule: Array.from({ length: 12 }, () => 43_200),
          workerConcurrency: 1,
        },
      },
    );

    async function addConnection(): Promise<string> {
      const { id } = await stage.hub.addConnection(
        'webhook',
        { url: `${stage.target.url}/hooks/billing`, secret: SECRET },
        { name: 'Billing system', errorEmails: ['ops@example.com'] },
      );
      return id;
    }

    async function connection(id: string): Promise<ConnectionAnswer> {
      const res = await stage.hub.call('GET', `/connections/${id}`);
      expect(res.status).toBe(200);
      return res.json<ConnectionAnswer>();
    }

    it('switches a connection off after five days of failures, mails once, keeps its queue and delivers it in order when switched on', async () => {
      const { hub, target: sink } = stage;
      const connectionId = await addConnection();
      const start = hub.clock.now().getTime();
      sink.respondWith(...Array.from({ length: 4 }, () => ({ status: 500, body: 'down' })));

      await hub.postIpn('on_payment', { orderId: 'HLTH01', transactionId: '1' });
      expect(await hub.runtime.worker.runOnce()).toBe(1);
      hub.clock.advance(DAY);
      // Held back behind its payment (one order goes out in event order).
      await hub.postIpn('on_refund', { orderId: 'HLTH01', transactionId: '2' });

      // Five days minus a minute after the first failure: still on.
      hub.clock.advance(4 * DAY - MINUTE);
      await hub.postIpn('on_payment', { orderId: 'HLTH02', transactionId: '3' });
      expect(await hub.runtime.worker.runOnce()).toBe(2);
      expect(await connection(connectionId)).toMatchObject({ active: true, disabledAt: null });

      // Past five days: the next failure switches it off.
      hub.clock.advance(2 * MINUTE);
      await hub.postIpn('on_payment', { orderId: 'HLTH03', transactionId: '4' });
      expect(await hub.runtime.worker.runOnce()).toBe(1);
      const off = await connection(connectionId);
      expect(off.active).toBe(false);
      expect(off.disabledAt).toBe(hub.clock.now().toISOString());
      expect(off.disabledReason).toContain('every delivery attempt failed for 5 days 0 hours');
      expect(off.disabledReason).toContain(new Date(start).toISOString());

      const [mail] = await hub.smtp.waitForMessages(1);
      expect(mail?.to).toEqual([OPERATOR, 'ops@example.com']);
      expect(mail?.subject).toBe(
        '[ipnhub] Connection "Billing system" was switched off: it kept failing',
      );
      expect(mail?.text).toContain(`ipnhub connection enable ${connectionId}`);

      // Kept, not given up; nothing is attempted while it is off, and no second mail comes.
      hub.clock.advance(DAY);
      expect(await hub.runtime.worker.runOnce()).toBe(0);
      const kept = await hub.deliveries(connectionId);
      expect(kept.map((d) => d.status)).toEqual(['pending', 'pending', 'pending', 'pending']);
      const detail = await hub.call('GET', `/deliveries/${kept[0]?.id}`);
      expect(detail.json<{ waiting: { message: string } }>().waiting.message).toMatch(
        /^Kept while its connection is switched off/,
      );
      expect(hub.smtp.messages).toHaveLength(1);
      expect(sink.requests).toHaveLength(4);

      const metrics = await hub.app.inject({
        method: 'GET',
        url: '/metrics',
        headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` },
      });
      expect(metrics.body).toContain('ipnhub_connections_auto_disabled_total 1');
      expect(metrics.body).toContain('ipnhub_alert_mails_total{kind="disabled"} 1');

      // Switched on through the usual path: the kept deliveries go out, in event order per
      // order (different orders are sent side by side, in no fixed order).
      const on = await hub.call('PATCH', `/connections/${connectionId}`, { active: true });
      expect(on.status).toBe(200);
      expect(on.json<ConnectionAnswer>()).toMatchObject({
        active: true,
        disabledAt: null,
        disabledReason: null,
      });
      expect(await hub.runtime.worker.runOnce()).toBe(4);
      const sent = sink.requests.slice(4).map((r) => {
        const data = (r.json as { data: { type: string; order: { id: string } } }).data;
        return `${data.type} ${data.order.id}`;
      });
      expect([...sent].sort()).toEqual([
        'payment HLTH01',
        'payment HLTH02',
        'payment HLTH03',
        'refund HLTH01',
      ]);
      expect(sent.indexOf('payment HLTH01')).toBeLessThan(sent.indexOf('refund HLTH01'));
      expect((await hub.deliveries(connectionId)).every((d) => d.status === 'delivered')).toBe(
        true,
      );

      // The streak starts afresh: one more failure does not switch it off again.
      sink.respondWith({ status: 500, body: 'down again' });
      await hub.postIpn('on_payment', { orderId: 'HLTH04', transactionId: '5' });
      expect(await hub.runtime.worker.runOnce()).toBe(1);
      expect((await connection(connectionId)).active).toBe(true);
    });

    it("mails the operator about a source's rejected notifications: the first at once, the rest counted until the window ends", async () => {
      const { hub } = stage;
      for (const orderId of ['BAD01', 'BAD02', 'BAD03']) {
        const reply = await hub.sendIpn('on_payment', { orderId }, 'wrong-passphrase');
        expect(reply.status).toBe(403);
      }
      const [first] = await hub.smtp.waitForMessages(1);
      expect(first?.to).toEqual([OPERATOR]);
      expect(first?.subject).toBe(
        '[ipnhub] Source "DS24 main": 1 notification rejected (SIGNATURE_INVALID)',
      );
      expect(first?.text).toContain(`inbound-requests?verdict=rejected&sourceId=${hub.sourceId}`);

      // Inside the hour nothing more goes out; when it ends, one mail counts the other two.
      await hub.runtime.worker.runOnce();
      expect(hub.smtp.messages).toHaveLength(1);
      hub.clock.advance(60 * MINUTE);
      await hub.runtime.worker.runOnce();
      const [, second] = await hub.smtp.waitForMessages(2);
      expect(second?.to).toEqual([OPERATOR]);
      expect(second?.subject).toBe(
        '[ipnhub] Source "DS24 main": 2 notifications rejected (SIGNATURE_INVALID)',
      );
      hub.clock.advance(60 * MINUTE);
      await hub.runtime.worker.runOnce();
      expect(hub.smtp.messages).toHaveLength(2);
      const metrics = await hub.app.inject({
        method: 'GET',
        url: '/metrics',
        headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` },
      });
      expect(metrics.body).toContain('ipnhub_alert_mails_total{kind="SIGNATURE_INVALID"} 2');
    });

    it('logs one line per accepted notification and per attempt, with what an operator needs and nothing of the buyer', async () => {
      const { hub, target: sink } = stage;
      // The logger serves every test of this describe: read only this test's lines.
      const before = log.lines().length;
      const connectionId = await addConnection();
      sink.respondWith({ status: 502, body: 'bad gateway for anna.beispiel@example.com' });
      await hub.postIpn('on_payment', {
        orderId: 'LOG01',
        transactionId: '77',
        email: 'anna.beispiel@example.com',
      });
      expect(await hub.runtime.worker.runOnce()).toBe(1);
      hub.clock.advance(43_200_000);
      expect(await hub.runtime.worker.runOnce()).toBe(1);

      const lines = log.lines().slice(before);
      const accepted = lines.filter((line) => line.msg === 'notification accepted');
      expect(accepted).toHaveLength(1);
      expect(accepted[0]).toMatchObject({
        level: 30,
        sourceId: hub.sourceId,
        provider: 'digistore24',
        outcome: 'accepted',
        eventTypes: ['payment'],
        orderId: 'LOG01',
        events: 1,
        deliveries: 1,
        verification: 'immediate',
      });
      expect(typeof accepted[0]?.durationMs).toBe('number');

      const attempts = lines.filter((line) => line.msg === 'delivery attempt');
      expect(attempts).toHaveLength(2);
      const common = {
        level: 30,
        connectionId,
        connector: 'webhook',
        sourceId: hub.sourceId,
        eventType: 'payment',
        orderId: 'LOG01',
        trigger: 'scheduled',
      };
      expect(attempts[0]).toMatchObject({
        ...common,
        attempt: 1,
        outcome: 'retry',
        status: 'pending',
        httpStatus: 502,
        errorCode: 'HTTP_502',
      });
      expect(attempts[1]).toMatchObject({
        ...common,
        attempt: 2,
        outcome: 'delivered',
        status: 'delivered',
        httpStatus: 200,
        errorCode: null,
      });
      for (const line of attempts) expect(typeof line.durationMs).toBe('number');

      // Not the buyer's address (not even quoted back by the target), nor their name.
      const text = JSON.stringify(lines).toLowerCase();
      expect(text).not.toContain('anna.beispiel@example.com');
      expect(text).not.toContain('beispiel');
      expect(text).not.toContain('"anna');
    });
  });
}
