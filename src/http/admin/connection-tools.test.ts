/** The mapping preview (new and saved connections) and redelivering a connection's failed deliveries. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ds24Request } from '../../../test/helpers/ds24.js';
import { enabledDialects } from '../../../test/helpers/test-db.js';
import { startWebhookSink } from '../../../test/fakes/webhook-sink.js';
import type { WebhookSink } from '../../../test/fakes/webhook-sink.js';
import { ManualClock } from '../../lib/clock.js';
import { startAdminHarness } from './test-support/admin-harness.js';
import type { AdminHarness } from './test-support/admin-harness.js';

const PASSPHRASE = 'tools-passphrase-0123';
const SECRET_HEADER = 'Bearer very-secret-target-token';

interface Preview {
  event: { id: string; type: string; sample: boolean };
  fields: Array<{ field: string; kind: string; source: string; value: unknown }>;
  output: Record<string, unknown> | null;
  problems: Array<{ path: string; problem: string }>;
}

for (const dialect of enabledDialects()) {
  describe(`mapping preview on ${dialect}`, () => {
    let h: AdminHarness;
    let sourceId: string;
    let eventId: string;

    beforeAll(async () => {
      h = await startAdminHarness(dialect);
      sourceId = (
        await h.call('POST', '/sources', {
          provider: 'digistore24',
          name: 'Shop',
          config: { passphrase: PASSPHRASE },
        })
      ).json<{ id: string }>().id;
      const result = await h.runtime.ingest.receive(
        sourceId,
        ds24Request(sourceId, PASSPHRASE, 'on_refund', {
          orderId: 'REAL42',
          email: 'Real.Buyer@Example.com',
          amount: '49.00',
        }),
      );
      if (result.outcome.kind !== 'accepted') throw new Error('not accepted');
      eventId = result.outcome.eventIds[0] ?? '';
    });
    afterAll(async () => h.close());

    const preview = (connector: string, body: object) =>
      h.call('POST', `/connectors/${connector}/preview`, body);

    it("renders a new webhook's mapping for the sample payment and shows the body it would POST", async () => {
      const res = await preview('webhook', {
        config: {
          url: 'https://billing.example.com/in',
          headers: { Authorization: SECRET_HEADER },
          mapping: {
            email: 'buyer.email',
            'order.total': '{amount} {order.currency}',
            'order.id': 'order.id',
          },
        },
      });
      expect(res.status).toBe(200);
      const body = res.json<Preview>();
      expect(body.event).toEqual({
        id: expect.stringMatching(/^evt_/),
        type: 'payment',
        sample: true,
      });
      expect(body.fields).toEqual([
        {
          field: 'mapping.email',
          kind: 'mapping',
          source: 'buyer.email',
          value: 'anna.beispiel@example.com',
        },
        {
          field: 'mapping.order.total',
          kind: 'mapping',
          source: '{amount} {order.currency}',
          value: '97.00 EUR',
        },
        { field: 'mapping.order.id', kind: 'mapping', source: 'order.id', value: 'K7QX2M9P' },
      ]);
      expect(body.output).toEqual({
        body: { email: 'anna.beispiel@example.com', order: { total: '97.00 EUR', id: 'K7QX2M9P' } },
      });
      expect(body.problems).toEqual([]);
      expect(res.text).not.toContain(SECRET_HEADER);
    });

    it('renders a recorded event of the user’s choice, or a sample of another type', async () => {
      const recorded = (
        await preview('email', { config: { to: ['ops@example.com'] }, eventId })
      ).json<Preview>();
      expect(recorded.event).toEqual({ id: eventId, type: 'refund', sample: false });
      // The e-mail connector's default templates, filled in by its schema.
      expect(recorded.fields.map((f) => [f.field, f.kind])).toEqual([
        ['subject', 'template'],
        ['body', 'template'],
      ]);
      expect(recorded.fields[0]?.value).toBe('[ipnhub] refund — order REAL42');
      expect(recorded.fields[1]?.value).toContain(
        'Buyer:    Anna Beispiel <real.buyer@example.com>',
      );
      expect(recorded.output).toBeNull();
      const sample = (
        await preview('email', {
          config: { to: ['ops@example.com'], subject: '{event}: {buyer.email|upper}' },
          sampleEventType: 'chargeback',
        })
      ).json<Preview>();
      expect(sample.event).toMatchObject({ type: 'chargeback', sample: true });
      expect(sample.fields[0]).toEqual({
        field: 'subject',
        kind: 'template',
        source: '{event}: {buyer.email|upper}',
        value: 'chargeback: ANNA.BEISPIEL@EXAMPLE.COM',
      });
    });

    it('still renders a config that is not valid yet, and says what keeps it from being saved (secrets scrubbed)', async () => {
      const res = await preview('webhook', {
        config: {
          url: 'not a url',
          secret: 'whsec_not-valid-secret-value',
          mapping: { name: '{buyer.firstNme}', id: 'order.id' },
        },
      });
      expect(res.status).toBe(200);
      const body = res.json<Preview>();
      expect(body.fields).toEqual([
        { field: 'mapping.name', kind: 'mapping', source: '{buyer.firstNme}', value: '' },
        { field: 'mapping.id', kind: 'mapping', source: 'order.id', value: 'K7QX2M9P' },
      ]);
      expect(body.output).toBeNull();
      expect(body.problems).toEqual([
        { path: 'url', problem: 'must be an http:// or https:// URL' },
        { path: 'secret', problem: 'must be "whsec_" followed by the base64 of 24 to 64 bytes' },
        {
          path: 'mapping.name',
          problem:
            '"{buyer.firstNme}": the event has no "buyer.firstNme" (did you mean "buyer.firstName"?)',
        },
      ]);
      expect(res.text).not.toContain('whsec_not-valid-secret-value');
    });

    it('previews a saved connection with its stored secrets and unsaved changes, saving nothing', async () => {
      const created = await h.call('POST', '/connections', {
        connector: 'webhook',
        name: 'Hook',
        config: {
          url: 'https://billing.example.com/in',
          headers: { Authorization: SECRET_HEADER },
          mapping: { id: 'order.id' },
        },
      });
      const connection = created.json<{ id: string; updatedAt: string }>();
      const stored = (
        await h.call('POST', `/connections/${connection.id}/preview`, {})
      ).json<Preview>();
      expect(stored.output).toEqual({ body: { id: 'K7QX2M9P' } });
      expect(stored.problems).toEqual([]);
      const changed = await h.call('POST', `/connections/${connection.id}/preview`, {
        config: { mapping: { id: 'order.id', mail: 'buyer.email' } },
        eventId,
      });
      expect(changed.json<Preview>().output).toEqual({
        body: { id: 'REAL42', mail: 'real.buyer@example.com' },
      });
      expect(changed.text).not.toContain(SECRET_HEADER);
      const after = (await h.call('GET', `/connections/${connection.id}`)).json<{
        config: unknown;
        updatedAt: string;
      }>();
      expect(after).toMatchObject({
        config: { mapping: { id: 'order.id' } },
        updatedAt: connection.updatedAt,
      });
      expect(
        (await h.call('POST', '/connections/con_01JNOSUCHCONNECTION0000000/preview', {})).status,
      ).toBe(404);
    });

    it('refuses an unknown connector, an unknown event, and a body naming both an event and a sample', async () => {
      const unknown = await preview('fax', { config: {} });
      expect(unknown.status).toBe(400);
      expect(unknown.json<{ error: { code: string } }>().error.code).toBe('UNKNOWN_CONNECTOR');
      const missing = await preview('webhook', {
        config: {},
        eventId: 'evt_01JNOSUCHEVENT000000000000',
      });
      expect(missing.status).toBe(404);
      const both = await preview('webhook', { config: {}, eventId, sampleEventType: 'payment' });
      expect(both.status).toBe(400);
      expect(both.json<{ error: { message: string } }>().error.message).toContain(
        'give eventId or sampleEventType, not both',
      );
      const badType = await preview('webhook', { config: {}, sampleEventType: 'purchase' });
      expect(badType.status).toBe(400);
    });
  });

  describe(`redelivering a connection's failed deliveries on ${dialect}`, () => {
    const clock = new ManualClock('2026-05-01T10:00:00.000Z');
    let h: AdminHarness;
    let sink: WebhookSink;
    let sourceId: string;

    beforeAll(async () => {
      sink = await startWebhookSink();
      h = await startAdminHarness(dialect, { clock, config: { retrySchedule: [] } });
      sourceId = (
        await h.call('POST', '/sources', {
          provider: 'digistore24',
          name: 'Shop',
          config: { passphrase: PASSPHRASE },
        })
      ).json<{ id: string }>().id;
    });
    afterAll(async () => {
      await h.close();
      await sink.close();
    });

    it('queues every dead and failed delivery of the connection again, and they go out in event order per order', async () => {
      const hook = (
        await h.call('POST', '/connections', {
          connector: 'webhook',
          name: 'Hook',
          config: {
            url: `${sink.url}/hook`,
            headers: { 'X-Target-Key': SECRET_HEADER },
            mapping: { order: 'order.id', event: 'event' },
          },
        })
      ).json<{ id: string }>().id;
      const other = (
        await h.call('POST', '/connections', {
          connector: 'webhook',
          name: 'Other',
          config: { url: `${sink.url}/other` },
        })
      ).json<{ id: string }>().id;
      for (const [event, orderId, transactionId] of [
        ['on_payment', 'O1', '1'],
        ['on_refund', 'O1', '2'],
        ['on_payment', 'O2', '3'],
      ] as const) {
        await h.runtime.ingest.receive(
          sourceId,
          ds24Request(sourceId, PASSPHRASE, event, { orderId, transactionId }),
        );
      }
      /** The first recorded request of each attempt of a delivery, as stored. */
      const storedRequests = async (deliveryId: string) =>
        (
          await h.runtime.dbHandle.db
            .selectFrom('attempts')
            .select('requests')
            .where('delivery_id', '=', deliveryId)
            .orderBy('attempt_no')
            .execute()
        ).map(
          ({ requests }) => (JSON.parse(requests ?? '{}') as { requests: unknown[] }).requests[0],
        );
      // The sink is down: with no retries left, every delivery dies at its first attempt.
      sink.respondWith(...Array.from({ length: 6 }, () => ({ status: 503 })));
      await h.runtime.worker.runOnce();
      await h.runtime.worker.runOnce();
      const statuses = async (connectionId: string) =>
        (await h.call('GET', `/deliveries?connectionId=${connectionId}`))
          .json<{ data: Array<{ status: string; trigger: string }> }>()
          .data.map((d) => `${d.status}/${d.trigger}`);
      expect(await statuses(hook)).toEqual(['dead/scheduled', 'dead/scheduled', 'dead/scheduled']);
      expect(await statuses(other)).toEqual(['dead/scheduled', 'dead/scheduled', 'dead/scheduled']);

      const res = await h.call('POST', `/connections/${hook}/redeliver`, {
        statuses: ['dead', 'failed'],
      });
      expect(res.status).toBe(202);
      expect(res.json()).toEqual({ dryRun: false, matched: 3, redelivered: 3 });
      expect(await statuses(hook)).toEqual(['pending/manual', 'pending/manual', 'pending/manual']);
      expect(await statuses(other)).toEqual(['dead/scheduled', 'dead/scheduled', 'dead/scheduled']);

      const before = sink.requests.length;
      await h.runtime.worker.runOnce();
      await h.runtime.worker.runOnce();
      const sent = (await sink.waitForRequests(before + 3))
        .slice(before)
        .map((r) => JSON.stringify(r.json));
      // Orders go out independently; within one order, in event order.
      expect([...sent].sort()).toEqual([
        '{"order":"O1","event":"payment"}',
        '{"order":"O1","event":"refund"}',
        '{"order":"O2","event":"payment"}',
      ]);
      expect(sent.indexOf('{"order":"O1","event":"payment"}')).toBeLessThan(
        sent.indexOf('{"order":"O1","event":"refund"}'),
      );
      const delivered = (await h.call('GET', `/deliveries?connectionId=${hook}`)).json<{
        data: Array<{ id: string; status: string }>;
      }>().data;
      expect(delivered.map((d) => d.status)).toEqual(['delivered', 'delivered', 'delivered']);
      for (const { id } of delivered) {
        const detail = await h.call('GET', `/deliveries/${id}`);
        const attempts = detail.json<{
          attempts: Array<{
            trigger: string;
            outcome: string;
            requests: Array<Record<string, unknown>> | null;
          }>;
        }>().attempts;
        expect(attempts.map((a) => `${a.trigger}/${a.outcome}`)).toEqual([
          'scheduled/retry',
          'manual/delivered',
        ]);
        // Each attempt shows the request as sent and what it got; the secret header only by name.
        const [first, second] = attempts.map((a) => a.requests?.[0]);
        expect(first).toMatchObject({
          method: 'POST',
          url: `${sink.url}/hook`,
          status: 503,
          failure: null,
        });
        expect(second).toMatchObject({
          method: 'POST',
          url: `${sink.url}/hook`,
          status: 200,
          headers: {
            'x-target-key': '[redacted]',
            'content-type': 'application/json',
            'webhook-id': id,
          },
        });
        const received = sink.requests.find(
          (r) =>
            r.headers['webhook-id'] === id &&
            r.headers['webhook-signature'] ===
              (second?.headers as Record<string, string> | undefined)?.['webhook-signature'],
        );
        expect(second?.body).toBe(received?.rawBody.toString('utf8'));
        expect(detail.text).not.toContain(SECRET_HEADER);
        // A mapped body is stored as sent (only the plain envelope is kept as a reference).
        expect(await storedRequests(id)).toEqual([
          expect.objectContaining({ body: second?.body }),
          expect.objectContaining({ body: second?.body }),
        ]);
      }
      // The plain envelope is stored as a reference to the event and rebuilt for the answer, as
      // sent (outbox/request-recorder.ts).
      const others = (await h.call('GET', `/deliveries?connectionId=${other}`)).json<{
        data: Array<{ id: string }>;
      }>().data;
      expect(others).toHaveLength(3);
      for (const { id } of others) {
        const detail = await h.call('GET', `/deliveries/${id}`);
        const [attempt] = detail.json<{
          attempts: Array<{ requests: Array<Record<string, unknown>> | null }>;
        }>().attempts;
        const received = sink.requests.find((r) => r.headers['webhook-id'] === id);
        expect(received).toBeDefined();
        expect(attempt?.requests?.[0]?.body).toBe(received?.rawBody.toString('utf8'));
        expect(attempt?.requests?.[0]).not.toHaveProperty('bodyRef');
        expect(await storedRequests(id)).toEqual([
          expect.objectContaining({ body: null, bodyRef: 'event-envelope' }),
        ]);
      }
      // Nothing is left to redeliver; delivered ones are not touched by the default.
      expect((await h.call('POST', `/connections/${hook}/redeliver`, {})).json()).toEqual({
        dryRun: false,
        matched: 0,
        redelivered: 0,
      });
    });

    it('refuses an unknown connection, unknown statuses and an empty list', async () => {
      expect(
        (await h.call('POST', '/connections/con_01JNOSUCHCONNECTION0000000/redeliver', {})).status,
      ).toBe(404);
      for (const statuses of [['delivered'], ['pending'], []]) {
        const res = await h.call('POST', '/connections/con_01JNOSUCHCONNECTION0000000/redeliver', {
          statuses,
        });
        expect(res.status, JSON.stringify(statuses)).toBe(400);
        expect(res.json<{ error: { code: string } }>().error.code).toBe('VALIDATION_FAILED');
      }
    });

    it('takes only the deliveries of a time range and event types, counts them in a dry run, and queues each once when calls repeat or race', async () => {
      clock.set('2026-05-02T10:00:00.000Z');
      const hook = (
        await h.call('POST', '/connections', {
          connector: 'webhook',
          name: 'Filtered',
          config: { url: `${sink.url}/filtered`, mapping: { order: 'order.id', event: 'event' } },
        })
      ).json<{ id: string }>().id;
      const receive = (event: string, orderId: string, transactionId: string) =>
        h.runtime.ingest.receive(
          sourceId,
          ds24Request(sourceId, PASSPHRASE, event, { orderId, transactionId }),
        );
      await receive('on_payment', 'F1', '1');
      await receive('on_refund', 'F1', '2');
      clock.set('2026-05-03T10:00:00.000Z');
      await receive('on_payment', 'F2', '3');
      // Three connections take the three events; every attempt fails and, without retries, dies.
      sink.respondWith(...Array.from({ length: 9 }, () => ({ status: 503 })));
      await h.runtime.worker.runOnce();
      await h.runtime.worker.runOnce();
      const mine = async () =>
        (await h.call('GET', `/deliveries?connectionId=${hook}`))
          .json<{ data: Array<{ status: string; trigger: string; eventType: string }> }>()
          .data.map((d) => `${d.eventType}:${d.status}/${d.trigger}`);
      expect(await mine()).toEqual([
        'payment:dead/scheduled',
        'refund:dead/scheduled',
        'payment:dead/scheduled',
      ]);
      const replay = (body: object) => h.call('POST', `/connections/${hook}/redeliver`, body);

      // Created on 2 May, payments only: F1's payment.
      const firstDay = { from: '2026-05-02T00:00:00Z', to: '2026-05-03T00:00:00Z' };
      expect((await replay({ ...firstDay, eventTypes: ['payment'], dryRun: true })).json()).toEqual(
        { dryRun: true, matched: 1, redelivered: 0 },
      );
      expect((await replay({ ...firstDay, dryRun: true })).json()).toEqual({
        dryRun: true,
        matched: 2,
        redelivered: 0,
      });
      expect(await mine()).toEqual([
        'payment:dead/scheduled',
        'refund:dead/scheduled',
        'payment:dead/scheduled',
      ]);
      expect((await replay({ ...firstDay, eventTypes: ['payment'] })).json()).toEqual({
        dryRun: false,
        matched: 1,
        redelivered: 1,
      });
      expect(await mine()).toEqual([
        'payment:dead/scheduled',
        'refund:dead/scheduled',
        'payment:pending/manual',
      ]);

      // The rest, by three calls at once: each delivery is queued by exactly one of them.
      const results = await Promise.all([
        h.runtime.admin.redeliverConnection(hook, { statuses: ['dead'] }, {}),
        h.runtime.admin.redeliverConnection(hook, { statuses: ['dead'] }, {}),
        h.runtime.admin.redeliverConnection(hook, { statuses: ['dead'] }, {}),
      ]);
      expect(results.reduce((sum, r) => sum + r.redelivered, 0)).toBe(2);
      expect(await mine()).toEqual([
        'payment:pending/manual',
        'refund:pending/manual',
        'payment:pending/manual',
      ]);
      // Each goes out once.
      const before = sink.requests.filter((r) => r.path === '/filtered').length;
      await h.runtime.worker.runOnce();
      await h.runtime.worker.runOnce();
      await h.runtime.worker.runOnce();
      expect(sink.requests.filter((r) => r.path === '/filtered').length - before).toBe(3);
      expect((await mine()).map((d) => d.split('/')[0])).toEqual([
        'payment:delivered',
        'refund:delivered',
        'payment:delivered',
      ]);
    });

    it('refuses a switched-off connection and an empty range', async () => {
      const off = (
        await h.call('POST', '/connections', {
          connector: 'webhook',
          name: 'Off',
          active: false,
          config: { url: `${sink.url}/off` },
        })
      ).json<{ id: string }>().id;
      const off409 = await h.call('POST', `/connections/${off}/redeliver`, {});
      expect([off409.status, off409.json<{ error: { code: string } }>().error.code]).toEqual([
        409,
        'CONNECTION_INACTIVE',
      ]);
      const on = (
        await h.call('POST', '/connections', {
          connector: 'webhook',
          name: 'On',
          config: { url: `${sink.url}/on` },
        })
      ).json<{ id: string }>().id;
      const empty = await h.call('POST', `/connections/${on}/redeliver`, {
        from: '2026-05-03T00:00:00Z',
        to: '2026-05-02T00:00:00Z',
      });
      expect([empty.status, empty.json<{ error: { code: string } }>().error.code]).toEqual([
        400,
        'INVALID_RANGE',
      ]);
      // Nothing matching is no error: nothing is queued.
      expect((await h.call('POST', `/connections/${on}/redeliver`, {})).json()).toEqual({
        dryRun: false,
        matched: 0,
        redelivered: 0,
      });
    });
  });
}
