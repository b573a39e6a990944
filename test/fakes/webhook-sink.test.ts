import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { Webhook } from 'standardwebhooks';
import { ManualClock } from '../../src/lib/clock.js';
import { startWebhookSink } from './webhook-sink.js';
import type { WebhookSink } from './webhook-sink.js';

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

function signedHeaders(id: string, at: Date, body: string): Record<string, string> {
  return {
    'content-type': 'application/json',
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': new Webhook(SECRET).sign(id, at, body),
  };
}

describe('startWebhookSink', () => {
  let sink: WebhookSink;
  const clock = new ManualClock('2026-03-01T10:00:00.000Z');

  beforeEach(async () => {
    sink = await startWebhookSink({ secret: SECRET, clock });
  });

  afterEach(async () => {
    await sink.close();
  });

  it('records the request and verifies its signature against the given clock', async () => {
    const body = '{"type":"payment"}';
    const res = await request(`${sink.url}/hooks/a?x=1`, {
      method: 'POST',
      headers: signedHeaders('msg_1', clock.now(), body),
      body,
    });
    expect(res.statusCode).toBe(200);
    await res.body.text();
    expect(sink.requests).toHaveLength(1);
    expect(sink.requests[0]).toMatchObject({
      method: 'POST',
      path: '/hooks/a?x=1',
      json: { type: 'payment' },
      verified: true,
    });
    expect(sink.requests[0]?.rawBody.toString()).toBe(body);
    expect(sink.requests[0]?.headers['webhook-id']).toBe('msg_1');
  });

  it('refuses timestamps more than 5 minutes off, and wrong signatures', async () => {
    const body = '{}';
    const stale = new Date(clock.now().getTime() - 301_000);
    await (
      await request(sink.url, {
        method: 'POST',
        headers: signedHeaders('msg_old', stale, body),
        body,
      })
    ).body.text();
    const tampered = signedHeaders('msg_x', clock.now(), body);
    await (
      await request(sink.url, { method: 'POST', headers: tampered, body: '{"changed":true}' })
    ).body.text();
    await (await request(sink.url, { method: 'POST', body })).body.text();
    expect(sink.requests.map((r) => r.verified)).toEqual([false, false, false]);
  });

  it('answers from the queue, then 200, and counts distinct webhook ids', async () => {
    sink.respondWith(
      { status: 429, headers: { 'retry-after': '7' }, body: 'slow' },
      { status: 500 },
    );
    const statuses: number[] = [];
    for (const id of ['a', 'a', 'b']) {
      const res = await request(sink.url, {
        method: 'POST',
        headers: { 'webhook-id': id },
        body: 'x',
      });
      statuses.push(res.statusCode);
      if (res.statusCode === 429) expect(res.headers['retry-after']).toBe('7');
      await res.body.text();
    }
    expect(statuses).toEqual([429, 500, 200]);
    expect(sink.uniqueIds()).toEqual(['a', 'b']);
    expect(sink.requests[0]?.json).toBeNull();
  });

  it('resets the connection when told to', async () => {
    sink.respondWith({ reset: true });
    await expect(request(sink.url, { method: 'POST', body: '{}' })).rejects.toThrow();
    expect(sink.requests).toHaveLength(1);
  });

  it('waits until the n-th request has arrived', async () => {
    let settled = false;
    const waiting = sink.waitForRequests(2).finally(() => (settled = true));
    await (await request(sink.url, { method: 'POST', body: '{}' })).body.text();
    // The wait was checked when the first request arrived, before its answer went out.
    expect(settled).toBe(false);
    await (await request(sink.url, { method: 'POST', body: '{"n":2}' })).body.text();
    expect((await waiting).map((r) => r.json)).toEqual([{}, { n: 2 }]);
    expect(await sink.waitForRequests(1)).toHaveLength(2);
  });
});

describe('startWebhookSink without a clock or secret', () => {
  it('verifies against the real time, and reports null without a secret', async () => {
    const verifying = await startWebhookSink({ secret: SECRET });
    const plain = await startWebhookSink();
    try {
      const body = '{"a":1}';
      await (
        await request(verifying.url, {
          method: 'POST',
          headers: signedHeaders('m1', new Date(), body),
          body,
        })
      ).body.text();
      await (
        await request(verifying.url, {
          method: 'POST',
          headers: signedHeaders('m2', new Date('2020-01-01T00:00:00.000Z'), body),
          body,
        })
      ).body.text();
      await (
        await request(plain.url, {
          method: 'POST',
          headers: signedHeaders('m3', new Date(), body),
          body,
        })
      ).body.text();
      expect(verifying.requests.map((r) => r.verified)).toEqual([true, false]);
      expect(plain.requests.map((r) => r.verified)).toEqual([null]);
    } finally {
      await verifying.close();
      await plain.close();
    }
  });
});
